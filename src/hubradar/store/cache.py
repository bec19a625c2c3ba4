"""The store as one command's listings and lookups use it: a fault in the cache costs the cache,
never the answer.

Damage is handled where every query goes, in the store's guard (store.connection): the file is
moved aside, what still reads is kept in a new one, and the read or write runs again there. What
is left to this handle: a store that cannot be used at all (busy beyond the busy timeout,
read-only, a full disk, damage that cannot be rebuilt) is dropped for the rest of the command with
one warning; a read then is a cache miss, a write is skipped.

    with Cache(options.cache_dir, notify) as cache:
        info = cache.read(lambda store: store.find(key), None)
        cache.write(lambda store: store.save_snapshot(...))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from hubradar.core.record import ModelRecord
from hubradar.store.connection import BUSY_TIMEOUT, CacheUnusable
from hubradar.store.db import Store, default_cache_dir
from hubradar.store.recovery import open_or_recover

T = TypeVar("T")


class Cache:
    """One command's handle on the store; `store` is None when there is no usable cache."""

    def __init__(
        self, directory: Path | None, warn: Callable[[str], None], *, busy_timeout: float = BUSY_TIMEOUT
    ) -> None:
        self.directory = directory or default_cache_dir()
        self.warn = warn
        self.store: Store | None = open_or_recover(self.directory, warn, busy_timeout=busy_timeout)

    def read(self, fn: Callable[[Store], T], default: T) -> T:
        """`fn(store)` (run again if the file was rebuilt meanwhile), or `default` without a usable cache."""
        if self.store is None:
            return default
        try:
            return self.store.consistent(fn)
        except CacheUnusable as err:
            self._drop(err)
            return default

    def write(self, fn: Callable[[Store], object]) -> bool:
        """Run `fn(store)` (one transaction; on a damaged file, again on the rebuilt one). Saved?"""
        if self.store is None:
            return False
        try:
            fn(self.store)
        except CacheUnusable as err:
            self._drop(err)
            return False
        return True

    def _drop(self, err: CacheUnusable) -> None:
        self.close()
        self.warn(f"{err}; running without a cache")

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
            self.store.close()
            self.store = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
