"""Administering the store: what it holds (`cache info`), and dropping old snapshots (`cache prune`).

    with existing_store(None, print) as store:
        summary = cache_summary(store)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hubradar.core.query import key_label
from hubradar.core.time import now_utc, resolve_since, to_iso
from hubradar.store.db import DB_NAME, Store, default_cache_dir
from hubradar.store.recovery import open_or_recover

COMPACT_AT = 0.2  # rewrite the file when a fifth or more of it is free


@dataclass(frozen=True)
class QueryStats:
    """One stored listing: how many snapshots, when, and the deepest."""

    label: str
    key: str
    snapshots: int
    oldest: datetime
    newest: datetime
    rows: int


@dataclass(frozen=True)
class CacheSummary:
    path: Path
    size_bytes: int
    snapshots: int
    models: int
    oldest: datetime | None
    newest: datetime | None
    queries: list[QueryStats] = field(default_factory=list)


@dataclass(frozen=True)
class Pruned:
    removed: int
    cutoff: datetime
    size_before: int
    size_after: int
    compacted: bool  # False: the space freed is reused by the next snapshots instead


def store_size(path: Path) -> int:
    """Bytes on disk: the database and its write-ahead log."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def existing_store(cache_dir: Path | None, notify: Callable[[str], None], *, required: bool = False) -> Store | None:
    """Open the store only if one exists: reading history never creates an empty cache.

    None when there is none; one that exists but cannot be used is a warning and None, or with
    `required` CacheUnusable (see `open_or_recover`).
    """
    directory = cache_dir or default_cache_dir()
    if not (directory / DB_NAME).exists():
        return None
    return open_or_recover(directory, notify, required=required)


def why_unusable(directory: Path) -> str | None:
    """Why no store can be made in `directory` (a file in the way, a folder that cannot be written),
    or None when one can. Checked without creating anything."""
    if directory.exists() and not directory.is_dir():
        return f"{directory} is a file, not a folder"
    existing = next(p for p in (directory, *directory.parents) if p.exists() or p == p.parent)
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} cannot be written"
    return None


def cache_summary(store: Store) -> CacheSummary:
    """Where the store is, how big, and what it holds (read again if the file is rebuilt meanwhile)."""
    return store.consistent(_summary)


def _summary(store: Store) -> CacheSummary:
    queries = [
        QueryStats(key_label(key), key, count, oldest, newest, depth)
        for key, count, oldest, newest, depth in store.summary()
    ]
    models = store.using(lambda conn: conn.execute("SELECT COUNT(DISTINCT model_id) FROM models").fetchone()[0])
    return CacheSummary(
        path=store.path,
        size_bytes=store_size(store.path),
        snapshots=sum(q.snapshots for q in queries),
        models=models,
        oldest=min((q.oldest for q in queries), default=None),
        newest=max((q.newest for q in queries), default=None),
        queries=queries,
    )


def delete_before(store: Store, moment: datetime) -> int:
    """Delete snapshots taken before `moment` and the model rows nobody references; how many went."""

    def delete(conn: sqlite3.Connection) -> int:
        ids = [r[0] for r in conn.execute("SELECT id FROM snapshots WHERE fetched_at < ?", (to_iso(moment),))]
        conn.executemany("DELETE FROM snapshot_rows WHERE snapshot_id = ?", [(i,) for i in ids])
        conn.executemany("DELETE FROM snapshots WHERE id = ?", [(i,) for i in ids])
        conn.execute(
            "DELETE FROM models WHERE NOT EXISTS (SELECT 1 FROM snapshot_rows r WHERE r.model_ref = models.ref)"
        )
        return len(ids)

    return store.write(delete)


def compact(store: Store, min_free: float = 0.0) -> bool:
    """Give the space of deleted rows back to the file system (after a prune); True if it did.

    Only when at least `min_free` of the file is free pages: VACUUM rewrites the whole file
    (seconds for a year of snapshots), while a little free space is simply reused by the next
    snapshots. The checkpoint after it moves the rewrite out of the write-ahead log.
    """

    def vacuum(conn: sqlite3.Connection) -> bool:
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        if not free or free < min_free * pages:
            return False
        conn.execute("VACUUM")
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    return store.using(vacuum)


def prune(store: Store, older_than: timedelta, now: datetime | None = None) -> Pruned:
    """Delete snapshots taken more than `older_than` ago; give the space back when it is worth it."""
    cutoff = resolve_since(older_than, now or now_utc())
    before = store_size(store.path)
    removed = delete_before(store, cutoff)
    compacted = compact(store, COMPACT_AT) if removed else False
    return Pruned(removed, cutoff, before, store_size(store.path), compacted)
