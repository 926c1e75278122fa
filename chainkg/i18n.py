"""The language of what people read: Chinese (``zh``) by default, English (``en``) on request.

Strings are written in English in the code and looked up in gettext catalogs
(``chainkg/locale/<lang>/LC_MESSAGES/chainkg.mo``, compiled from the ``.po`` files beside them
by ``python tools/i18n.py``; tests/unit/test_i18n.py checks they are complete and fresh).
The current language is context-local: the CLI sets it once from ``--lang`` / ``CHAINKG_LANG``,
the API per request from ``lang=`` / ``Accept-Language``.

Three kinds of text:

- ``_("Gaps to attract")`` — a sentence or a title;
- ``column("stage")`` — a table, CSV or Excel header (context ``column``);
- ``value("gap")`` — a code shown to people (level, status, role, stage, yes/no; context ``value``).
  Data (names of firms, products, places) is never translated: an unknown value comes back as is.

This module is the bottom layer: it imports nothing of chainkg, so any layer may use it.
"""

from __future__ import annotations

import gettext as _gettext
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALES: tuple[str, ...] = ("zh", "en")
DEFAULT_LOCALE = "zh"
DOMAIN = "chainkg"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("chainkg_locale", default=DEFAULT_LOCALE)


def normalize(tag: str | None) -> str | None:
    """``zh``/``en`` for a language tag (``zh-CN``, ``en_US``, ``EN``), None when unsupported."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language an ``Accept-Language`` header prefers most, None when it names none.

    >>> from_accept_language("en-GB,en;q=0.9,zh;q=0.8")
    'en'
    >>> from_accept_language("fr, zh-CN;q=0.5")
    'zh'
    """
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        lang = normalize(tag)
        if lang is None:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _eq, val = p.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        # higher q first, then the earlier entry
        if q > 0 and (best is None or (q, -i) > (best[0], best[1])):
            best = (q, -i, lang)
    return best[2] if best else None


def get_locale() -> str:
    """The language of the current command or request."""
    return _current.get()


def set_locale(lang: str | None) -> str:
    """Make ``lang`` (or the default, when None/unsupported) the current language; returns it."""
    chosen = normalize(lang) or DEFAULT_LOCALE
    _current.set(chosen)
    return chosen


