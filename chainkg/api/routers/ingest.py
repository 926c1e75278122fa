"""``POST /ingest``: upload one CSV, XLSX or JSONL file and load it, exactly as ``chainkg ingest``.

The upload is copied to a private temporary folder under its own file name (so rejections
name the file the user sent), handed to :func:`chainkg.ingest.pipeline.ingest_file`, and
the same report the CLI prints comes back as JSON. Needs the write key; the size cap is
enforced before the body is read (413). Loads run one at a time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel, Field

from chainkg.api.deps import CacheDep, SettingsDep, WriteStoreDep, require_read, require_write
from chainkg.api.errors import AUTH, ERROR_RESPONSES
from chainkg.api.models import ErrorBody
from chainkg.errors import InvalidInputError
from chainkg.i18n import Msg
from chainkg.ingest.chainmap import MAP_SUFFIXES
from chainkg.ingest.formats import all_specs, spec
from chainkg.ingest.product_quality import SYNONYMS_FILE, run_quality_pass
from chainkg.ingest.readers import SUPPORTED_SUFFIXES, ReadLimits
from chainkg.ingest.report import IngestReport
from chainkg.ingest.textsafe import shown
from chainkg.queries.chainengine import engine_for

log = logging.getLogger(__name__)
router = APIRouter(tags=["Ingest / 导入"], responses=ERROR_RESPONSES)

SUFFIXES: tuple[str, ...] = tuple(sorted(SUPPORTED_SUFFIXES | MAP_SUFFIXES))
"""File kinds the upload accepts (the CLI's readers)."""

_LOAD_LOCK = threading.Lock()  # one load at a time: the diff-then-write merge is not concurrent-safe

_EXAMPLE = {
    "started_at": "2026-01-01T08:00:00+00:00",
    "elapsed_s": 0.12,
    "dry_run": False,
    "strict": False,
    "files": [{"source": "enterprises.csv", "type": "enterprise", "format": "csv", "encoding": "utf-8", "rows": 3}],
    "types": [
        {
            "type": "Enterprise",
            "kind": "node",
            "read": 3,
            "rejected": 1,
            "merged": 0,
            "loaded": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
        }
    ],
    "rejections": [
        {
            "file": "enterprises.csv",
            "line": 4,
            "field": "uscc",
            "value": "123",
            "reason": "A unified social credit code has 18 characters; this one has 3.",
            "type": "Enterprise",
        }
    ],
    "merges": [],
    "notes": [],
}


MAX_NAME_BYTES = 180
"""Longest file name (UTF-8 bytes) kept on disk; file systems stop at 255, and a Chinese
character takes three. The report keeps the name as sent (escaped, up to ``MAX_SHOWN``)."""
MAX_SHOWN = 255


def _safe_name(filename: str | None) -> tuple[str, str]:
    """``(name on disk, name shown in the report)`` of an uploaded file, or a 422 saying why not.

    Both are escaped (control characters, ANSI sequences, lone surrogates); the one on disk is
    cut to ``MAX_NAME_BYTES`` keeping its start (which says the file's type) and its suffix.
    """
    name = shown(PurePath((filename or "").replace("\\", "/")).name.strip())
    if not name or name in (".", ".."):
        raise InvalidInputError(
            Msg("The upload has no file name; send it as a file (curl -F file=@data.csv)."), field="file"
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInputError(
            Msg(
                "'{name}' is not a file kind chainkg reads; send a {kinds} file.",
                name=shown(name, 120),
                kinds=", ".join(SUFFIXES),
            ),
            field="file",
        )
    disk = name
    if len(disk.encode("utf-8")) > MAX_NAME_BYTES:
        stem = PurePath(name).stem
        while len((stem + "~" + suffix).encode("utf-8")) > MAX_NAME_BYTES:
            stem = stem[: max(1, len(stem) - 8)]
        disk = stem + "~" + suffix
    return disk, shown(name, MAX_SHOWN)


def _json_safe(report: IngestReport) -> IngestReport:
    """The report, every string of it encodable as UTF-8 (a last guard: the load is committed,
    so the answer must not become a 500 because one value could not be encoded)."""
    try:
        report.model_dump_json()
        return report
    except (UnicodeEncodeError, ValueError):
        pass

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return shown(v, keep_breaks=True)
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        return v

    return IngestReport.model_validate(clean(report.model_dump(mode="python")))


@router.post(
    "/ingest",
    response_model=IngestReport,
    summary="Upload and load a data file / 上传并导入数据文件",
    description=(
        "Upload one CSV, XLSX or JSONL file as multipart form field `file`. `type` names the documented "
        "file type (see `chainkg ingest --help` and docs/ingest.md); left out, it is detected from the "
        "file name and columns as the CLI does. `dry_run=true` validates without writing; `strict=true` "
        "writes nothing when any row is rejected. The answer is the load report: counts per type and every "
        "rejected row with file, line, field and reason. Needs the write key in the `X-API-Key` header."
    ),
    operation_id="ingest_file",
    dependencies=[Depends(require_write)],
    responses={
        **AUTH,
        403: {"model": ErrorBody, "description": "Writes are switched off (no CHAINKG_API_KEY) / 未开放写入"},
        413: {"model": ErrorBody, "description": "The file is over CHAINKG_MAX_UPLOAD_MB / 文件过大"},
        200: {"content": {"application/json": {"example": _EXAMPLE}}},
    },
)
def ingest(
    store: WriteStoreDep,
    cache: CacheDep,
    settings: SettingsDep,
    file: Annotated[
        list[UploadFile],
        File(
            description="Data files: .csv, .xlsx, .jsonl or a .yaml chain map; several `file` parts load together "
            "(in one report, names must differ) / 数据文件，可多个"
        ),
    ],
    type: Annotated[
        str | None, Form(max_length=64, description="Documented file type; detected when left out / 文件类型")
    ] = None,
    dry_run: Annotated[bool, Form(description="Validate only, write nothing / 仅校验")] = False,
    strict: Annotated[bool, Form(description="Write nothing if any row is rejected / 严格模式")] = False,
) -> IngestReport:
    """Load the uploaded file(s) into the store and answer the load report."""
    from chainkg.ingest.pipeline import ingest_file, ingest_paths

    names = [_safe_name(f.filename) for f in file]
    if not names:
        raise InvalidInputError(Msg("The upload holds no file; send one as form field `file`."), field="file")
    if len(names) > 1:
        # Load them all in one report, or refuse: never the last one alone with the others dropped.
        seen = [d.lower() for d, _ in names]
        twice = sorted({d for d in seen if seen.count(d) > 1})
        if twice:
            raise InvalidInputError(
                Msg(
                    "The upload holds {n} files and '{name}' more than once; nothing was "
                    "loaded. Send each file once, under its own name.",
                    n=len(names),
                    name=shown(twice[0], 120),
                ),
                field="file",
            )
        if type:
            raise InvalidInputError(
                Msg(
                    "`type` names the type of one file, but the upload holds {n}; nothing was loaded. "
                    "Send them one at a time with `type`, or together without it (types come from the file names).",
                    n=len(names),
                ),
                field="type",
            )
    if type:
        try:
            spec(type)
        except KeyError:
            raise InvalidInputError(
                Msg("'{type}' is not a file type chainkg knows; GET /ingest/types lists them.", type=shown(type, 64)),
                field="type",
            ) from None
    limits = ReadLimits.from_settings(settings)
    with tempfile.TemporaryDirectory(prefix="chainkg-upload-") as tmp:
        paths = []
        for f, (disk, _) in zip(file, names, strict=True):
            path = Path(tmp) / disk
            with path.open("wb") as out:
                shutil.copyfileobj(f.file, out, length=1024 * 1024)
            paths.append(path)
        with _LOAD_LOCK:
            try:
                if len(paths) == 1:
                    report = ingest_file(
                        store,
                        paths[0],
                        type_name=type or None,
                        strict=strict,
                        dry_run=dry_run,
                        source_name=names[0][1],
                        limits=limits,
                    )
                else:
                    report = ingest_paths(store, paths, strict=strict, dry_run=dry_run, limits=limits)
                if not dry_run:  # flags, canonical names and synonym groups of the products, as after a CLI load
                    run_quality_pass(store, settings.data_dir / SYNONYMS_FILE)
            finally:
                if not dry_run:
                    cache.clear()  # answers computed before the load may now be stale
    if not dry_run:
        try:
            engine_for(store).warm()  # what the load changed, fetched now rather than in someone's next question
        except Exception:  # the load is committed: a failed head start must not turn its answer into a 500
            log.exception("link graphs not fetched after an upload")
    return _json_safe(report.in_language())  # each rejection's message in the reader's language


class ColumnDoc(BaseModel):
    """One column of a file type."""

    name: str
    zh: str
    type: str
    required: bool
    doc: str
    choices: list[str] = []


class FileType(BaseModel):
    """A documented file type: its name, what it loads and its columns."""

    name: str = Field(..., description="Pass as `type` / 类型名")
    kind: str = Field(..., description="node or rel")
    zh: str
    file_names: list[str] = Field(..., description="File names recognised as this type / 可识别的文件名")
    columns: list[ColumnDoc]


@router.get(
    "/ingest/types",
    response_model=list[FileType],
    summary="The file types an upload may be / 可导入的文件类型",
    operation_id="ingest_types",
    dependencies=[Depends(require_read)],
    responses={
        **AUTH,
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "name": "Base",
                            "kind": "node",
                            "zh": "创新基地",
                            "file_names": ["bases", "base", "创新基地"],
                            "columns": [
                                {"name": "key", "zh": "主键", "type": "STRING", "required": True, "doc": "Base id"}
                            ],
                        }
                    ]
                }
            }
        },
    },
)
def ingest_types() -> list[FileType]:
    """Every documented file type with its columns (the same formats ``chainkg ingest`` reads)."""
    return [
        FileType(
            name=s.name,
            kind=s.kind,
            zh=s.zh,
            file_names=list(s.file_names),
            columns=[
                ColumnDoc(
                    name=c.name,
                    zh=c.zh,
                    type=str(c.type.value),
                    required=c.required,
                    doc=c.doc,
                    choices=list(c.choices),
                )
                for c in s.columns
            ],
        )
        for s in all_specs()
    ]
