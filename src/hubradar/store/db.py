"""The local store: every listing ever fetched, as timestamped snapshots in SQLite.

One file in the platformdirs cache dir (or HUBRADAR_CACHE_DIR / --cache-dir), with the schema of
store.schema. Every write is one `BEGIN IMMEDIATE` transaction in WAL mode with a busy timeout, so
several hubradar processes can fetch and write at once. Every method below runs through the guard
of store.connection: a file found damaged on any read or write is moved aside (never deleted),
what still reads is kept in a new one (store.recovery), and the method runs again there.
Administration (what it holds, pruning) is store.admin.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from hubradar.core.errors import StoreError
from hubradar.core.memory import gc_paused
from hubradar.core.record import ModelRecord
from hubradar.core.snapshot import Snapshot, SnapshotInfo
from hubradar.core.time import from_iso, now_utc, to_iso
from hubradar.store.connection import BUSY_TIMEOUT, Connection, guarded
from hubradar.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "hubradar.sqlite"

# The numbers that move between snapshots live in snapshot_rows; the rest is deduplicated.
_MOVING = ("downloads", "downloads_all_time", "likes", "trending_score")


def default_cache_dir() -> Path:
    """HUBRADAR_CACHE_DIR, else the platform's user cache dir."""
    env = os.environ.get("HUBRADAR_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("hubradar", appauthor=False))


class Store(Connection):
    """A SQLite store of snapshots. Open with `Store.open(dir)`; usable as a context manager."""

    # --- opening and migrations -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        directory: Path | None = None,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        warn: Callable[[str], None] | None = None,
    ) -> Store:
        """Open (creating and migrating) the store in `directory`.

        Raises StoreError when the file belongs to a newer hubradar (before writing anything to
        it); raises sqlite3.DatabaseError when the file is not a readable database and OSError
        when the directory cannot be made (see `open_or_recover`). `warn` gets the notice of a
        file found damaged later (store.connection).
        """
        directory = directory or default_cache_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / DB_NAME
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            store = cls(conn, path, busy_timeout=busy_timeout, warn=warn)
            store._refuse_newer()
            conn.execute("PRAGMA foreign_keys = ON")
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _versions(self) -> set[int]:
        """The migrations applied so far (none in a new file)."""
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        ).fetchone()
        return {row[0] for row in self.conn.execute("SELECT version FROM migrations")} if exists else set()

    def _refuse_newer(self) -> None:
        """Read-only check: a newer hubradar's store must not be touched (not even its journal mode)."""
        newest = max(self._versions() | {self.conn.execute("PRAGMA user_version").fetchone()[0]})
        if newest > SCHEMA_VERSION:
            raise StoreError(
                f"the cache at {self.path} was written by a newer hubradar (schema {newest}, this one "
                f"knows {SCHEMA_VERSION}); upgrade hubradar or use --cache-dir elsewhere"
            )

    def _migrate(self) -> None:
        if {version for version, _, _ in MIGRATIONS} <= self._versions():
            return
        with self.transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TEXT NOT NULL)"
            )
            done = self._versions()  # again, under the write lock: another hubradar may have just migrated
            for version, name, sql in MIGRATIONS:
                if version in done:
                    continue
                # executescript would commit the open transaction; run statement by statement.
                for statement in filter(None, (s.strip() for s in sql.split(";"))):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, to_iso(now_utc())),
                )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing --------------------------------------------------------------------------

    def _model_ref(self, record: ModelRecord) -> int:
        import hashlib  # only writers hash; a cache hit does not pay for the import

        data = record.to_dict()
        for key in _MOVING:
            data.pop(key, None)
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha1(text.encode()).hexdigest()
        row = self.conn.execute("SELECT ref FROM models WHERE hash = ?", (digest,)).fetchone()
        if row:
            return row[0]
        cur = self.conn.execute(
            "INSERT INTO models (hash, model_id, data) VALUES (?, ?, ?)", (digest, record.id, text)
        )
        return int(cur.lastrowid or 0)

    @guarded
    def save_snapshot(
        self,
        query_key: str,
        query: dict,
        records: Sequence[ModelRecord],
        *,
        depth: int,
        fetched_at: datetime | None = None,
        source: str = "live",
        content_hash: str | None = None,
        complete: bool | None = None,
        snapshot_id: int | None = None,
    ) -> int:
        """Store one listing in one transaction; returns the snapshot id.

        `complete` says the Hub had no more rows than these (default: fewer rows than `depth`);
        `snapshot_id` keeps a salvaged snapshot's id (store.recovery).
        """
        fetched_at = fetched_at or now_utc()
        if complete is None:
            complete = len(records) < depth
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO snapshots (id, query_key, query_json, fetched_at, source, depth, row_count, "
                "complete, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    snapshot_id,
                    query_key,
                    json.dumps(query, sort_keys=True),
                    to_iso(fetched_at),
                    source,
                    depth,
                    len(records),
                    int(complete),
                    content_hash,
                ),
            )
            snapshot_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO snapshot_rows (snapshot_id, rank, model_ref, downloads, downloads_all_time, "
                "likes, trending_score) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        snapshot_id,
                        rank,
                        self._model_ref(r),
                        r.downloads,
                        r.downloads_all_time,
                        r.likes,
                        r.trending_score,
                    )
                    for rank, r in enumerate(records, start=1)
                ],
            )
        return snapshot_id

    # --- reading --------------------------------------------------------------------------

    @staticmethod
    def _info(row: Sequence) -> SnapshotInfo:
        with _decoding(f"snapshot {row[0]}"):
            return SnapshotInfo(
                id=row[0],
                query_key=row[1],
                query=json.loads(row[2]),
                fetched_at=from_iso(row[3]),
                source=row[4],
                depth=row[5],
                row_count=row[6],
                complete=bool(row[7]),
            )

    _INFO_COLUMNS = "id, query_key, query_json, fetched_at, source, depth, row_count, complete"

    @guarded
    def snapshots(self, query_key: str | None = None) -> list[SnapshotInfo]:
        """Snapshot headers, oldest first (all queries when `query_key` is None)."""
        sql = f"SELECT {self._INFO_COLUMNS} FROM snapshots"
        args: tuple = ()
        if query_key is not None:
            sql += " WHERE query_key = ?"
            args = (query_key,)
        return [self._info(r) for r in self.conn.execute(sql + " ORDER BY fetched_at, id", args)]

    @guarded
    def find(
        self,
        query_key: str,
        *,
        max_age: timedelta | None = None,
        rows: int = 0,
        now: datetime | None = None,
    ) -> SnapshotInfo | None:
        """The newest snapshot of the query that is fresh enough and deep enough.

        A snapshot is deep enough when it holds `rows` rows or the Hub had no more (complete).
        With `max_age` None any age will do (the offline fallback).
        """
        sql = f"SELECT {self._INFO_COLUMNS} FROM snapshots WHERE query_key = ? AND (depth >= ? OR complete)"
        args: list = [query_key, rows]
        if max_age is not None:
            sql += " AND fetched_at >= ?"
            args.append(to_iso((now or now_utc()) - max_age))
        row = self.conn.execute(sql + " ORDER BY fetched_at DESC, id DESC LIMIT 1", args).fetchone()
        return self._info(row) if row else None

    @guarded
    def nearest(
        self,
        query_key: str,
        moment: datetime,
        *,
        exclude_id: int | None = None,
        not_before: datetime | None = None,
    ) -> SnapshotInfo | None:
        """The snapshot of the query taken closest to `moment` (for movers --since).

        `exclude_id` leaves one snapshot out (movers compares the newest with the nearest *other*
        one); `not_before` only considers snapshots taken at or after it.
        """
        iso = to_iso(moment)
        floor = to_iso(not_before) if not_before else ""
        candidates = [
            self.conn.execute(
                f"SELECT {self._INFO_COLUMNS} FROM snapshots WHERE query_key = ? AND fetched_at {op} ? "
                f"AND fetched_at >= ? AND id IS NOT ? ORDER BY fetched_at {order}, id {order} LIMIT 1",
                (query_key, iso, floor, exclude_id),
            ).fetchone()
            for op, order in (("<=", "DESC"), (">", "ASC"))
        ]
        infos = [self._info(r) for r in candidates if r]
        return min(infos, key=lambda i: abs((i.fetched_at - moment).total_seconds()), default=None)

    @guarded
    def load(self, info: SnapshotInfo) -> Snapshot:
        """A snapshot's records in rank order."""
        rows = self.conn.execute(
            "SELECT m.data, r.downloads, r.downloads_all_time, r.likes, r.trending_score "
            "FROM snapshot_rows r JOIN models m ON m.ref = r.model_ref "
            "WHERE r.snapshot_id = ? ORDER BY r.rank",
            (info.id,),
        )
        records: list[ModelRecord] = []
        # One decoding guard for the whole loop, the moving numbers put into the stored fields before
        # the record is made (not `replace`d after), and the cyclic collector paused (records hold
        # no cycles; it would rescan them all as they pile up): 100,000 rows in half the time.
        with gc_paused(), _decoding(f"a row of snapshot {info.id}"):
            for data, downloads, all_time, likes, trending in rows:
                fields = json.loads(data)
                fields.update(downloads=downloads, downloads_all_time=all_time, likes=likes,
                              trending_score=trending)
                records.append(ModelRecord.from_dict(fields))
        return Snapshot(info, records)

    @guarded
    def series(
        self, query_key: str, model_ids: Sequence[str], since: datetime | None = None
    ) -> list[tuple[int, str, int, int | None, int | None, float | None, int | None]]:
        """Every stored row of these models in the query's snapshots, for `history`.

        (snapshot id, model id, rank, downloads, likes, trending score, all-time downloads), oldest
        snapshot first.
        CROSS JOIN fixes the join order (SQLite's rule): model index -> the model's rows ->
        their snapshots, so it costs the model's rows. Left to itself, without statistics, the
        planner walks every row of every snapshot of the query instead (2 s over a year of
        hourly snapshots of 1,000 models, against 0.025 s; benchmarks/bench_history.py).
        """
        marks = ",".join("?" * len(model_ids))
        sql = (
            "SELECT s.id, m.model_id, r.rank, r.downloads, r.likes, r.trending_score, r.downloads_all_time "
            "FROM models m "
            "CROSS JOIN snapshot_rows r ON r.model_ref = m.ref CROSS JOIN snapshots s ON s.id = r.snapshot_id "
            f"WHERE m.model_id IN ({marks}) AND s.query_key = ?"
        )
        args: list = [*model_ids, query_key]
        if since is not None:
            sql += " AND s.fetched_at >= ?"
            args.append(to_iso(since))
        return list(self.conn.execute(sql + " ORDER BY s.fetched_at, s.id, r.rank", args))

    @guarded
    def latest_models(self) -> dict[str, ModelRecord]:
        """The newest stored metadata of every model ever listed (moving numbers left unknown)."""
        rows = self.conn.execute(
            "SELECT model_id, data FROM models WHERE ref IN (SELECT MAX(ref) FROM models GROUP BY model_id)"
        )
        return {model_id: ModelRecord.from_dict(json.loads(data)) for model_id, data in rows}

    @guarded
    def summary(self) -> list[tuple[str, int, datetime, datetime, int]]:
        """Per query: (query key, snapshots, oldest, newest, most rows), most snapshots first."""
        rows = self.conn.execute(
            "SELECT query_key, COUNT(*), MIN(fetched_at), MAX(fetched_at), MAX(row_count) FROM snapshots "
            "GROUP BY query_key ORDER BY COUNT(*) DESC, query_key"
        )
        return [(key, count, from_iso(old), from_iso(new), depth) for key, count, old, new, depth in rows]

    @guarded
    def has_content(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM snapshots WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    # --- single-model lookups (model_info), cached with their own age ---------------------------

    @guarded
    def get_lookup(
        self, model_id: str, expand_key: str, max_age: timedelta, now: datetime | None = None
    ) -> tuple[bool, ModelRecord | None]:
        """(hit, record): a hit with record None means the Hub said the model does not exist."""
        row = self.conn.execute(
            "SELECT fetched_at, data FROM lookups WHERE model_id = ? AND expand_key = ?",
            (model_id, expand_key),
        ).fetchone()
        if not row:
            return False, None
        with _decoding(f"the lookup of {model_id}"):
            if from_iso(row[0]) < (now or now_utc()) - max_age:
                return False, None
            return True, (ModelRecord.from_dict(json.loads(row[1])) if row[1] else None)

    @guarded
    def put_lookups(self, expand_key: str, results: Sequence[tuple[str, ModelRecord | None]]) -> None:
        stamp = to_iso(now_utc())
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO lookups (model_id, expand_key, fetched_at, data) VALUES (?, ?, ?, ?)",
                [
                    (mid, expand_key, stamp, json.dumps(rec.to_dict()) if rec else None)
                    for mid, rec in results
                ],
            )

    @guarded
    def lookups_since(self, moment: datetime) -> int:
        """How many lookups were fetched from the Hub since `moment` (the request budget's ledger)."""
        row = self.conn.execute("SELECT COUNT(*) FROM lookups WHERE fetched_at >= ?", (to_iso(moment),)).fetchone()
        return int(row[0])


@contextlib.contextmanager
def _decoding(what: str) -> Iterator[None]:
    """Turn a stored value hubradar cannot decode into CorruptCache (handled like a damaged file)."""
    try:
        yield
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        from hubradar.store.recovery import CorruptCache  # only when a row is bad

        raise CorruptCache(f"{what} cannot be read ({type(err).__name__})") from err

