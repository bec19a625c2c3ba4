"""The store on its own (store/): migrations, recovery from a damaged file, administration.

Real SQLite files in a temporary directory, driven through the store's own API; what is checked
is read back with plain sqlite3, not through the code under test.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubradar.core.errors import StoreError
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord
from hubradar.store.admin import cache_summary, existing_store, prune
from hubradar.store.connection import CacheUnusable
from hubradar.store.db import DB_NAME, Store
from hubradar.store.recovery import is_corrupt, open_or_recover
from hubradar.store.schema import MIGRATIONS, SCHEMA_VERSION

TOP = ListingQuery(sort="downloads")
TRENDING = ListingQuery(sort="trending")
DAY = datetime(2026, 8, 21, 19, tzinfo=UTC)


def records(n: int, start: int = 0) -> list[ModelRecord]:
    return [ModelRecord(id=f"org/model-{i}", downloads=10_000 - i, likes=i, trending_score=float(i % 7))
            for i in range(start, start + n)]


def save(store: Store, query: ListingQuery, rows: list[ModelRecord], at: datetime) -> int:
    return store.save_snapshot(query.key(), query.describe(), rows, depth=len(rows), fetched_at=at)


def plain(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


# --- migrations ---------------------------------------------------------------------------------


def test_a_new_store_records_every_migration_it_ran(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    ran = plain(tmp_path / DB_NAME, "SELECT version, name FROM migrations ORDER BY version")
    assert ran == [(version, name) for version, name, _ in MIGRATIONS]
    assert plain(tmp_path / DB_NAME, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    tables = {name for (name,) in plain(tmp_path / DB_NAME, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"snapshots", "models", "snapshot_rows", "lookups", "migrations"} <= tables


def test_opening_again_runs_no_migration_twice(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(3), DAY)
    with Store.open(tmp_path) as store:
        assert [i.row_count for i in store.snapshots()] == [3]
    assert plain(tmp_path / DB_NAME, "SELECT COUNT(*) FROM migrations") == [(len(MIGRATIONS),)]


def test_a_file_of_an_older_schema_is_migrated(tmp_path: Path) -> None:
    """A cache written before `snapshot lineage` (schema 1) gains the table, then stores and loads as before."""
    conn = sqlite3.connect(tmp_path / DB_NAME)
    version, name, sql = MIGRATIONS[0]
    conn.executescript(sql + "; CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       f"applied_at TEXT NOT NULL); INSERT INTO migrations VALUES ({version}, '{name}', 'then'); "
                       f"PRAGMA user_version = {version};")
    conn.close()
    with Store.open(tmp_path) as store:
        save(store, TOP, records(3), DAY)
    with Store.open(tmp_path) as store:
        assert [r.id for r in store.load(store.snapshots()[0]).records] == [r.id for r in records(3)]
    assert plain(tmp_path / DB_NAME, "SELECT version FROM migrations ORDER BY version") == [(1,), (2,)]
    assert plain(tmp_path / DB_NAME, "SELECT COUNT(*) FROM snapshot_lineage") == [(0,)]


@pytest.mark.parametrize("mark", ["migration", "user_version"])
def test_a_newer_schema_is_refused_before_anything_is_written(tmp_path: Path, mark: str) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(3), DAY)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    if mark == "migration":
        conn.execute("INSERT INTO migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01T00:00:00Z')")
    else:
        conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(tmp_path)
    with pytest.raises(StoreError, match=rf"newer hubradar \(schema 99, this one knows {SCHEMA_VERSION}\)"):
        Store.open(tmp_path)
    with pytest.raises(StoreError):  # the way commands open it refuses too: a rebuild would lose data
        open_or_recover(tmp_path, lambda message: None)
    assert digest(tmp_path) == before  # not even a journal-mode change or a -wal file


# --- recovery -----------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["noise", "text", "zeroed-header"])
def test_a_damaged_file_is_moved_aside_and_a_new_store_started(tmp_path: Path, damage: str) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(50), DAY)
    path = tmp_path / DB_NAME
    if damage == "noise":
        path.write_bytes(bytes(range(256)) * 64)
    elif damage == "text":
        path.write_text("this is not a database\n")
    else:
        path.write_bytes(b"\0" * 100 + path.read_bytes()[100:])
    before = path.read_bytes()
    warnings: list[str] = []
    store = open_or_recover(tmp_path, warnings.append)
    assert store is not None
    with store:
        assert store.snapshots() == []  # a new, empty store in its place
        save(store, TOP, records(2), DAY)
    [warning] = warnings
    assert "was damaged" in warning and "moved it to hubradar.sqlite.corrupt-" in warning
    [aside] = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside.read_bytes() == before  # kept byte for byte, never deleted
    assert plain(path, "SELECT row_count FROM snapshots") == [(2,)]


def test_a_store_that_cannot_be_made_is_one_warning_and_no_store(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    warnings: list[str] = []
    assert open_or_recover(blocker / "cache", warnings.append) is None
    [warning] = warnings
    assert "cannot be used" in warning and "running without a cache" in warning
    assert blocker.read_text() == "not a directory"


def test_damage_and_other_faults_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_text("this is not a database\n")
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as damaged:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert is_corrupt(damaged.value)
    with Store.open(tmp_path, busy_timeout=0.1) as store:
        save(store, TOP, records(3), DAY)
        holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(CacheUnusable, match="another process holds its lock"):
                save(store, TOP, records(1), DAY)
        finally:
            holder.close()
        with pytest.raises(CacheUnusable):  # given up for the rest of the command, not retried per call
            store.snapshots()
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name] == []  # a lock is left alone
    assert plain(tmp_path / DB_NAME, "SELECT row_count FROM snapshots") == [(3,)]


def _five_snapshots(directory: Path) -> tuple[list[list[ModelRecord]], int]:
    """Five snapshots of models of their own; returns their records and a data page of the third's only."""
    written: list[list[ModelRecord]] = []
    spans = []
    with Store.open(directory) as store:
        for day in range(5):
            before = store.conn.execute("PRAGMA page_count").fetchone()[0]
            rows = records(300, start=1000 * day)
            save(store, TOP, rows, DAY - timedelta(days=4 - day))
            written.append(rows)
            spans.append((before, store.conn.execute("PRAGMA page_count").fetchone()[0]))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    first, last = spans[2]
    leaves = plain(directory / DB_NAME, f"SELECT pageno FROM dbstat WHERE name = 'models' AND pagetype = 'leaf' "
                   f"AND pageno > {first} AND pageno <= {last} ORDER BY pageno")
    return written, leaves[len(leaves) // 2][0]


def _scribble_page(path: Path, page: int) -> None:
    with path.open("r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(b"\xa5" * 4096)


def test_damage_found_by_a_later_read_keeps_every_snapshot_that_still_reads(tmp_path: Path) -> None:
    written, page = _five_snapshots(tmp_path)
    _scribble_page(tmp_path / DB_NAME, page)
    warnings: list[str] = []
    store = open_or_recover(tmp_path, warnings.append)
    assert store is not None and warnings == []  # it opens: the damage is deeper
    with store:
        infos = store.snapshots()
        assert len(infos) == 5
        loaded = store.load(infos[2])  # the read that meets the damage: rebuilt, and run again on the new file
        assert loaded.records == []  # the third snapshot is gone with its page
        [warning] = warnings
        assert "was damaged (database disk image is malformed)" in warning
        assert warning.endswith("saved the 4 of its 5 snapshots that still read, 1 lost")
        assert [i.id for i in store.snapshots()] == [infos[i].id for i in (0, 1, 3, 4)]  # ids kept
        for i in (0, 1, 3, 4):
            assert store.load(infos[i]).records == written[i]  # exactly as written
            assert store.snapshots()[(0, 1, 3, 4).index(i)] == infos[i]
    [aside] = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert plain(aside, "SELECT COUNT(*) FROM snapshots") == [(5,)]  # the old file is kept as it was
    assert plain(tmp_path / DB_NAME, "PRAGMA integrity_check") == [("ok",)]


def test_a_use_case_is_run_again_when_the_file_is_rebuilt_under_it(tmp_path: Path) -> None:
    _, page = _five_snapshots(tmp_path)
    _scribble_page(tmp_path / DB_NAME, page)
    warnings: list[str] = []
    with Store.open(tmp_path, warn=warnings.append) as store:
        sizes = store.consistent(lambda s: [len(s.load(info).records) for info in s.snapshots()])
    assert sizes == [300, 300, 300, 300]  # one consistent answer from the new file, not 5 reads of two files
    assert len(warnings) == 1 and store.rebuilds == 1


def test_a_write_that_meets_the_damage_is_saved_in_the_new_file(tmp_path: Path) -> None:
    _, page = _five_snapshots(tmp_path)
    _scribble_page(tmp_path / DB_NAME, page)
    warnings: list[str] = []
    with Store.open(tmp_path, warn=warnings.append) as store:
        store.save_snapshot(TOP.key(), TOP.describe(), records(300, start=2000), depth=300)  # the third's models
    assert len(warnings) == 1
    assert [n for (n,) in plain(tmp_path / DB_NAME, "SELECT row_count FROM snapshots ORDER BY id")] == [300] * 5


# --- administration -----------------------------------------------------------------------------


def test_the_summary_counts_snapshots_listings_and_distinct_models(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for day in range(3):
            save(store, TOP, records(20, start=day), DAY - timedelta(days=day))
        save(store, TRENDING, records(5), DAY)
        summary = cache_summary(store)
    assert summary.path == tmp_path / DB_NAME
    assert summary.snapshots == 4 and summary.models == 22  # models 0..21 across the three days
    assert (summary.oldest, summary.newest) == (DAY - timedelta(days=2), DAY)
    by_label = {q.label: q for q in summary.queries}
    assert set(by_label) == {"downloads", "trending"}
    assert (by_label["downloads"].snapshots, by_label["downloads"].rows) == (3, 20)
    assert summary.size_bytes >= (tmp_path / DB_NAME).stat().st_size


def test_existing_store_never_creates_one(tmp_path: Path) -> None:
    assert existing_store(tmp_path / "nowhere", lambda message: None) is None
    assert not (tmp_path / "nowhere").exists()


def test_prune_drops_old_snapshots_and_the_models_only_they_held(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(2000), DAY - timedelta(days=100))  # old: models 0..1999
        save(store, TOP, records(10), DAY)  # new: models 0..9
        result = prune(store, timedelta(days=30), now=DAY)
        assert [i.fetched_at for i in store.snapshots()] == [DAY]
    assert result.removed == 1 and result.cutoff == DAY - timedelta(days=30)
    assert plain(tmp_path / DB_NAME, "SELECT COUNT(*) FROM models") == [(10,)]
    assert result.compacted and result.size_after < result.size_before  # most of the file was free
    assert plain(tmp_path / DB_NAME, "PRAGMA integrity_check") == [("ok",)]


def test_prune_with_nothing_old_changes_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(10), DAY)
        result = prune(store, timedelta(days=30), now=DAY)
    assert (result.removed, result.compacted) == (0, False)
    assert plain(tmp_path / DB_NAME, "SELECT COUNT(*) FROM snapshots") == [(1,)]


def test_a_command_that_needs_the_store_is_told_why_it_cannot_have_it(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        save(store, TOP, records(3), DAY)
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    warnings: list[str] = []
    try:
        assert open_or_recover(tmp_path, warnings.append, busy_timeout=0.1) is None  # a listing goes on without
        with pytest.raises(CacheUnusable, match=r"cannot be used \(another process holds its lock"):
            open_or_recover(tmp_path, warnings.append, busy_timeout=0.1, required=True)
    finally:
        holder.close()
    [warning] = warnings
    assert warning.endswith("; running without a cache")
