"""Whole-Hub snapshots: one Parquet file per completed crawl or import, and DuckDB over them.

A snapshot is every model of the Hub at one moment, in `ModelRecord`'s own field names
(`COLUMNS`), written by DuckDB itself (no pyarrow, no pandas). They live under the cache dir:

    <cache>/hub/snapshots/models-20261202T101500Z.parquet   one per completed crawl or import
    <cache>/hub/crawl/                                        the crawl in progress (never read as a snapshot)

The name carries the UTC moment the snapshot was taken (the crawl finished, or an import's
`at`); the file's Parquet key-value metadata says the same and more (`read_metadata`). A file is
written to a temporary name in the same directory and renamed into place (`write_snapshot`), so a
reader sees a whole snapshot or none.

The catalogue, for the commands that read snapshots (`hubradar state`, movers across snapshots):
`list_snapshots`, `latest`, `at`; `connect` for a DuckDB connection set up for them; `relation`
for one snapshot as a DuckDB relation in exactly `COLUMNS`, `relation_of_many` for several with a
`taken_at` column added; `create_view` to name either for SQL.

duckdb is imported inside functions only: a cached `hubradar trending` never pays for it.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.core.errors import StoreError
from hubradar.core.time import to_iso
from hubradar.store.db import default_cache_dir

if TYPE_CHECKING:
    import duckdb

SCHEMA_VERSION = "1"
# The columns of a snapshot, in order, with their DuckDB types: ModelRecord's fields as
# `record.from_hub_json` reads them. Unknown is NULL, never 0; no tags is an empty list.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "VARCHAR"),  # NOT NULL, unique
    ("author", "VARCHAR"),
    ("task", "VARCHAR"),  # pipeline_tag
    ("library", "VARCHAR"),  # library_name
    ("downloads", "BIGINT"),  # the last 30 days
    ("downloads_all_time", "BIGINT"),
    ("likes", "BIGINT"),
    ("trending_score", "DOUBLE"),
    ("created_at", "TIMESTAMPTZ"),
    ("last_modified", "TIMESTAMPTZ"),
    ("tags", "VARCHAR[]"),
    ("safetensors_total", "BIGINT"),  # parameters, as the Hub counts them in safetensors files
    ("gguf_total", "BIGINT"),
    ("card_base_models", "VARCHAR[]"),
    ("card_base_relation", "VARCHAR"),
    ("gated", "VARCHAR"),  # 'false', 'true', 'auto', 'manual'
)
SOURCES = ("crawl", "import")
MEMORY_LIMIT = "1GB"  # DuckDB's own limit for a snapshot write: it spills to disk past it
_NAME_RE = re.compile(r"^models-(\d{8}T\d{6}Z)\.parquet$")
_STAMP = "%Y%m%dT%H%M%SZ"


def hub_dir(cache_dir: Path | None = None) -> Path:
    """`<cache>/hub`: where whole-Hub data lives, beside the SQLite store."""
    return (cache_dir or default_cache_dir()) / "hub"


def snapshots_dir(cache_dir: Path | None = None) -> Path:
    return hub_dir(cache_dir) / "snapshots"


def crawl_dir(cache_dir: Path | None = None) -> Path:
    """The crawl in progress: its checkpoint and its pages."""
    return hub_dir(cache_dir) / "crawl"


@dataclass(frozen=True, order=True)
class SnapshotFile:
    """One completed snapshot: when it was taken and where it is."""

    taken_at: datetime
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def size(self) -> int:
        return self.path.stat().st_size


def snapshot_name(taken_at: datetime) -> str:
    return f"models-{taken_at.astimezone(UTC).strftime(_STAMP)}.parquet"


def list_snapshots(cache_dir: Path | None = None) -> list[SnapshotFile]:
    """Every completed snapshot, oldest first (temporary files and other names are not snapshots)."""
    directory = snapshots_dir(cache_dir)
    found = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for path in directory.iterdir():
            match = _NAME_RE.match(path.name)
            if match and path.is_file():
                taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
                found.append(SnapshotFile(taken, path))
    return sorted(found)


def latest(cache_dir: Path | None = None) -> SnapshotFile | None:
    """The newest snapshot, or None when there is none."""
    snapshots = list_snapshots(cache_dir)
    return snapshots[-1] if snapshots else None


def at(moment: datetime | date, cache_dir: Path | None = None) -> SnapshotFile | None:
    """The newest snapshot taken at or before `moment` (a date means the end of that UTC day)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0), tzinfo=UTC) + timedelta(days=1) - timedelta(microseconds=1)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    before = [s for s in list_snapshots(cache_dir) if s.taken_at <= moment]
    return before[-1] if before else None


