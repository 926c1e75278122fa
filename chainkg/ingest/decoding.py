"""Deciding a text file's encoding by rule, or refusing: never text decoded by guesswork.

The rules, in order (docs/ingest.md, "Decoding and caps"):

1. A byte order mark decides: UTF-32 (checked before UTF-16, whose little-endian mark is the
   start of UTF-32's), UTF-16, UTF-8. A UTF-16/32 file must then decode whole, or it is refused.
2. UTF-16 saved without a mark is recognised by its NUL bytes, and must decode whole.
3. UTF-8 when every byte is valid UTF-8.
4. UTF-8 also when all but a few bytes are valid and the valid multi-byte characters far
   outnumber the bad bytes: the lines holding the bad bytes are rejected (file:line), the rest
   load. The decision was in doubt, so ``--strict`` refuses the file.
5. GB18030 (a superset of GBK and GB2312) or Big5 when the whole file decodes cleanly in it and
   the text reads as Chinese: a fair share of its characters are among the most frequent
   ones. When both decode cleanly the one reading more plausibly wins by a clear margin, and the
   decision is noted; with no clear margin (``MARGIN``) the file is refused.
6. UTF-8 with the bad lines rejected when they are few (in doubt, as in 4).
7. Otherwise the file is refused with a message saying how to save it.

The bytes are scanned in chunks (``CHUNK``), so deciding costs no more memory than a chunk.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from chainkg.errors import InvalidInputError
from chainkg.i18n import N_, Msg

CHUNK = 4 * 1024 * 1024

BOMS: tuple[tuple[bytes, str], ...] = (
    # Longest first: the UTF-32 LE mark FF FE 00 00 starts with the UTF-16 LE mark FF FE.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

FEW_BAD_BYTES = 16
"""At most this many invalid bytes, on at most ``FEW_BAD_LINES`` lines, for a file to stay UTF-8."""
FEW_BAD_LINES = 5
EVIDENCE_RATIO = 10
"""Valid multi-byte UTF-8 characters per bad byte that make UTF-8 certain enough to keep (rule 4)."""
PLAUSIBLE_SHARE = 0.12
"""Share of a decoding's CJK characters that must be frequent ones for it to read as Chinese."""
MARGIN = 2.0

SAVE_AS = N_("save it again as 'CSV UTF-8' from Excel or WPS (另存为 'CSV UTF-8') and load it again")

