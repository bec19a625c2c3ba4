"""A damaged cache file: telling it from a busy or read-only one, moving it aside, salvaging it.

A damaged file is never deleted: it is renamed to `hubradar.sqlite.corrupt-<time>` (with its
-wal and -shm), a new store is started in its place, and every snapshot of the old file that
still reads cleanly (its header, every row, every model record) is copied into the new one with
its id; lookups are copied while they read. One notice says how many snapshots were saved and how
many lost. A file that is busy beyond the busy timeout, read-only, or on a full disk is left alone.

`open_or_recover` is how a command opens the store (damage found at open); `rebuild` is what the
guard of store.connection calls for damage found by any later read or write.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from hubradar.core.errors import StoreError
from hubradar.core.record import ModelRecord
from hubradar.core.snapshot import SnapshotInfo
from hubradar.core.time import from_iso, now_utc
from hubradar.core.units import count_of
from hubradar.store.connection import BUSY_TIMEOUT, CacheUnusable, Connection
from hubradar.store.db import DB_NAME, Store, default_cache_dir


class CorruptCache(sqlite3.DatabaseError):
    """A row SQLite could read but hubradar cannot (damaged or edited by hand): the file is damaged."""


_CORRUPT_NAMES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_corrupt(err: sqlite3.Error) -> bool:
    """Is this a damaged file (move it aside) rather than a busy, read-only or full one (leave it)?

    A missing table or column counts as damage: migrations are atomic, so only a damaged or
    hand-edited file lacks one.
    """
    if isinstance(err, CorruptCache):
        return True
    name = getattr(err, "sqlite_errorname", "") or ""
    if name.startswith(_CORRUPT_NAMES):
        return True
    message = str(err)
    return message.startswith(("no such table", "no such column")) or "malformed" in message


def describe(err: sqlite3.Error) -> str:
    """Why a cache that is not damaged cannot be used, in words."""
    name = getattr(err, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"another process holds its lock: {err}"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return f"it cannot be written: {err}"
    return str(err)


def quarantine(directory: Path) -> Path:
    """Move the store (and its -wal/-shm files) aside, keeping it; returns where it went."""
    path = directory / DB_NAME
    stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{DB_NAME}.corrupt-{stamp}")
    n = 1
    while aside.exists():  # two recoveries in one second must not overwrite the first
        n += 1
        aside = path.with_name(f"{DB_NAME}.corrupt-{stamp}-{n}")
    path.replace(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(DB_NAME + suffix)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + suffix))
    return aside


@dataclass(frozen=True)
class Salvaged:
    """What a damaged file still gave: snapshots copied and lost, and whether its list of snapshots
    was itself damaged (then more may be lost than counted)."""

    saved: int
    lost: int
    unlisted: bool = False

    def words(self) -> str:
        if not self.saved and not self.lost:
            return "none of its snapshots could be read" if self.unlisted else "it held no snapshots"
        total = self.saved + self.lost
        text = f"saved the {self.saved} of its {count_of(total, 'snapshot')} that still read"
        text += f", {self.lost} lost" if self.lost else ""
        return text + (" (and any whose header was damaged)" if self.unlisted else "")


def _both_ends(conn: sqlite3.Connection, sql: str, args: tuple = ()) -> tuple[list[tuple], bool]:
    """The rows of `sql` (ordered by its first column) that read, from both ends; and whether all did.

    A scan stops at the first damaged page; reading again backwards costs only the rows on it.
    """
    rows: list[tuple] = []
    try:
        for row in conn.execute(sql, args):
            rows.append(row)
        return rows, True
    except sqlite3.DatabaseError:
        pass
    seen = {row[0] for row in rows}
    with contextlib.suppress(sqlite3.DatabaseError):
        for row in conn.execute(sql + " DESC", args):
            if row[0] in seen:
                break
            rows.append(row)
    return sorted(rows), False


def _decoded(data: str) -> ModelRecord | None:
    try:
        return ModelRecord.from_dict(json.loads(data))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _snapshot_records(conn: sqlite3.Connection, info: SnapshotInfo, models: dict[int, ModelRecord | None]
                      ) -> list[ModelRecord] | None:
    """A snapshot's records in rank order, or None when any of its rows or model records is lost
    (a listing with holes is not the listing it was). `models` caches records by ref."""
    try:
        rows = conn.execute(
            "SELECT model_ref, downloads, downloads_all_time, likes, trending_score FROM snapshot_rows "
            "WHERE snapshot_id = ? ORDER BY rank", (info.id,)
        ).fetchall()
    except sqlite3.DatabaseError:
        return None
    if len(rows) != info.row_count:
        return None
    records = []
    for ref, downloads, all_time, likes, trending in rows:
        if ref not in models:
            try:  # by rowid: a lost page costs the records on it, not the rest of the table
                row = conn.execute("SELECT data FROM models WHERE ref = ?", (ref,)).fetchone()
            except sqlite3.DatabaseError:
                row = None
            models[ref] = _decoded(row[0]) if row else None
        record = models[ref]
        if record is None:
            return None
        records.append(replace(record, downloads=downloads, downloads_all_time=all_time, likes=likes,
                               trending_score=trending))
    return records


def salvage(aside: Path, into: Store) -> Salvaged:
    """Copy every snapshot of the damaged file at `aside` whose rows still read into `into`, ids kept."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(aside))}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return Salvaged(0, 0, unlisted=True)
    try:
        try:
            sql = f"SELECT {Store._INFO_COLUMNS}, content_hash FROM snapshots ORDER BY id"
            headers, listed = _both_ends(conn, sql)
        except sqlite3.Error:  # not even a database
            return Salvaged(0, 0, unlisted=True)
        saved = 0
        models: dict[int, ModelRecord | None] = {}  # by ref, read once
        for row in headers:
            try:
                info = Store._info(row[:-1])
            except sqlite3.Error:
                continue
            records = _snapshot_records(conn, info, models)
            if records is None:
                continue
            try:
                into.save_snapshot(info.query_key, info.query, records, depth=info.depth, fetched_at=info.fetched_at,
                                   source=info.source, content_hash=row[-1], complete=info.complete,
                                   snapshot_id=info.id)
            except (sqlite3.Error, StoreError):
                break  # the new file cannot take more (a full disk): keep what it has
            saved += 1
        _copy_lookups(conn, into)
        return Salvaged(saved, len(headers) - saved, not listed)
    finally:
        conn.close()


