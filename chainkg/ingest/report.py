"""What a load did: per-type counts, every rejected row, every merge the resolver made.

The counts add up: for every type, ``read == rejected + merged + loaded``, so no row can
disappear without being counted. ``loaded`` splits into ``created``, ``updated`` and
``unchanged`` once the rows are written (a dry run writes nothing and leaves those at 0).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from chainkg.i18n import N_, Msg, _, localized
from chainkg.ingest.textsafe import shown


class Rejection(BaseModel):
    """One row (or a whole file) that was not loaded, and why, in plain words.

    Stored in a stable form: ``reason`` in English, and (for a :class:`~chainkg.i18n.Msg`)
    its ``msgid`` and ``params``; :meth:`message` says it in the reader's language.
    """

    file: str
    line: int | None = Field(None, description="Line in a CSV or JSONL file, row in a sheet")
    field: str | None = None
    value: str | None = None
    reason: str = Field(description="Why, in English (stable: the same whoever ran the load)")
    type: str | None = Field(None, description="Node label or relationship type the row was meant for")
    msgid: str | None = Field(None, description="The message catalog id of the reason, when it has one")
    params: dict[str, Any] | None = Field(None, description="The values the reason's message quotes")
    message: str | None = Field(
        None, description="The reason in the reader's language (API answers: Accept-Language); never stored"
    )

    @model_validator(mode="before")
    @classmethod
    def _keep_message(cls, data: Any) -> Any:
        """A reason given as a Msg keeps its msgid and parameters (pydantic would keep only the text)."""
        return _keep_message(data, "reason")

    def said(self) -> str:
        """The reason as a message (a :class:`~chainkg.i18n.Msg` when it has one, else the English text)."""
        return _said(self.reason, self.msgid, self.params)

    def text(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (the current language when None)."""
        return localized(self.said(), lang)

    def where(self) -> str:
        """``'enterprise.csv, line 7, field uscc'`` (``enterprise.csv，第 7 行，字段 uscc``) for messages."""
        parts = [self.file]
        if self.line is not None:
            parts.append(_("line {line}").format(line=self.line))
        if self.field:
            parts.append(_("field '{field}'").format(field=self.field))
        return _(", ").join(parts)


class Merge(BaseModel):
    """A row that entity resolution (or a duplicate key) folded onto another entity."""

    type: str
    file: str
    line: int | None = None
    given: str = Field(description="The name, code or key as written in the file")
    key: str = Field(description="The key of the entity it was merged into")
    how: str = Field(description="duplicate key, USCC, stock code, normalized name or alias (in English: stable)")
    msgid: str | None = Field(None, description="The message catalog id of ``how``, when it has one")
    params: dict[str, Any] | None = Field(None, description="The values ``how``'s message quotes")

    @model_validator(mode="before")
    @classmethod
    def _keep_message(cls, data: Any) -> Any:
        """A ``how`` given as a Msg keeps its msgid and parameters."""
        return _keep_message(data, "how")

    def how_text(self, lang: str | None = None) -> str:
        """How the row was merged, in ``lang`` (the current language when None); a bare code
        (``alias``, ``normalized name``) is said as meant in context ``how``."""
        if self.msgid is None:
            return Msg.in_context("how", self.how).text(lang)
        return localized(_said(self.how, self.msgid, self.params), lang)

    @classmethod
    def of(cls, type_: str, file: str, line: int | None, given: str, key: str, how: str) -> Merge:
        """The merge of ``given`` in ``file`` at ``line`` into ``key`` of ``type_``, and why."""
        return cls(type=type_, file=file, line=line, given=given, key=key, how=how)


def _keep_message(data: Any, field: str) -> Any:
    """``data`` with the msgid and parameters of its ``field`` when that is a Msg (pydantic keeps only the text)."""
    # a code in a context (Msg.in_context) is kept as its text: the reader's side knows the context
    msg = data.get(field) if isinstance(data, dict) else None
    if isinstance(msg, Msg) and msg.context is None and data.get("msgid") is None:
        stable = data[field].stable()
        data = {**data, "msgid": stable["msgid"], "params": stable["params"]}
    return data


