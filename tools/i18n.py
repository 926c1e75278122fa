"""Extract, update and compile chainkg's message catalogs (pybabel, driven from one place).

    python tools/i18n.py            # extract → chainkg/locale/chainkg.pot, update zh/en .po, compile .mo
    python tools/i18n.py --check    # exit 1 when a catalog is stale, a zh message untranslated or a msgid ambiguous

The compiled ``.mo`` files are committed and shipped as package data: a runtime install needs
no Babel (a build tool here, like ruff), and what runs is byte for byte what was reviewed.
tests/unit/test_i18n.py recompiles in memory and compares, so a stale ``.mo`` fails the tests.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "chainkg" / "locale"
POT = LOCALE_DIR / "chainkg.pot"
LOCALES = ("zh", "en")
METHOD_MAP = [("chainkg/**.py", "python"), ("chainkg/**/templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Msg": None}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "chainkg.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "chainkg.mo"


def extract() -> Catalog:
    """Every message of the code and templates, as pybabel extract -F babel.cfg finds them."""
    cat = Catalog(project="chainkg", fuzzy=False)
    for _file, _line, msg, comments, ctx in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, options_map={"chainkg/**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        cat.add(msg, None, [], auto_comments=comments, context=ctx)
    for doc in command_docstrings():
        cat.add(doc, None, [])
    return cat


def command_docstrings() -> list[str]:
    """The help text of every CLI command: the docstring of each ``@app.command``/``@app.callback``
    function in chainkg/cli, cleaned as typer shows it (``inspect.getdoc``), so the whole help is a message."""
    docs = []
    for path in sorted((ROOT / "chainkg" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    docs.append(doc)
    return docs


def _is_command(decorator: ast.expr) -> bool:
    """``@app.command(...)`` or ``@app.callback(...)``."""
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(func, ast.Attribute) and func.attr in ("command", "callback")


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def po_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, omit_header=False, sort_output=True, width=120, no_location=True, ignore_obsolete=True)
    return buf.getvalue()


def mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def ids(cat: Catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in cat if m.id}


def build() -> None:
    pot = extract()
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_bytes(po_bytes(pot))
    for lang in LOCALES:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        cat = read(path, lang) if path.exists() else Catalog(locale=lang, project="chainkg")
        cat.update(pot, no_fuzzy_matching=True)
        cat.obsolete.clear()
        path.write_bytes(po_bytes(cat))
        mo_path(lang).write_bytes(mo_bytes(read(path, lang)))


def ambiguous(cat: Catalog) -> list[str]:
    """The msgids used both bare and in a context (``_("year")`` and ``pgettext("column", "year")``).

    A msgid with a context says that one English word has more than one meaning; the same msgid
    also used bare then leaves one translation to serve a meaning nobody named (the bare
    ``firms`` was a unit, 家, where the header ``firms`` is 全国企业). Give the bare use a context
    too. Two contexts of one msgid whose translations should differ but are equal cannot be seen
    from the catalog: that stays with review.
    """
    contexts: dict[str, set[str | None]] = {}
    for m in cat:
        if m.id:
            contexts.setdefault(m.id if isinstance(m.id, str) else m.id[0], set()).add(m.context)
    return sorted(k for k, found in contexts.items() if None in found and len(found) > 1)


def untranslated(cat: Catalog) -> list[str]:
    """The msgids without a translation (a plural message needs every form)."""
    return [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in cat
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]


def check() -> list[str]:
    """What is stale, missing or ambiguous, in words (empty when the catalogs are complete and fresh)."""
    problems = []
    found = extract()
    want = ids(found)
    unclear = ambiguous(found)
    if unclear:
        problems.append(
            f"{len(unclear)} msgid(s) used both bare and with a context (give the bare use a context): {unclear[:10]}"
        )
    if ids(read(POT)) != want:
        problems.append(f"{POT.name} is stale: run python tools/i18n.py")
    for lang in LOCALES:
        cat = read(po_path(lang), lang)
        if ids(cat) != want:
            problems.append(f"{lang}.po does not list the extracted messages: run python tools/i18n.py")
        if lang == "zh":
            missing = untranslated(cat)
            if missing:
                problems.append(f"zh.po: {len(missing)} untranslated, e.g. {missing[:5]}")
        if not mo_path(lang).exists() or mo_path(lang).read_bytes() != mo_bytes(cat):
            problems.append(f"{lang}/chainkg.mo is stale: run python tools/i18n.py")
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv:
        found = check()
        print("\n".join(found) or "catalogs complete and fresh")
        sys.exit(1 if found else 0)
    build()
