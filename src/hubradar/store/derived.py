"""What is worked out once from a whole-Hub snapshot and kept beside it: the lineage's roots, for `hubradar state`.

Building the lineage of 2 million models is most of a state report's time, and a snapshot never
changes, so its roots are written once as a Parquet file and read by the next report of that
snapshot (another `--task`, `--author`, the HTML report). The file's name carries the snapshot's
and a fingerprint of the rules that made it, so a change of the lineage rules never reads an old
answer:

    <cache>/hub/derived/models-20261202T101500Z.roots-<fingerprint>.parquet

Files of a snapshot that is gone, or of older rules, are removed when a new one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.store.parquet import SnapshotFile, hub_dir, snapshots_dir, sql_path

if TYPE_CHECKING:
    import duckdb


def derived_dir(cache_dir: Path | None = None) -> Path:
    return hub_dir(cache_dir) / "derived"


def fingerprint(sources: Iterable[Path]) -> str:
    """A short hash of the files whose rules made a derived table (their bytes)."""
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def derived_path(snapshot: SnapshotFile, what: str, rules: str, cache_dir: Path | None = None) -> Path:
    return derived_dir(cache_dir) / f"{snapshot.path.stem}.{what}-{rules}.parquet"


def read_table(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> bool:
    """`path` as the temporary table `table`; False when there is no such file or it cannot be read."""
    if not path.is_file():
        return False
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_parquet({sql_path(path)})")
    except Exception:  # a damaged file is worked out again, and replaced
        return False
    return True


def write_table(con: duckdb.DuckDBPyConnection, table: str, path: Path, cache_dir: Path | None = None) -> None:
    """Keep `table` at `path` (atomically), dropping derived files of other rules or of removed snapshots.

    A cache only: a failure to write it is not an error (the next report works it out again).
    """
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY {table} TO {sql_path(temporary)} (FORMAT parquet, COMPRESSION zstd)")
        os.replace(temporary, path)
    except Exception:
        temporary.unlink(missing_ok=True)
        return
    what = path.stem.split(".")[1].split("-")[0]
    snapshot_stem = path.stem.split(".")[0]
    live = {p.stem for p in snapshots_dir(cache_dir).glob("models-*.parquet")}
    for other in path.parent.glob("models-*.parquet"):
        parts = other.stem.split(".")
        stale = len(parts) == 2 and (parts[0] not in live or (parts[0] == snapshot_stem
                                                              and parts[1].split("-")[0] == what and other != path))
        if stale:
            with contextlib.suppress(OSError):
                other.unlink()