def _copy_lookups(old: sqlite3.Connection, into: Store) -> None:
    """The cached per-model lookups that still read, with their own ages (they are only a cache)."""
    rows: list[tuple] = []
    with contextlib.suppress(sqlite3.Error):
        for model_id, expand_key, fetched_at, data in old.execute(
            "SELECT model_id, expand_key, fetched_at, data FROM lookups"
        ):
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                from_iso(fetched_at)
                if data is None or _decoded(data) is not None:
                    rows.append((model_id, expand_key, fetched_at, data))
    if rows:
        with contextlib.suppress(sqlite3.Error, StoreError):
            into.write(lambda conn: conn.executemany(
                "INSERT OR REPLACE INTO lookups (model_id, expand_key, fetched_at, data) VALUES (?, ?, ?, ?)", rows))


def _replace(directory: Path, err: sqlite3.Error, busy_timeout: float,
             warn: Callable[[str], None] | None) -> Store:
    """Move the damaged file aside, start a new store, salvage into it; one notice. Raises OSError or
    sqlite3.Error when not even a new store can be made."""
    path = directory / DB_NAME
    aside = quarantine(directory)
    fresh = Store.open(directory, busy_timeout=busy_timeout, warn=warn)
    kept = salvage(aside, fresh)
    fresh.warn(f"cache at {path} was damaged ({err}); moved it to {aside.name} and started a new one: {kept.words()}")
    return fresh


def _not_rebuilt(path: Path, err: sqlite3.Error, again: Exception) -> str:
    return f"cache at {path} is damaged ({err}) and could not be rebuilt ({again})"


def rebuild(store: Connection, err: sqlite3.Error) -> None:
    """Replace the damaged file under an open store (the guard's fault path); its connection is swapped."""
    store.close()
    try:
        fresh = _replace(store.path.parent, err, store.busy_timeout, store.warn)
    except (OSError, sqlite3.Error) as again:
        store.unusable = _not_rebuilt(store.path, err, again)
        return
    store.conn = fresh.conn
    store.rebuilds += 1


def open_or_recover(
    directory: Path | None,
    warn: Callable[[str], None],
    *,
    busy_timeout: float = BUSY_TIMEOUT,
    required: bool = False,
) -> Store | None:
    """Open the store, never letting a bad cache cost the answer.

    A file that is not a readable database is moved aside (kept, not deleted) and rebuilt with what
    still reads; one that is busy beyond `busy_timeout`, read-only or on a full disk is left alone,
    and so is a directory that cannot be written: one warning, and the command runs without a
    cache. With `required` (a command that has nothing to do without it: history, import, record)
    that is CacheUnusable instead, saying why. A store from a newer hubradar is refused
    (StoreError), since rebuilding it would lose data. The store returned sends its later notices
    (damage found by a read) to `warn`.
    """
    directory = directory or default_cache_dir()

    def give_up(why: str) -> None:
        if required:
            raise CacheUnusable(why)
        warn(why + "; running without a cache")

    try:
        return Store.open(directory, busy_timeout=busy_timeout, warn=warn)
    except sqlite3.DatabaseError as err:
        if not is_corrupt(err):
            give_up(f"cache at {directory / DB_NAME} cannot be used ({describe(err)})")
            return None
        try:
            return _replace(directory, err, busy_timeout, warn)
        except (OSError, sqlite3.Error) as again:
            give_up(_not_rebuilt(directory / DB_NAME, err, again))
            return None
    except OSError as err:
        reason = "it is a file" if directory.is_file() else (err.strerror or str(err))
        give_up(f"cache directory {directory} cannot be used ({reason})")
        return None