def connect(memory_limit: str | None = MEMORY_LIMIT, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for snapshots: UTC, a memory limit, no progress bar on stdout."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    if memory_limit:
        con.execute(f"SET memory_limit = '{_plain(memory_limit)}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _plain(text: str) -> str:
    """A value safe to put between single quotes in SQL (paths, sizes, metadata)."""
    return text.replace("'", "''")


def sql_path(path: Path | str) -> str:
    """A path as a SQL string literal."""
    return f"'{_plain(str(path))}'"


def relation(con: duckdb.DuckDBPyConnection, snapshot: SnapshotFile | Path) -> duckdb.DuckDBPyRelation:
    """One snapshot as a relation with exactly `COLUMNS` (what `hubradar state` queries)."""
    path = snapshot.path if isinstance(snapshot, SnapshotFile) else snapshot
    return con.sql(f"SELECT {', '.join(n for n, _ in COLUMNS)} FROM read_parquet({sql_path(path)})")


def relation_of_many(con: duckdb.DuckDBPyConnection, snapshots: Sequence[SnapshotFile]) -> duckdb.DuckDBPyRelation:
    """Several snapshots as one relation: `COLUMNS` plus `taken_at` (TIMESTAMPTZ), for movers and series."""
    if not snapshots:
        raise StoreError("no whole-Hub snapshots to read")
    columns = ", ".join(n for n, _ in COLUMNS)
    parts = [f"SELECT {columns}, TIMESTAMPTZ '{to_iso(s.taken_at)}' AS taken_at FROM read_parquet({sql_path(s.path)})"
             for s in snapshots]
    return con.sql(" UNION ALL ".join(parts))


def create_view(con: duckdb.DuckDBPyConnection, name: str, snapshots: SnapshotFile | Sequence[SnapshotFile]) -> str:
    """Name one snapshot (or several, with `taken_at`) as a view for SQL; returns the name."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a plain SQL name: {name!r}")
    rel = relation(con, snapshots) if isinstance(snapshots, SnapshotFile) else relation_of_many(con, snapshots)
    rel.create_view(name, replace=True)
    return name


def read_metadata(path: Path) -> dict[str, str]:
    """A snapshot's key-value metadata (hubradar_schema, taken_at, source, origin, rows)."""
    con = connect(memory_limit=None)
    try:
        rows = con.sql(f"SELECT decode(key), decode(value) FROM parquet_kv_metadata({sql_path(path)})").fetchall()
    finally:
        con.close()
    return {str(k): str(v) for k, v in rows}


def row_count(con: duckdb.DuckDBPyConnection, snapshot: SnapshotFile | Path) -> int:
    """Rows in a snapshot, from the Parquet footer (no scan)."""
    path = snapshot.path if isinstance(snapshot, SnapshotFile) else snapshot
    found = con.execute(f"SELECT sum(num_rows) FROM parquet_file_metadata({sql_path(path)})").fetchall()
    return int(found[0][0] or 0) if found else 0


def _typed(select_sql: str) -> str:
    """`select_sql`'s rows cast to `COLUMNS`, in order: whatever made them, the file has the one schema."""
    casts = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in COLUMNS)
    return f"SELECT {casts} FROM ({select_sql}) AS rows WHERE id IS NOT NULL"


def write_snapshot(con: duckdb.DuckDBPyConnection, select_sql: str, *, taken_at: datetime, source: str,
                   origin: str, cache_dir: Path | None = None) -> SnapshotFile:
    """Write the rows `select_sql` gives as the snapshot taken at `taken_at`, atomically.

    DuckDB writes a temporary file in the snapshots directory, which is then renamed into place, so
    a crash leaves no half snapshot (only a `.tmp` file, which the catalogue ignores and the next
    write of that name replaces). `origin` is the endpoint crawled or the file imported.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    directory = snapshots_dir(cache_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create {directory}: {err.strerror or err}") from None
    final = directory / snapshot_name(taken_at)
    temporary = directory / f".{final.stem}.{os.getpid()}.tmp"
    metadata = {"hubradar_schema": SCHEMA_VERSION, "taken_at": to_iso(taken_at), "source": source, "origin": origin}
    kv = ", ".join(f"{key}: '{_plain(value)}'" for key, value in metadata.items())
    try:
        con.execute(f"COPY ({_typed(select_sql)}) TO {sql_path(temporary)} "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, KV_METADATA {{{kv}}})")
        os.replace(temporary, final)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write the snapshot {final}: {err.strerror or err}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return SnapshotFile(taken_at.astimezone(UTC).replace(microsecond=0), final)
