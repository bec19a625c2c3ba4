"""A damaged cache file: how to tell it from a busy or read-only one, and moving it aside.

A damaged file is never deleted: it is renamed to `hubradar.sqlite.corrupt-<time>` (with its
-wal and -shm) and a new store is started in its place. One that is busy beyond the busy timeout,
read-only, or on a full disk is left alone. `open_or_recover` is how a command opens the store;
`store.cache.Cache` handles the damage that only shows on a later read or write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from hubradar.core.time import now_utc
from hubradar.store.db import BUSY_TIMEOUT, DB_NAME, Store, default_cache_dir


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


def recover(
    directory: Path, err: sqlite3.Error, warn: Callable[[str], None], *, busy_timeout: float = BUSY_TIMEOUT
) -> Store | None:
    """Move a damaged store aside and start a new one; None (and one warning) when that fails too."""
    path = directory / DB_NAME
    try:
        aside = quarantine(directory)
        store = Store.open(directory, busy_timeout=busy_timeout)
    except (OSError, sqlite3.Error) as again:
        warn(f"cache at {path} is damaged ({err}) and could not be rebuilt ({again}); running without a cache")
        return None
    warn(f"cache at {path} was damaged ({err}); moved it to {aside.name} and started a new one")
    return store


def open_or_recover(
    directory: Path | None, warn: Callable[[str], None], *, busy_timeout: float = BUSY_TIMEOUT
) -> Store | None:
    """Open the store, never letting a bad cache cost the answer.

    A file that is not a readable database is moved aside (kept, not deleted) and rebuilt; one
    that is busy beyond `busy_timeout`, read-only or on a full disk is left alone, and so is a
    directory that cannot be written: one warning, and the command runs without a cache. A
    store from a newer hubradar is refused (StoreError), since rebuilding it would lose data.
    """
    directory = directory or default_cache_dir()
    try:
        return Store.open(directory, busy_timeout=busy_timeout)
    except sqlite3.DatabaseError as err:
        if is_corrupt(err):
            return recover(directory, err, warn, busy_timeout=busy_timeout)
        warn(f"cache at {directory / DB_NAME} cannot be used ({describe(err)}); running without a cache")
        return None
    except OSError as err:
        reason = "it is a file" if directory.is_file() else (err.strerror or str(err))
        warn(f"cache directory {directory} cannot be used ({reason}); running without a cache")
        return None