@contextmanager
def use_locale(lang: str | None) -> Iterator[str]:
    """Within the block, speak ``lang``."""
    token = _current.set(normalize(lang) or DEFAULT_LOCALE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@lru_cache(maxsize=len(LOCALES))
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (a catalog that changes nothing when there is none)."""
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(_current.get()).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the current language."""
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context``."""
    return translations(_current.get()).pgettext(context, message)


def column(name: str) -> str:
    """A header (table, CSV, Excel) in the current language; unknown names come back as they are."""
    return pgettext("column", name)


def value(v: Any) -> Any:
    """A value shown to people: codes (``gap``, ``product``, ``chair``…) and booleans translated, data as is."""
    if isinstance(v, bool):
        return pgettext("value", "yes") if v else pgettext("value", "no")
    if isinstance(v, str) and v and v.isascii():
        return pgettext("value", v)
    return v


def pick(zh: str, en: str) -> str:
    """One of a pair written side by side in the code (labels kept in tables of both languages)."""
    return en if _current.get() == "en" else zh


def in_language(lang: str, message: str) -> str:
    """``message`` in ``lang`` whatever the current language (a document written in both)."""
    return translations(normalize(lang) or DEFAULT_LOCALE).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate where it is shown)."""
    return message


def _vocabulary() -> None:  # pragma: no cover - never called: lists the vocabulary for pybabel
    """The codes people read (context ``value``) and the headers (``column``): pybabel extracts them here."""
    pgettext("value", "product")
    pgettext("value", "Product")
    pgettext("value", "national")
    pgettext("value", "provincial")
    pgettext("value", "municipal")
    pgettext("value", "Industry")
    pgettext("value", "industry")
    pgettext("value", "gap")
    pgettext("value", "weak")
    pgettext("value", "covered")
    pgettext("value", "no_supplier")
    pgettext("value", "upstream")
    pgettext("value", "midstream")
    pgettext("value", "downstream")
    pgettext("value", "chair")
    pgettext("value", "vice_chair")
    pgettext("value", "secretariat")
    pgettext("value", "member")
    pgettext("value", "yes")
    pgettext("value", "no")
    pgettext("value", "rnd")
    pgettext("value", "information")
    pgettext("value", "certification")
    pgettext("value", "training")
    pgettext("value", "incubator")
    pgettext("value", "testing")
    pgettext("column", "after")
    pgettext("column", "alliance")
    pgettext("column", "alliances")
    pgettext("column", "anchors")
    pgettext("column", "base")
    pgettext("column", "base firms")
    pgettext("column", "because of")
    pgettext("column", "betweenness")
    pgettext("column", "broker")
    pgettext("column", "candidate")
    pgettext("column", "community")
    pgettext("column", "complement")
    pgettext("column", "completeness")
    pgettext("column", "contributor")
    pgettext("column", "count")
    pgettext("column", "coverage")
    pgettext("column", "covered")
    pgettext("column", "cut off")
    pgettext("column", "declared licensor")
    pgettext("column", "defect")
    pgettext("column", "dependents")
    pgettext("column", "effect")
    pgettext("column", "enterprise")
    pgettext("column", "enterprises")
    pgettext("column", "evidence")
    pgettext("column", "examples")
    pgettext("column", "feeds")
    pgettext("column", "field")
    pgettext("column", "fields")
    pgettext("column", "firm")
    pgettext("column", "firms")
    pgettext("column", "firms leaving")
    pgettext("column", "flags")
    pgettext("column", "gap")
    pgettext("column", "gaps")
    pgettext("column", "gaps after")
    pgettext("column", "gaps before")
    pgettext("column", "group")
    pgettext("column", "in chain")
    pgettext("column", "industry gaps")
    pgettext("column", "key")
    pgettext("column", "label")
    pgettext("column", "level")
    pgettext("column", "licensee")
    pgettext("column", "links")
    pgettext("column", "lost")
    pgettext("column", "makers")
    pgettext("column", "makes")
    pgettext("column", "matched")
    pgettext("column", "member")
    pgettext("column", "members")
    pgettext("column", "members making")
    pgettext("column", "missing")
    pgettext("column", "most needed")
    pgettext("column", "name")
    pgettext("column", "nationwide")
    pgettext("column", "needed by")
    pgettext("column", "needs")
    pgettext("column", "new gap")
    pgettext("column", "node")
    pgettext("column", "not covered")
    pgettext("column", "only enterprise")
    pgettext("column", "others making")
    pgettext("column", "pairing")
    pgettext("column", "partner")
    pgettext("column", "partner patents")
    pgettext("column", "patents")
    pgettext("column", "path")
    pgettext("column", "place")
    pgettext("column", "pools")
    pgettext("column", "present")
    pgettext("column", "product")
    pgettext("column", "product gaps")
    pgettext("column", "products")
    pgettext("column", "province")
    pgettext("column", "reason")
    pgettext("column", "reasons")
    pgettext("column", "recruit")
    pgettext("column", "references")
    pgettext("column", "relatedness")
    pgettext("column", "research")
    pgettext("column", "role")
    pgettext("column", "rule")
    pgettext("column", "sample")
    pgettext("column", "score")
    pgettext("column", "segment")
    pgettext("column", "segments")
    pgettext("column", "share")
    pgettext("column", "shared")
    pgettext("column", "shared fields")
    pgettext("column", "since")
    pgettext("column", "size")
    pgettext("column", "source")
    pgettext("column", "stage")
    pgettext("column", "stage_zh")
    pgettext("column", "stages")
    pgettext("column", "status")
    pgettext("column", "status_zh")
    pgettext("column", "steps")
    pgettext("column", "ties")
    pgettext("column", "top makers")
    pgettext("column", "type")
    pgettext("column", "value")
    pgettext("column", "version")
    pgettext("column", "weak")
    pgettext("column", "weak after")
    pgettext("column", "weak before")
    pgettext("column", "who fills")
    pgettext("column", "why")
    pgettext("column", "why_zh")
    pgettext("column", "中文")
    pgettext("column", "id")
    pgettext("column", "source")
    pgettext("column", "target")
    pgettext("column", "value")
    pgettext("column", "description")
    pgettext("column", "indicator")
    pgettext("column", "change")
    pgettext("column", "scope")
    pgettext("column", "threshold")
    pgettext("column", "this base")
    pgettext("column", "all bases")
    pgettext("column", "rank last year")
    pgettext("column", "top contributions")
    pgettext("column", "standard")
    pgettext("column", "year")
    pgettext("column", "drafters")
    pgettext("column", "lead drafter")
    pgettext("column", "patent")
    pgettext("column", "jurisdiction")
    pgettext("column", "holder")
    pgettext("column", "certification")
    pgettext("column", "market")
    pgettext("column", "international")
    pgettext("column", "parent")
    pgettext("column", "home country")
    pgettext("column", "foreign")
    pgettext("column", "founded")
    pgettext("column", "instrument")
    pgettext("column", "amount (10k CNY)")
    pgettext("column", "provider")
    pgettext("column", "contact")
    pgettext("column", "position")
    pgettext("column", "base liaison")
    pgettext("value", "international")
    pgettext("value", "local")
    pgettext("value", "group")
    pgettext("value", "fund")
    pgettext("value", "loan")
    pgettext("value", "ip_pledge")
    pgettext("value", "credit_insurance")
    pgettext("value", "made")
    pgettext("value", "industry_academia")
    pgettext("value", "joint_rnd")
    pgettext("value", "enterprise")
    pgettext("value", "university")
    pgettext("value", "institute")
    pgettext("value", "unconcentrated")
    pgettext("value", "moderate")
    pgettext("value", "high")
    pgettext("value", "none")
    pgettext("column", "standard level")
    pgettext("column", "from")
    pgettext("column", "§2 target")
    pgettext("column", "label_zh")
    pgettext("column", "rank")
    pgettext("column", "index")
    pgettext("column", "research_orgs")
    pgettext("column", "patent_pools")
    pgettext("column", "names")
    pgettext("column", "weight")
    pgettext("column", "kind")
    pgettext("value", "licensor")
    pgettext("value", "licensee")


class Msg(str):
    """A message for people, kept in a stable form and shown in the reader's language.

    The string itself is the English text (what is stored in data, reports and logs, so it never
    changes with the language of whoever ran the command); ``msgid`` and ``params`` let
    :meth:`text` say it in any language when it is shown. pybabel extracts ``Msg("...")``.
    A parameter that is itself a :class:`Msg` is said in the same language.

    >>> m = Msg("line {line}", line=7)
    >>> str(m), m.text("zh"), m.text("en")
    ('line 7', '第 7 行', 'line 7')
    """

    msgid: str
    params: dict[str, Any]
    context: str | None = None

    def __new__(cls, msgid: str, /, **params: Any) -> Msg:
        """The message ``msgid`` (English, with ``{name}`` fields) with ``params`` filled in."""
        obj = super().__new__(cls, _fill(msgid, params, None))
        obj.msgid = msgid
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copy/pickle keep the message, not only its English text
        return (_msg_from_stable, (self.stable(),))

    @classmethod
    def in_context(cls, context: str, msgid: str, /, **params: Any) -> Msg:
        """The message ``msgid`` as meant in ``context`` (a code such as ``alias`` that is also a header
        elsewhere); list it for pybabel as ``pgettext(context, msgid)``."""
        obj = cls(msgid, **params)
        obj.context = context
        return obj

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the current language when None)."""
        lang = normalize(lang) or _current.get()
        t = translations(lang)
        said = t.pgettext(self.context, self.msgid) if self.context else t.gettext(self.msgid)
        return _fill(said, self.params, lang)

    def stable(self) -> dict[str, Any]:
        """``{"msgid": ..., "params": {...}}`` (``context`` too when set): JSON-safe, the same in every language."""
        out = {"msgid": self.msgid, "params": {k: _stable_param(v) for k, v in self.params.items()}}
        return out | ({"context": self.context} if self.context else {})

    @classmethod
    def from_stable(cls, data: dict[str, Any]) -> Msg:
        """The message :meth:`stable` wrote."""
        params = {
            k: cls.from_stable(v) if isinstance(v, dict) and "msgid" in v else v
            for k, v in (data.get("params") or {}).items()
        }
        if data.get("context"):
            return cls.in_context(str(data["context"]), str(data["msgid"]), **params)
        return cls(str(data["msgid"]), **params)

    def dumps(self) -> str:
        """:meth:`stable` as one JSON text, for a text property of a node (e.g. a product's flag reasons)."""
        return json.dumps(self.stable(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> str:
        """The message :meth:`dumps` wrote; any other text (written before messages were stored so) as is."""
        if not text.startswith("{"):
            return text
        try:
            data = json.loads(text)
        except ValueError:
            return text
        return cls.from_stable(data) if isinstance(data, dict) and "msgid" in data else text


def _msg_from_stable(data: dict[str, Any]) -> Msg:
    return Msg.from_stable(data)


def _stable_param(v: Any) -> Any:
    if isinstance(v, Msg):
        return v.stable()
    return v if isinstance(v, int | float | bool) or v is None else str(v)


def _fill(template: str, params: dict[str, Any], lang: str | None) -> str:
    """``template`` with ``params``; nested messages in ``lang`` (English, the stored form, when None)."""
    if not params:
        return template
    shown = {k: (v.text(lang) if lang and isinstance(v, Msg) else v) for k, v in params.items()}
    return template.format(**shown)


def localized(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang`` (or the current language) when it is a :class:`Msg`; other text as is."""
    return message.text(lang) if isinstance(message, Msg) else message


def reason_of(exc: BaseException) -> str:
    """What ``exc`` says: its :class:`Msg` when it was raised with one (so it can be shown in any language)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Msg) else str(exc)


def placed(reason: str, *, file: str | None = None, line: int | None = None, field: str | None = None) -> str:
    """``reason`` (a :class:`Msg` said in the current language) after where the bad input was:
    ``文件 a.csv，第 3 行，字段“year”：…`` / ``file a.csv, line 3, field 'year': …``."""
    where = [
        _("file {file}").format(file=file) if file else "",
        _("line {line}").format(line=line) if line is not None else "",
        _("field '{field}'").format(field=field) if field else "",
    ]
    place = _(", ").join(w for w in where if w)
    said = localized(reason)
    return _("{where}: {reason}").format(where=place, reason=said) if place else said


def _ingest_vocabulary() -> None:  # pragma: no cover - never called: the load report's headers, for pybabel
    """The headers of what ``chainkg ingest`` prints: its counts and its rejected rows."""
    pgettext("column", "read")
    pgettext("column", "loaded")
    pgettext("column", "created")
    pgettext("column", "updated")
    pgettext("column", "unchanged")
    pgettext("column", "merged")
    pgettext("column", "rejected")
    pgettext("column", "file")
    pgettext("column", "line")
    pgettext("column", "input field")
    pgettext("column", "given")
    pgettext("column", "problem")
    pgettext("column", "column")
    pgettext("column", "becomes")
