"""Field checks and normalizers used by validation: pure functions, no I/O.

Each check takes a cleaned value and returns the value to store, or raises ``ValueError``
with a message a planner can act on (it names the rule and gives an example).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from chainkg.i18n import Msg

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weights of positions 1..17.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}

IPC_SUBCLASS_RE = re.compile(r"^[A-H][0-9]{2}[A-Z]$")
_IPC_FULL_RE = re.compile(r"^([A-H][0-9]{2}[A-Z])\s*([0-9]{1,4})\s*/\s*([0-9]{1,6})$")
_STOCK_RE = re.compile(r"^([0-9]{6})(?:\.(SH|SZ|BJ))?$")
_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")

MIN_YEAR = 1800
"""Oldest year accepted (the oldest Chinese universities and institutes date from the 1890s)."""

INDUSTRY_SCHEMES: tuple[str, ...] = ("SW2021", "GB4754")
_INDUSTRY_CODE_RE = {
    "SW2021": re.compile(r"^[0-9]{6}$"),
    "GB4754": re.compile(r"^[A-T]?[0-9]{2,4}$|^[A-T]$"),
}

EXCHANGE_NAMES: dict[str, str] = {
    "SH": "上海证券交易所",
    "SZ": "深圳证券交易所",
    "BJ": "北京证券交易所",
}
"""Exchange suffix of a stock code -> the exchange's Chinese name."""


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of a unified social credit code.

    Examples
    --------
    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def check_uscc(value: str) -> str:
    """Normalize and verify a unified social credit code (GB 32100-2015).

    Examples
    --------
    >>> check_uscc("91350100m000100y43")
    '91350100M000100Y43'
    """
    code = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
    if len(code) != 18:
        raise ValueError(
            Msg("a unified social credit code (统一社会信用代码) has 18 characters; this one has {n}", n=len(code))
        )
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        raise ValueError(
            Msg(
                "a unified social credit code may not contain {chars} "
                "(only digits and capital letters except I, O, Z, S, V)",
                chars=", ".join(repr(c) for c in bad),
            )
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValueError(
            Msg(
                "the last character (check digit) should be {expected!r} for this code, not {got!r}; "
                "the code is probably mistyped",
                expected=expected,
                got=code[17],
            )
        )
    return code


def exchange_for(six: str) -> str | None:
    """The exchange suffix a bare six-digit A-share code belongs to, or ``None``.

    Examples
    --------
    >>> exchange_for("600000"), exchange_for("300750"), exchange_for("830799")
    ('SH', 'SZ', 'BJ')
    """
    if six.startswith(("60", "68", "90")):
        return "SH"
    if six.startswith(("00", "30", "20")):
        return "SZ"
    if six.startswith(("43", "83", "87", "88", "92")):
        return "BJ"
    return None


def normalize_stock_code(value: str, exchange: str | None = None) -> str:
    """``'600000'`` -> ``'600000.SH'``; keeps a given suffix (upper-cased).

    ``exchange`` (a suffix or the exchange's Chinese name) wins over the guess from the
    digits when the code has no suffix.

    Examples
    --------
    >>> normalize_stock_code("000001.sz"), normalize_stock_code("688268")
    ('000001.SZ', '688268.SH')
    """
    code = unicodedata.normalize("NFKC", value).strip().upper()
    m = _STOCK_RE.match(code)
    if not m:
        raise ValueError(
            Msg(
                "a stock code is six digits with an optional exchange suffix, e.g. 600000.SH or 000001.SZ; "
                "got {value!r}",
                value=value,
            )
        )
    six, suffix = m.group(1), m.group(2)
    if suffix:
        return f"{six}.{suffix}"
    ex = _exchange_suffix(exchange) if exchange else None
    ex = ex or exchange_for(six)
    if ex is None:
        raise ValueError(
            Msg(
                "cannot tell the exchange of stock code {value!r}; write it with a suffix such as .SH or .SZ",
                value=value,
            )
        )
    return f"{six}.{ex}"


def _exchange_suffix(exchange: str) -> str | None:
    e = exchange.strip().upper()
    if e in EXCHANGE_NAMES:
        return e
    for suffix, name in EXCHANGE_NAMES.items():
        if exchange.strip() == name or exchange.strip().startswith(name[:2]):
            return suffix
    return None


def normalize_ipc(value: str) -> str:
    """An IPC code in the form ``H01L 33/00`` (or a bare subclass ``H01L``).

    Examples
    --------
    >>> normalize_ipc("h01l33/00"), normalize_ipc("Ｇ06Ｆ")
    ('H01L 33/00', 'G06F')
    """
    code = unicodedata.normalize("NFKC", value).strip().upper()
    code = re.sub(r"\s+", " ", code)
    if IPC_SUBCLASS_RE.match(code):
        return code
    m = _IPC_FULL_RE.match(code)
    if not m:
        raise ValueError(
            Msg(
                "{value!r} is not an IPC code; write a subclass like H01L or a group like H01L 33/00 "
                "(section A-H, two digits, a capital letter, then group/subgroup)",
                value=value,
            )
        )
    return f"{m.group(1)} {int(m.group(2))}/{m.group(3).zfill(2)}"


def ipc_subclass(code: str) -> str:
    """The subclass (tech field key) of an IPC code: ``'H01L 33/00'`` -> ``'H01L'``."""
    return normalize_ipc(code)[:4]


def check_tech_field_key(value: str) -> str:
    """A tech field key must be an IPC subclass such as ``H01L``."""
    code = unicodedata.normalize("NFKC", value).strip().upper()
    if not IPC_SUBCLASS_RE.match(code):
        raise ValueError(
            Msg(
                "a tech field key is an IPC subclass: a letter A-H, two digits and a capital letter, e.g. H01L; "
                "got {value!r}",
                value=value,
            )
        )
    return code


def check_year(value: int, *, today: dt.date | None = None) -> int:
    """A calendar year between 1800 and next year."""
    last = (today or dt.date.today()).year + 1
    if not MIN_YEAR <= value <= last:
        raise ValueError(
            Msg(
                "the year {value} is outside {first}–{last}; write a four-digit year such as 2015",
                value=value,
                first=MIN_YEAR,
                last=last,
            )
        )
    return value


def check_date(value: str) -> str:
    """A date written ``YYYY-MM-DD`` (``2021/3/5`` is accepted and rewritten)."""
    text = unicodedata.normalize("NFKC", value).strip().replace("/", "-").replace(".", "-")
    text = text.split("T")[0].split(" ")[0]
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(Msg("write the date as YYYY-MM-DD, e.g. 2010-02-11; got {value!r}", value=value))
    try:
        d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(Msg("{value!r} is not a real calendar date", value=value)) from None
    check_year(d.year)
    return d.isoformat()


def check_non_negative(value: float) -> float:
    """Counts and amounts cannot be negative."""
    if value < 0:
        raise ValueError(Msg("cannot be negative; got {value}", value=value))
    return value


def check_scheme(value: str) -> str:
    """The industry classification scheme: SW2021 (Shenwan 2021) or GB4754 (GB/T 4754)."""
    s = unicodedata.normalize("NFKC", value).strip().upper().replace("/", "").replace("T", "").replace(" ", "")
    s = {"SW": "SW2021", "申万": "SW2021", "申万2021": "SW2021", "GB": "GB4754"}.get(s, s)
    if s.startswith("GB4754"):
        s = "GB4754"
    if s not in INDUSTRY_SCHEMES:
        raise ValueError(Msg("the scheme must be SW2021 (申万2021) or GB4754 (GB/T 4754); got {value!r}", value=value))
    return s


def check_industry_code(scheme: str, code: str) -> str:
    """An industry code in the shape its scheme uses (SW2021: six digits; GB4754: C3976)."""
    c = unicodedata.normalize("NFKC", code).strip().upper()
    pattern = _INDUSTRY_CODE_RE[scheme]
    if not pattern.match(c):
        example = "270100" if scheme == "SW2021" else "C3976"
        raise ValueError(
            Msg(
                "{code!r} is not a {scheme} industry code; a code looks like {example}",
                code=code,
                scheme=scheme,
                example=example,
            )
        )
    if scheme == "GB4754" and len(c) > 1 and c[0].isalpha():
        # The digits fix the 门类 letter, so C3976 and 3976 are one code: keep the digits only,
        # the form registry exports and chain-map `gb4754:` rules use.
        c = c[1:]
    return c


_TEXT_LIMIT = 2_000
_LONG_TEXT_LIMIT = 20_000


def check_text(value: str, *, long: bool = False) -> str:
    """Text may hold any character but NUL, and is at most 2,000 (description: 20,000) characters."""
    limit = _LONG_TEXT_LIMIT if long else _TEXT_LIMIT
    if "\x00" in value:
        raise ValueError(Msg("contains an invisible NUL character; re-export the file as plain text"))
    if len(value) > limit:
        raise ValueError(
            Msg("is too long ({n:,} characters; at most {limit:,}); is a column shifted?", n=len(value), limit=limit)
        )
    return value
