"""Settings, read once from the environment (prefix ``CHAINKG_``) and ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of chainkg. Build one at start and pass it down; nothing reads env later."""

    model_config = SettingsConfigDict(env_prefix="CHAINKG_", env_file=".env", extra="ignore")

    store: Literal["ladybug", "neo4j"] = Field(
        "ladybug", description="Which graph store to use: the embedded LadybugDB or Neo4j"
    )
    data_dir: Path = Field(Path("chainkg-data"), description="Folder of the embedded store")
    reports_dir: Path | None = Field(
        None, description="Folder of the ingest reports (default: DATA_DIR/ingest-reports, on either store)"
    )
    neo4j_uri: str = "bolt://localhost:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_timeout_s: float = Field(2.0, gt=0, description="Connect and acquire timeout")
    neo4j_retry_s: float = Field(0.5, ge=0, description="How long transient failures are retried")
    neo4j_batch_size: int = Field(2000, ge=1, le=100_000)
    neo4j_sole_writer: bool = Field(
        False,
        description="chainkg is the only writer of the Neo4j database, one load at a time: the kept link "
        "graphs are then refreshed from what chainkg wrote instead of fetched whole after a write",
    )
    write_batch_size: int = Field(5000, ge=1, le=1_000_000)
    analytics: Literal["networkx", "gds", "auto"] = Field(
        "networkx", description="Where graph algorithms run: networkx in-process, or Neo4j GDS"
    )
    api_key: SecretStr | None = Field(None, description="Key required for writes over HTTP")
    read_key: SecretStr | None = Field(None, description="Key required for reads, if set")
    max_upload_mb: int = Field(20, ge=1, le=1024)
    max_file_mb: float = Field(
        10,
        gt=0,
        le=100_000,
        description="Largest data file `chainkg ingest` reads; a larger one is refused before it is read "
        "(a load holds its rows until it writes them: a 10 MB CSV of 190,000 rows peaked at 800 MB on LadybugDB)",
    )
    xlsx_max_unpacked_mb: float = Field(
        64,
        gt=0,
        le=100_000,
        description="Most a workbook may unpack to (its zip directory, checked before opening it): "
        "a 1 MB zip bomb inflating to gigabytes is refused up front",
    )
    chain_cache_mb: float = Field(
        200,
        ge=0,
        le=100_000,
        description="Memory for fetched chains kept between questions while the data is unchanged (0 keeps none)",
    )
    chain_index_links: int = Field(
        2_000_000,
        ge=0,
        le=100_000_000,
        description="Most links of one level (products or industries) the API holds in memory to walk chains from "
        "(about 105 bytes a link held, 370 while fetching); a larger level is walked in the store step by step. "
        "0 holds none",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Web origins (e.g. https://planner.example.org) whose pages may call the API from a browser; "
        "none by default. In the environment, a JSON list: CHAINKG_CORS_ORIGINS='[\"https://a.example\"]'",
    )
    lang: Literal["zh", "en"] = Field(
        "zh", description="Language of the CLI, pages and exports when the user asks for none: zh or en"
    )
    host: str = "127.0.0.1"
    port: int = 8000

    @field_validator("api_key", "read_key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, v: object) -> object:
        # Compose files pass `CHAINKG_API_KEY: ${CHAINKG_API_KEY:-}`: an empty key means "no key",
        # so uploads answer the clear 403 "switched off" rather than 401 "need the write key".
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def ingest_reports_dir(self) -> Path:
        """Where ingest reports go: CHAINKG_REPORTS_DIR, else DATA_DIR/ingest-reports."""
        return self.reports_dir if self.reports_dir is not None else self.data_dir / "ingest-reports"

    @property
    def ladybug_path(self) -> Path:
        """Database file of the embedded store."""
        return self.data_dir / "graph.lbug"
