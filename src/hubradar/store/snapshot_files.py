"""Whole-Hub snapshots on disk: `<cache>/hub/snapshots/models-<YYYYMMDDTHHMMSSZ>.parquet`.

The crawl (and the import of a public dump) writes one Parquet file per completed crawl, in
`ModelRecord`'s column names, atomically; this finds them: all, the latest, the latest at or before
a moment, and opens one as a DuckDB view. A temporary or foreign file in that directory is never
taken for a snapshot: only names of exactly that form are.

(The crawl's own store/parquet.py reads the same directory and schema; the two are to become one.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubradar.store.db import default_cache_dir

SCHEMA = "1"
_NAME = re.compile(r"models-(\d{8}T\d{6}Z)\.parquet")


@dataclass(frozen=True)
class SnapshotFile:
    """One whole-Hub snapshot: its file and the moment it was taken (from its name)."""

    path: Path
    taken_at: datetime


def snapshot_dir(cache_dir: Path | None = None) -> Path:
    return (cache_dir or default_cache_dir()) / "hub" / "snapshots"


def snapshot_name(taken_at: datetime) -> str:
    """The file name of a snapshot taken at `taken_at` (UTC)."""
    return f"models-{taken_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.parquet"


def list_snapshots(cache_dir: Path | None = None) -> list[SnapshotFile]:
    """Every snapshot, oldest first."""
    folder = snapshot_dir(cache_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.fullmatch(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append(SnapshotFile(path, taken))
    return sorted(found, key=lambda s: s.taken_at)


def latest_snapshot(cache_dir: Path | None = None, at: datetime | None = None) -> SnapshotFile | None:
    """The newest snapshot, or the newest taken at or before `at`; None when there is none."""
    snapshots = [s for s in list_snapshots(cache_dir) if at is None or s.taken_at <= at]
    return snapshots[-1] if snapshots else None


def open_snapshot(con: Any, snapshot: SnapshotFile, view: str = "snapshot") -> None:
    """`view` over the snapshot's rows, with `pos` their order in the file (the listing order)."""
    path = str(snapshot.path).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS "
                f"SELECT *, file_row_number AS pos FROM read_parquet('{path}', file_row_number = true)")


def snapshot_metadata(con: Any, snapshot: SnapshotFile) -> dict[str, str]:
    """The key-value metadata the writer left (hubradar_schema, taken_at, source, endpoint)."""
    path = str(snapshot.path).replace("'", "''")
    rows = con.execute(f"SELECT key, value FROM parquet_kv_metadata('{path}')").fetchall()
    return {bytes(k).decode("utf-8", "replace"): bytes(v).decode("utf-8", "replace") for k, v in rows}