def _said(text: str, msgid: str | None, params: dict[str, Any] | None) -> str:
    """The stored message (``msgid``, ``params``) as a Msg; ``text`` as is when it has none."""
    return text if msgid is None else Msg.from_stable({"msgid": msgid, "params": params or {}})


class ReviewPair(BaseModel):
    """A row that may be a known firm: held back until a person decides (resolution-review.csv)."""

    type: str
    file: str
    line: int | None = None
    given_name: str
    given_uscc: str | None = None
    candidate_key: str
    candidate_name: str | None = None
    score: float | None = Field(None, description="Name similarity 0-100 (rapidfuzz ratio on core names)")
    decision: str = Field("", description="Left empty; a person writes same/different (同一/不同)")


REVIEW_COLUMNS = (
    "type",
    "file",
    "line",
    "given_name",
    "given_uscc",
    "candidate_key",
    "candidate_name",
    "score",
    "decision",
)


class TypeStats(BaseModel):
    """Counts for one node label or relationship type."""

    type: str
    kind: Literal["node", "rel", "file"] = "node"
    read: int = 0
    rejected: int = 0
    merged: int = Field(0, description="Rows folded into another row of the same load")
    loaded: int = Field(0, description="Distinct entities or relationships handed to the store")
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add_write(self, created: int, updated: int, unchanged: int) -> None:
        """Add what one store write did."""
        self.created += created
        self.updated += updated
        self.unchanged += unchanged


class FileInfo(BaseModel):
    """One table that was read: a file, or a sheet of a workbook."""

    source: str
    type: str | None
    format: str
    encoding: str | None = None
    rows: int = 0


