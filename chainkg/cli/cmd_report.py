"""The annual review report (年度考核报告) of a base as an Excel, Word or PDF file."""

from __future__ import annotations

from pathlib import Path

import typer

from chainkg.cli.common import console, store_session
from chainkg.cli.main import app
from chainkg.errors import InvalidInputError


@app.command("report")
def report(
    base: str = typer.Argument(..., help="Key of the base (基地主键)"),
    year: int | None = typer.Option(None, "--year", "-y", help="Year under review (考核年度); last year when omitted"),
    fmt: str = typer.Option("xlsx", "--format", "-f", help="xlsx, docx or pdf"),
    maps: list[str] = typer.Option(
        [], "--map", "-m", help="Chain map key (repeatable); default: the base's own maps (图谱)"
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="File to write; default chainkg-report-<base>-<year>.<format> in this folder"
    ),
) -> None:
    """年度考核报告: a base's annual review report — §2 targets, indicators and their change,
    chain-map coverage, gaps with whom to attract, weak links, alliances, patent pools,
    platforms and the data sources — as Excel (one sheet per part), Word or PDF.

    Example: chainkg report sz-led --year 2021 --format xlsx --out sz-led-2021.xlsx
    """
    from chainkg.views.report import build_report, file_name
    from chainkg.views.report_files import FORMATS, render

    if fmt not in FORMATS:
        raise InvalidInputError(f"Unknown format {fmt!r}: choose xlsx, docx or pdf.", field="format")
    with store_session() as store:
        found = build_report(store, base, year, maps or None)
    data = render(found, fmt)
    path = out or Path(file_name(found, fmt))
    path.write_bytes(data)
    console.print(
        f"已写入 written: {path} — {found.base.name} {found.year} 年度考核报告 ({len(data):,} bytes)", highlight=False
    )
