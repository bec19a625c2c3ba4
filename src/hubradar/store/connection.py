"""The store's connection, and the one way every query reaches the file.

Every read and write of the `Store` runs through `Connection.guard`. When SQLite (or hubradar,
decoding a row) finds the file damaged — at any page, on any path — the guard moves the file
aside, starts a new one holding what still reads cleanly (store.recovery), and runs the query
again on it; the command goes on. A fault that is not damage (another process holding the lock
beyond the busy timeout, a read-only file, a full disk), or damage that cannot be rebuilt, makes
the store unusable for the rest of the command: `CacheUnusable`, one line saying why.

`consistent(fn)` runs a use case's several queries again when the file was rebuilt while they
ran, so an answer never mixes the old file with the new one.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from hubradar.core.errors import StoreError

BUSY_TIMEOUT = 10.0  # seconds to wait for another hubradar that is writing the cache
MAX_REBUILDS = 2  # a file damaged again after that is given up for the command

T = TypeVar("T")
P = ParamSpec("P")
C = TypeVar("C", bound="Connection")

_log = logging.getLogger("hubradar")


class CacheUnusable(StoreError):
    """The cache cannot be used for the rest of this command; the message says why."""


def guarded(method: Callable[Concatenate[C, P], T]) -> Callable[Concatenate[C, P], T]:
    """A Store method whose queries go through `guard` (damage rebuilt, the method run again)."""

    @functools.wraps(method)
    def run(self: C, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.guard(lambda: method(self, *args, **kwargs))

    return run


class Connection:
    """A SQLite connection to the store's file, with the guard every query goes through.

    `warn` receives the one notice a rebuild gives (default: the `hubradar` logger). With
    `recovers=False` errors pass through untouched (recovery reading a damaged file does that).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        warn: Callable[[str], None] | None = None,
        recovers: bool = True,
    ) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout = busy_timeout
        self.warn = warn or _log.warning
        self.recovers = recovers
        self.rebuilds = 0  # how many times the file was found damaged and replaced
        self.unusable: str | None = None

    def guard(self, attempt: Callable[[], T]) -> T:
        """`attempt()`; on a damaged file, once more on the rebuilt one. Raises CacheUnusable otherwise."""
        if not self.recovers:
            return attempt()
        for tries in range(2):
            if self.unusable is not None:
                raise CacheUnusable(self.unusable)
            try:
                return attempt()
            except sqlite3.DatabaseError as err:
                self._fault(err, again=tries > 0)
        raise CacheUnusable(self.unusable or f"cache at {self.path} cannot be used")

    def _fault(self, err: sqlite3.DatabaseError, *, again: bool) -> None:
        from hubradar.store.recovery import describe, is_corrupt, rebuild  # only when something failed

        if not again and is_corrupt(err) and self.rebuilds < MAX_REBUILDS:
            rebuild(self, err)  # a new file in place (self.conn swapped), or self.unusable set
            return
        if self.unusable is None:
            self.unusable = f"cache at {self.path} cannot be used ({describe(err)})"
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def consistent(self: C, fn: Callable[[C], T]) -> T:
        """`fn(self)`, run again when the file was rebuilt while it ran (its reads mixed two files)."""
        rebuilds = self.rebuilds
        try:
            result = fn(self)
        except Exception:
            if self.rebuilds == rebuilds:
                raise
            return fn(self)
        return result if self.rebuilds == rebuilds else fn(self)

    def using(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(connection)` through the guard: for the store's own modules (admin, recovery)."""
        return self.guard(lambda: fn(self.conn))

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(connection)` in one write transaction, through the guard (redone whole after a rebuild)."""

        def attempt() -> T:
            with self.transaction() as conn:
                return fn(conn)

        return self.guard(attempt)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE so two writers queue on the busy timeout instead of failing mid-way.

        Any failure, including at COMMIT, rolls back: a write is all there or not there.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