# The most frequent characters of modern Chinese running text and of enterprise names, in both
# simplified and traditional forms. A right decoding of Chinese text has a large share of them
# (typically 30-60 %); a wrong one gives characters spread over the whole CJK block (1-3 %).
_FREQUENT = set(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后"
    "小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长"
    "知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最"
    "间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市"
    "眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计"
    "司限股份科技集团深圳京广州江苏浙省区县镇街道号路有限责任公司制造销售服务研发设备材料器件光电子信息网络"
    "软硬件半导体芯片显示屏幕照明汽车零配新能源电池储存医药生物化工机械自动化智能精密仪表通讯传感控制系统工程"
    "建设投资贸易进出口实业发展控股香港台湾上海天津重庆成都武汉南宁杭宁波温福厦门泉青岛济沈阳大连长春哈尔滨"
    "合肥郑西安昆明贵兰乌鲁木齐呼和浩特石家庄太原南昌长沙海口三亚东莞佛山中山珠惠苏锡常徐扬镇"
    "企名称代码统一社会信用法定表注册资本成立日期所属行城规模人数经营范围地址网站品类型状态存续开业注销吊销"
    "們國個來時會後說業電產區門長東開關發學對見經頭動兩現還點種與間實問話變樣麼這進處聽體機書車義幾萬總達"
    "員務資貿易區縣鎮號責製銷務設備料導體顯燈車氣儲醫藥機械動儀錶訊傳統網絡軟硬晶圓臺灣廣蘇浙賓"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Decision:
    """How a file is to be decoded.

    ``codec`` is given to ``open``; ``skip`` bytes (a byte order mark) come first. With
    ``bad_bytes`` the file is UTF-8 read with ``surrogateescape``: each invalid byte becomes a
    character U+DC80-U+DCFF that no valid text holds, so the reader rejects exactly the lines
    holding one. ``doubt`` says why the decision was not certain (``--strict`` refuses then).
    """

    codec: str
    label: str
    skip: int = 0
    bad_bytes: int = 0
    doubt: str | None = None
    note: str | None = None

    @property
    def errors(self) -> str:
        """The ``errors`` argument for ``open``."""
        return "surrogateescape" if self.bad_bytes else "strict"


BAD_BYTE = re.compile(r"[\udc80-\udcff]")
"""A byte that was not valid UTF-8, as ``surrogateescape`` decoding shows it."""
SURROGATE = re.compile(r"[\ud800-\udfff]")
"""Any lone surrogate: never a character, cannot be stored or printed as UTF-8."""


def bad_bytes_reason(text: str) -> str:
    """Why a line holding bytes that are not UTF-8 is rejected, naming the first byte."""
    m = BAD_BYTE.search(text)
    shown = f"0x{ord(m.group()) - 0xDC00:02X}" if m else Msg("a byte")
    return Msg(
        "the line holds {byte}, which is not valid UTF-8 while the rest of the file is UTF-8; the line was "
        "not loaded so that no garbled text is stored. Fix that character, or {save_as}",
        byte=shown,
        save_as=Msg(SAVE_AS),
    )


def _chunks(fh: BinaryIO) -> Iterator[bytes]:
    while chunk := fh.read(CHUNK):
        yield chunk


def _decodes_whole(path: Path, codec: str, skip: int) -> tuple[bool, int, int]:
    """``(clean, frequent, cjk)``: whether the file decodes in ``codec`` without an error, and
    how many of its CJK characters are frequent ones (counted on the first chunks only)."""
    dec = codecs.getincrementaldecoder(codec)("strict")
    frequent = cjk = 0
    with path.open("rb") as fh:
        fh.seek(skip)
        try:
            for i, chunk in enumerate(_chunks(fh)):
                text = dec.decode(chunk)
                if i < 4:
                    found = _CJK.findall(text)
                    cjk += len(found)
                    frequent += sum(1 for c in found if c in _FREQUENT)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, frequent, cjk
    return True, frequent, cjk


@dataclass
class _Utf8Scan:
    bad: int = 0
    bad_lines: int = 0
    multibyte: int = 0
    lines: int = 0


def _scan_utf8(path: Path, skip: int) -> _Utf8Scan:
    """Count invalid bytes, lines holding them and valid multi-byte characters, chunk by chunk."""
    scan = _Utf8Scan()
    dec = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    with path.open("rb") as fh:
        fh.seek(skip)
        for chunk in _chunks(fh):
            text = dec.decode(chunk)
            scan.lines += text.count("\n")
            if chunk.isascii():
                continue
            bad = len(BAD_BYTE.findall(text))
            scan.bad += bad
            # Each valid character of n bytes makes the text n-1 shorter than the bytes.
            scan.multibyte += max(0, len(chunk) - len(text))
            if bad:
                scan.bad_lines += sum(1 for line in text.split("\n") if BAD_BYTE.search(line))
        tail = dec.decode(b"", final=True)
        scan.bad += len(BAD_BYTE.findall(tail))
    scan.lines += 1
    return scan


def _utf16_without_bom(path: Path) -> str | None:
    """``'utf-16-le'``/``'utf-16-be'`` when the bytes look like UTF-16 saved without a BOM.

    Text in UTF-8 or GBK has no NUL bytes; UTF-16 has one in every ASCII character (delimiters,
    digits, line breaks), always on the same side of the pair.
    """
    with path.open("rb") as fh:
        sample = fh.read(65536)
    if b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 4 and even == 0:
        return "utf-16-le"
    if even >= 4 and odd == 0:
        return "utf-16-be"
    return None


def decide(path: Path) -> Decision:
    """Decide how to decode the text file at ``path`` (see the module's rules) or raise
    ``InvalidInputError`` saying why it cannot be read without guessing."""
    with path.open("rb") as fh:
        head = fh.read(4)
    for bom, codec in BOMS:
        if head.startswith(bom):
            if codec == "utf-8":
                d = _utf8(path, len(bom), "utf-8-sig")
                return Decision("utf-8-sig", d.label, d.skip, d.bad_bytes, d.doubt, d.note)
            if not _decodes_whole(path, codec, len(bom))[0]:
                raise InvalidInputError(
                    Msg(
                        "the file starts with the mark of {mark} text but is not valid {codec}; {save_as}",
                        mark=codec.upper()[:6],
                        codec=codec.upper(),
                        save_as=Msg(SAVE_AS),
                    )
                )
            # The BOM-reading codecs consume the mark themselves when the file is opened.
            return Decision(codec[:6], codec[:6], skip=len(bom))
    utf16 = _utf16_without_bom(path)
    if utf16 is not None and _decodes_whole(path, utf16, 0)[0]:
        return Decision(utf16, utf16)
    return _utf8(path, 0, "utf-8")


def _utf8(path: Path, skip: int, label: str) -> Decision:
    scan = _scan_utf8(path, skip)
    if scan.bad == 0:
        return Decision("utf-8", label, skip=skip)
    # Few in number, and a minority of the lines: a file whose every row is broken is not UTF-8.
    few = scan.bad <= FEW_BAD_BYTES and scan.bad_lines <= FEW_BAD_LINES and 2 * scan.bad_lines < scan.lines
    doubt = Msg(
        "{bad} byte(s) on {lines} line(s) are not valid UTF-8 in a file that is otherwise UTF-8; "
        "those lines were rejected",
        bad=scan.bad,
        lines=scan.bad_lines,
    )
    if few and scan.multibyte >= EVIDENCE_RATIO * scan.bad:
        return Decision("utf-8", label, skip=skip, bad_bytes=scan.bad, doubt=doubt)
    if skip == 0:
        found = _legacy_chinese(path)
        if found is not None:
            return found
    if few:
        return Decision("utf-8", label, skip=skip, bad_bytes=scan.bad, doubt=doubt)
    raise InvalidInputError(
        Msg(
            "the file is not UTF-8 ({bad:,} invalid bytes on {lines:,} lines), and it does not decode "
            "cleanly as Chinese text in GB18030/GBK or Big5, so its encoding cannot be told without guessing; "
            "{save_as}",
            bad=scan.bad,
            lines=scan.bad_lines,
            save_as=Msg(SAVE_AS),
        )
    )


def _legacy_chinese(path: Path) -> Decision | None:
    """GB18030 or Big5 by rule 5, or ``None`` when neither decodes cleanly and plausibly."""
    shares: dict[str, float] = {}
    for codec in ("gb18030", "big5"):
        clean, frequent, cjk = _decodes_whole(path, codec, 0)
        if clean and cjk:
            shares[codec] = frequent / cjk
    plausible = {c: s for c, s in shares.items() if s >= PLAUSIBLE_SHARE}
    if not plausible:
        return None
    best = max(plausible, key=lambda c: plausible[c])
    others = [s for c, s in shares.items() if c != best]
    if not others:
        return Decision(best, best)
    if plausible[best] >= MARGIN * max(others):
        other = next(c for c in shares if c != best)
        return Decision(
            best,
            best,
            note=f"it decodes both as {best} and as {other}; {best} was taken because its text reads as Chinese "
            f"({plausible[best]:.0%} frequent characters against {max(others):.0%})",
        )
    raise InvalidInputError(
        Msg(
            "the file decodes both as GB18030 and as Big5 and neither reads clearly more like Chinese text; {save_as}",
            save_as=Msg(SAVE_AS),
        )
    )


def decode_bytes(data: bytes, name: str = "data") -> tuple[str, Decision]:
    """Decode in-memory bytes by the same rules (for small texts such as tests and uploads' previews)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".txt") as tmp:
        tmp.write(data)
        tmp.flush()
        d = decide(Path(tmp.name))
    return data.decode(d.codec, d.errors), d
