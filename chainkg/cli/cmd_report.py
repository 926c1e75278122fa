"""The annual review report (年度考核报告) of a base as an Excel, Word or PDF file."""

from __future__ import annotations

from pathlib import Path

import typer

from chainkg.cli.common import console, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, _, get_locale, normalize, use_locale


@app.command("report")
def report(
    base: str = typer.Argument(..., help=N_("Key of the base, e.g. sz-led or city:深圳市")),
    year: int | None = typer.Option(None, "--year", "-y", help=N_("Year under review; last year when omitted")),
    fmt: str = typer.Option("xlsx", "--format", "-f", help=N_("xlsx, docx or pdf")),
    maps: list[str] = typer.Option(
        [], "--map", "-m", help=N_("Chain map key (repeatable); default: the base's own maps")
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help=N_("File to write; default chainkg-report-<base>-<year>.<format> in this folder")
    ),
    lang: str | None = typer.Option(
        None, "--lang", "-l", help=N_("Language of the report: zh or en; default that of chainkg --lang / CHAINKG_LANG")
    ),
) -> None:
    """Annual review report of a base — §2 targets, indicators and their change,
    chain-map coverage, gaps with whom to attract, weak links, alliances, patent pools,
    platforms and the data sources — as Excel (one sheet per part), Word or PDF.

    Example: chainkg report sz-led --year 2021 --format xlsx --out sz-led-2021.xlsx
    """
    from chainkg.views.report import build_report, file_name
    from chainkg.views.report_files import FORMATS, render

    if fmt not in FORMATS:
        raise InvalidInputError(_("Unknown format {fmt!r}: choose xlsx, docx or pdf.").format(fmt=fmt), field="format")
    if lang is not None and normalize(lang) is None:
        raise InvalidInputError(_("Unknown language {lang!r}: choose zh or en.").format(lang=lang), field="lang")
    # The whole report (and the line saying where it went) in one language.
    with use_locale(lang or get_locale()):
        with store_session() as store:
            found = build_report(store, base, year, maps or None)
        data = render(found, fmt)
        path = out or Path(file_name(found, fmt))
        path.write_bytes(data)
        console.print(
            _("Written: {path} — annual review report of {name}, {year} ({size:,} bytes)").format(
                path=path, name=found.base.name, year=found.year, size=len(data)
            ),
            highlight=False,
        )