class IngestReport(BaseModel):
    """The outcome of one load; ``ok`` is true when no row was rejected."""

    started_at: str = Field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    elapsed_s: float = 0.0
    dry_run: bool = False
    strict: bool = False
    files: list[FileInfo] = Field(default_factory=list)
    types: list[TypeStats] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    merges: list[Merge] = Field(default_factory=list)
    notes: list[str] = Field(
        default_factory=list, description="Things worth knowing that are not rejections (in English: stable)"
    )
    note_messages: list[str] | None = Field(
        None, description="The notes in the reader's language (API answers: Accept-Language); never stored"
    )
    reviews: list[ReviewPair] = Field(
        default_factory=list, description="Rows held back until a person decides (resolution-review.csv)"
    )

    # -- building -----------------------------------------------------------------------------
    def stats(self, type_: str, kind: Literal["node", "rel", "file"] = "node") -> TypeStats:
        """The counters of ``type_``, created on first use."""
        for s in self.types:
            if s.type == type_:
                return s
        s = TypeStats(type=type_, kind=kind)
        self.types.append(s)
        return s

    # -- reading ------------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.rejections

    def totals(self) -> TypeStats:
        """All types added up."""
        t = TypeStats(type="total")
        for s in self.types:
            for name in ("read", "rejected", "merged", "loaded", "created", "updated", "unchanged"):
                setattr(t, name, getattr(t, name) + getattr(s, name))
        return t

    def get(self, type_: str) -> TypeStats:
        """Counts for ``type_`` (zeros when the load had none)."""
        return next((s for s in self.types if s.type == type_), TypeStats(type=type_))

    def summary_rows(self) -> list[dict[str, object]]:
        """One dict per type (and a total) for a table: read, loaded, merged, rejected, ..."""
        rows: list[dict[str, object]] = []
        for s in [*sorted(self.types, key=_model_order), self.totals()]:
            rows.append(
                {
                    "type": s.type,
                    "read": s.read,
                    "loaded": s.loaded,
                    "created": s.created,
                    "updated": s.updated,
                    "unchanged": s.unchanged,
                    "merged": s.merged,
                    "rejected": s.rejected,
                }
            )
        return rows

    def summary_line(self, lang: str | None = "en") -> str:
        """One sentence: how many rows were read, loaded, merged and rejected; in ``lang``
        (English by default, as logs keep it; None for the current language)."""
        t = self.totals()
        if self.dry_run:
            msgid = N_(
                "Read {read:,} rows from {tables} tables; would load {loaded:,} ({created:,} new, {updated:,} changed, "
                "{unchanged:,} unchanged), merged {merged:,} duplicates, rejected {rejected:,}."
            )
        else:
            msgid = N_(
                "Read {read:,} rows from {tables} tables; loaded {loaded:,} ({created:,} new, {updated:,} changed, "
                "{unchanged:,} unchanged), merged {merged:,} duplicates, rejected {rejected:,}."
            )
        return Msg(msgid, tables=len(self.files), **t.model_dump(exclude={"type", "kind"})).text(lang)

    def write_rejects(self, path: Path | str) -> Path:
        """Write every rejection to a CSV (UTF-8 with BOM so Excel shows Chinese) and return its path.

        The file is kept, so it is the same whoever ran the load: ``reason`` in English and
        ``reason_zh`` in Chinese, both always (never the runner's language alone).
        """
        return _write_csv(
            path,
            ["file", "line", "type", "field", "value", "reason", "reason_zh"],
            (
                [r.file, _cell(r.line), r.type or "", r.field or "", _text(r.value), r.reason, r.text("zh")]
                for r in self.rejections
            ),
        )

    def write_merges(self, path: Path | str) -> Path:
        """Write the merges entity resolution made to a CSV, for review.

        Kept like rejects.csv, the same whoever ran the load: ``how`` in English (stable, for tools)
        and ``how_zh`` in Chinese, both always.
        """
        return _write_csv(
            path,
            ["type", "file", "line", "given", "merged_into_key", "how", "how_zh"],
            (
                [m.type, m.file, _cell(m.line), _text(m.given), _text(m.key), m.how, m.how_text("zh")]
                for m in self.merges
            ),
        )

    def write_reviews(self, path: Path | str) -> Path:
        """Write the pairs waiting for a person's decision (resolution-review.csv); see docs/ingest.md."""
        return _write_csv(
            path,
            REVIEW_COLUMNS,
            (
                [
                    r.type,
                    _text(r.file),
                    _cell(r.line),
                    _text(r.given_name),
                    r.given_uscc or "",
                    _text(r.candidate_key),
                    _text(r.candidate_name),
                    _cell(r.score),
                    r.decision,
                ]
                for r in self.reviews
            ),
        )

    def notes_said(self, lang: str | None = None) -> list[str]:
        """The notes in ``lang`` (the current language when None); ``notes`` keeps them in English."""
        return [localized(n, lang) for n in self.notes]

    def in_language(self, lang: str | None = None) -> IngestReport:
        """A copy whose rejections carry ``message`` (their reason) and whose ``note_messages`` are
        the notes, in ``lang`` (the current language when None): what an API answer shows."""
        rejections = [r.model_copy(update={"message": r.text(lang)}) for r in self.rejections]
        return self.model_copy(update={"rejections": rejections, "note_messages": self.notes_said(lang)})

    def check_balanced(self) -> list[str]:
        """Types whose counts do not add up (``read != rejected + merged + loaded``); empty when all do."""
        return [s.type for s in self.types if s.read != s.rejected + s.merged + s.loaded]


def _write_csv(path: Path | str, header: Sequence[str], rows: Iterable[list[object]]) -> Path:
    """Write ``header`` and ``rows`` to a CSV Excel opens as UTF-8 (with a BOM) and return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return out


def _cell(value: float | None) -> float | str:
    """A number as a CSV cell: empty where there is none (never the text ``None``)."""
    return "" if value is None else value


def _text(value: str | None) -> str:
    """A value from a loaded file as a CSV cell Excel shows as text, never runs as a formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _model_order(s: TypeStats) -> int:
    """Node types, then relationship types, in the model's order; anything else last."""
    from chainkg.graph.model import MODEL

    names = [n.label for n in MODEL.nodes] + [r.type for r in MODEL.rels]
    return names.index(s.type) if s.type in names else len(names)


def value_text(value: object, limit: int = 200) -> str | None:
    """A value as short text for a rejection (long values cut, so the rejects file stays readable)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        # str() of a number past 4,300 digits raises; past 60 digits it is unreadable anyway.
        return f"(a whole number of about {int(value.bit_length() * 0.30103):,} digits)"
    text = value if isinstance(value, str) else str(value)
    text = shown(text, keep_breaks=True)  # control characters and lone surrogates as escapes: printable and valid UTF-8
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"
