"""The store as one command uses it: a fault in the cache costs the cache, never the answer.

`Store.open` catches a file that is damaged at open; this catches the rest: a page that only
turns out to be corrupt when a later query reads it, another process holding the write lock
beyond the busy timeout, a disk that fills up, a row that cannot be decoded. A read that fails
is a cache miss; a write that fails is skipped. A damaged file is moved aside (kept) and replaced
by a new one, so the answer just fetched is still saved; a busy, read-only or full one is left
alone for the rest of the command. Each problem is one warning.

    with Cache(options.cache_dir, notify) as cache:
        info = cache.read(lambda store: store.find(key), None)
        cache.write(lambda store: store.save_snapshot(...))
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from hubradar.core.record import ModelRecord
from hubradar.store.db import BUSY_TIMEOUT, DB_NAME, Store, default_cache_dir
from hubradar.store.recovery import describe, is_corrupt, open_or_recover, recover

T = TypeVar("T")


class Cache:
    """One command's handle on the store; `store` is None when there is no usable cache."""

    def __init__(
        self, directory: Path | None, warn: Callable[[str], None], *, busy_timeout: float = BUSY_TIMEOUT
    ) -> None:
        self.directory = directory or default_cache_dir()
        self.warn = warn
        self.busy_timeout = busy_timeout
        self.store: Store | None = open_or_recover(self.directory, warn, busy_timeout=busy_timeout)

    def read(self, fn: Callable[[Store], T], default: T) -> T:
        """`fn(store)`, or `default` when there is no usable cache or the read fails."""
        if self.store is None:
            return default
        try:
            return fn(self.store)
        except sqlite3.DatabaseError as err:
            self._fault(err)
            return default

    def write(self, fn: Callable[[Store], object]) -> bool:
        """Run `fn(store)` (one transaction); on a damaged file, again on the rebuilt one. Saved?"""
        for _ in range(2):
            if self.store is None:
                return False
            try:
                fn(self.store)
            except sqlite3.DatabaseError as err:
                self._fault(err)
            else:
                return True
        return False

    def _fault(self, err: sqlite3.DatabaseError) -> None:
        """A damaged file is moved aside and rebuilt; anything else ends caching for this command."""
        if self.store is not None:
            with contextlib.suppress(sqlite3.Error):
                self.store.close()
        self.store = None
        if is_corrupt(err):
            self.store = recover(self.directory, err, self.warn, busy_timeout=self.busy_timeout)
        else:
            self.warn(f"cache at {self.directory / DB_NAME} cannot be used ({describe(err)}); running without a cache")

    # The lookup cache (`fetch.lookups.LookupCache`): a fault is a miss, a write that fails is skipped.

    def get_lookup(self, model_id: str, expand_key: str, max_age: timedelta) -> tuple[bool, ModelRecord | None]:
        miss: tuple[bool, ModelRecord | None] = (False, None)
        return self.read(lambda store: store.get_lookup(model_id, expand_key, max_age), miss)

    def put_lookups(self, expand_key: str, results: Iterable[tuple[str, ModelRecord | None]]) -> None:
        items = list(results)
        self.write(lambda store: store.put_lookups(expand_key, items))

    def lookups_since(self, moment: datetime) -> int:
        return self.read(lambda store: store.lookups_since(moment), 0)

    def close(self) -> None:
        if self.store is not None:
            with contextlib.suppress(sqlite3.Error):
                self.store.close()
            self.store = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
