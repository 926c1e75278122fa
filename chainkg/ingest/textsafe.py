"""Text that is safe to print and to use as a key.

``shown`` makes a file name or value printable anywhere (terminal, JSON, CSV): terminal
control sequences, lone surrogates (from undecodable bytes in a file name, or ``\\ud800`` in
JSON) and bidi overrides become visible escapes, so a name can neither recolour the terminal
nor break UTF-8 output. ``clean_key`` is what a key means: NFKC-normalised (full-width
letters, compatibility forms) and without the invisible characters (zero-width, bidi marks,
soft hyphen) that would make ``sz-led`` and ``sz-led`` + U+200B two different bases.
"""

from __future__ import annotations

import re
import unicodedata

from chainkg.i18n import N_, Msg

INVISIBLE = frozenset(
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # zero-width no-break space (a BOM inside text)
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]|[" + "".join(sorted(INVISIBLE)) + "]")
_UNPRINTABLE_BUT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

NAMES = {
    "\u00ad": N_("soft hyphen"),
    "\u200b": N_("zero-width space"),
    "\u200c": N_("zero-width non-joiner"),
    "\u200d": N_("zero-width joiner"),
    "\u200e": N_("left-to-right mark"),
    "\u200f": N_("right-to-left mark"),
    "\u202e": N_("right-to-left override"),
    "\ufeff": N_("zero-width no-break space"),
}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{o - 0xDC00:02x}"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def shown(text: str, limit: int | None = None, *, keep_breaks: bool = False) -> str:
    """``text`` with every control, invisible or surrogate character written as an escape.

    >>> shown("product\\x1b[31mred.csv")
    'product\\\\x1b[31mred.csv'
    >>> shown("a\\udcffb")
    'a\\\\xffb'
    """
    esc = _UNPRINTABLE_BUT_BREAKS if keep_breaks else _UNPRINTABLE
    out = esc.sub(_escape, text)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    return out


def clean_key(key: str) -> str:
    """A key as it is stored: NFKC-normalised, invisible characters removed, ends trimmed.

    >>> clean_key("sz-led\\u200b") == clean_key("ｓｚ－ｌｅｄ") == clean_key("sz\\u00ad-led") == "sz-led"
    True
    """
    if key.isascii() and key.isprintable():
        return key.strip()  # the common case, and NFKC leaves printable ASCII as it is
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", key)).strip()


def what_changed(before: str, after: str) -> str:
    """Words for what ``clean_key`` did to ``before`` (for the load report's note): a message, said
    in the reader's language where it is shown (English as text)."""
    removed = sorted({c for c in before if c in INVISIBLE})
    parts = [Msg(NAMES[c]) if c in NAMES else f"U+{ord(c):04X}" for c in removed]
    if _INVISIBLE_RE.sub("", before).strip() != after:
        parts.append(Msg("compatibility forms (NFKC, e.g. full-width letters)"))
    if not parts:
        return Msg("outer blanks")
    said = parts[0]
    for part in parts[1:]:
        said = Msg("{said}, {part}", said=said, part=part)  # nested: each part in the same language
    return said


def has_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone surrogate: not a character, it cannot be stored as UTF-8."""
    return any("\ud800" <= c <= "\udfff" for c in text) if not text.isascii() else False
