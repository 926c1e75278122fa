"""The one exception family of chainkg, translated once at each boundary (CLI, API)."""

from __future__ import annotations


class ChainkgError(Exception):
    """Root of every error chainkg raises on purpose."""


class NotFoundError(ChainkgError):
    """A key, name or file that the caller named does not exist."""


class InvalidInputError(ChainkgError):
    """Input that cannot be used as given; names the file, line and field where known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"line {line}" if line is not None else "",
                f"field '{field}'" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class StoreUnavailableError(ChainkgError):
    """The graph store cannot be reached or opened (down, locked, misconfigured)."""


class SchemaError(ChainkgError):
    """A label, relationship type or property that the model does not define."""
