"""A bad cache never costs the answer: damaged files are moved aside (kept) and rebuilt, locked or
unwritable ones are left alone with one warning, a newer hubradar's cache is refused untouched,
and several hubradar processes writing at once corrupt nothing."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, hub_models, quick_options
from hubradar.app.listing import get_listing
from hubradar.app.options import fetch_options
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord
from hubradar.store.db import Store
from hubradar.store.schema import MIGRATIONS
from hubserver import StandInHub

DB = "hubradar.sqlite"
TOP = ListingQuery(sort="downloads", limit=5)


def _asides(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm")))


def _snapshots(path: Path) -> list[tuple[int, int]]:
    """(row_count, rows actually stored) of every snapshot, oldest first."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT s.row_count, (SELECT COUNT(*) FROM snapshot_rows r WHERE r.snapshot_id = s.id) "
            "FROM snapshots s ORDER BY s.id"
        ).fetchall()
    finally:
        conn.close()


def _written(path: Path) -> int:
    """Snapshots in a cache another process is creating (0 until its tables exist)."""
    try:
        return len(_snapshots(path)) if path.exists() else 0
    except sqlite3.OperationalError:
        return 0


def _fingerprint(cache: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(cache.iterdir())}


def _big_cache(cache: Path) -> None:
    """A cache of a few MB: three deep snapshots of the `top` listing, as hubradar writes them."""
    records = [ModelRecord(id=f"org/model-{i}", downloads=10**6 - i, tags=tuple(f"tag-{j}" for j in range(15)))
               for i in range(3000)]
    with Store.open(cache) as store:
        for _ in range(3):
            store.save_snapshot(TOP.key(), TOP.describe(), records, depth=3000)


def _scribble(path: Path, start: float, share: float) -> None:
    """Overwrite `share` of the file from `start` (fractions of its size) with seeded noise."""
    size = path.stat().st_size
    noise = random.Random(6).randbytes(int(size * share))
    with path.open("r+b") as f:
        f.seek(int(size * start))
        f.write(noise)


# --- damaged files: moved aside, kept, rebuilt ------------------------------------------------


@pytest.mark.parametrize("damage", ["noise", "truncated", "empty-header", "text"])
def test_a_damaged_file_is_moved_aside_and_rebuilt(run, hub: StandInHub, _isolated: Path, damage: str) -> None:
    assert run("top", "--limit", "5").code == 0
    path = _isolated / DB
    if damage == "noise":
        path.write_bytes(random.Random(1).randbytes(40_000))
    elif damage == "truncated":
        _big_cache(_isolated)
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 3)
    elif damage == "empty-header":
        path.write_bytes(b"\0" * 100 + path.read_bytes()[100:])
    else:
        path.write_text("this is not a database\n")
    before = path.read_bytes()
    result = run("top", "--limit", "5", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "live"
    [warning] = result.err.splitlines()
    assert "damaged" in warning and "moved it to hubradar.sqlite.corrupt-" in warning
    [aside] = _asides(_isolated)
    assert aside.read_bytes() == before  # kept as it was
    assert _snapshots(path) == [(5, 5)]  # a new cache, holding this answer
    again = run("top", "--limit", "5", "--format", "json")
    assert again.json()["source"] == "cache" and again.err == ""


def test_damage_that_only_shows_on_a_later_read_is_caught_there(run, hub: StandInHub, _isolated: Path) -> None:
    _big_cache(_isolated)
    _scribble(_isolated / DB, start=0.3, share=0.5)
    with Store.open(_isolated):  # opens fine: the damage is deeper than the schema
        pass
    result = run("top", "--limit", "5", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["source"] == "live"
    [warning] = result.err.splitlines()
    assert "damaged" in warning and "malformed" in warning
    assert len(_asides(_isolated)) == 1
    assert _snapshots(_isolated / DB) == [(5, 5)]


def test_damage_found_while_saving_costs_nothing_but_the_old_file(run, hub: StandInHub, _isolated: Path) -> None:
    _big_cache(_isolated)
    _scribble(_isolated / DB, start=0.3, share=0.5)
    result = run("top", "--limit", "5", "--refresh", "--format", "json")  # no read: straight to the write
    assert result.code == 0, result.err
    assert result.json()["source"] == "live"
    assert "damaged" in result.err
    assert len(_asides(_isolated)) == 1
    assert _snapshots(_isolated / DB) == [(5, 5)]  # saved in the rebuilt cache


def test_a_row_hubradar_cannot_decode_counts_as_damage(run, hub: StandInHub, _isolated: Path) -> None:
    assert run("top", "--limit", "5").code == 0
    conn = sqlite3.connect(_isolated / DB)
    conn.execute("UPDATE models SET data = '{\"id\": ' WHERE ref = 1")
    conn.commit()
    conn.close()
    result = run("top", "--limit", "5", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "live"
    assert "cannot be read" in result.err and "moved it to" in result.err


def test_a_damaged_cache_still_lets_the_fallback_answer(run, dead_hub: str, _isolated: Path) -> None:
    _big_cache(_isolated)
    _scribble(_isolated / DB, start=0.3, share=0.5)
    result = run("top", "--limit", "5", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    lines = result.err.splitlines()
    assert len(lines) == 2 and "damaged" in lines[0] and "bundled" in lines[1]


# --- locked, unwritable: left alone, one warning ------------------------------------------------


@pytest.mark.parametrize(
    "hold",
    [
        ["PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE"],  # nobody else may even read: costs the cache
        ["BEGIN IMMEDIATE"],  # a writer mid-transaction: reads go on, the save is what waits and gives up
    ],
    ids=["exclusive", "writer"],
)
def test_a_cache_locked_by_another_process_costs_the_cache_not_the_answer(
    hub: StandInHub, _isolated: Path, hold: list[str]
) -> None:
    get_listing(TOP, quick_options(hub.url, [], _isolated))
    notices: list[str] = []
    holder = sqlite3.connect(_isolated / DB, isolation_level=None)
    try:
        for statement in hold:
            holder.execute(statement)
        options = quick_options(hub.url, notices, _isolated)
        options.cache_wait = 0.2
        listing = get_listing(TOP, options)
    finally:
        holder.close()
    assert listing.source == "live" and len(listing.records) == 5
    [warning] = notices
    assert "another process holds its lock" in warning and "running without a cache" in warning
    assert _asides(_isolated) == []  # left alone: it belongs to a live process
    assert _snapshots(_isolated / DB) == [(5, 5)]


@pytest.mark.parametrize("where", ["is-a-file", "under-a-file"])
def test_an_unwritable_cache_dir_gives_one_warning_and_runs_without_caching(
    run, hub: StandInHub, tmp_path: Path, where: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    cache = blocker if where == "is-a-file" else blocker / "cache"
    for _ in range(2):
        result = run("top", "--limit", "5", "--cache-dir", str(cache), "--format", "json")
        assert result.code == 0
        assert result.json()["source"] == "live"
        [warning] = result.err.splitlines()
        assert f"cache directory {cache} cannot be used" in warning and "running without a cache" in warning
        assert ("it is a file" if where == "is-a-file" else "Not a directory") in warning
    assert blocker.read_text() == "not a directory"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file modes apply to")
def test_a_read_only_cache_dir_gives_one_warning(run, hub: StandInHub, tmp_path: Path) -> None:
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        result = run("top", "--limit", "5", "--cache-dir", str(cache), "--format", "json")
    finally:
        cache.chmod(0o700)
    assert result.code == 0 and result.json()["source"] == "live"
    assert len(result.err.splitlines()) == 1 and "running without a cache" in result.err


# --- a newer hubradar's cache: refused, untouched -----------------------------------------------


def test_a_cache_from_a_newer_schema_is_refused_and_left_untouched(run, hub: StandInHub, _isolated: Path) -> None:
    assert run("top", "--limit", "5").code == 0
    conn = sqlite3.connect(_isolated / DB)
    conn.execute("INSERT INTO migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01T00:00:00Z')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = _fingerprint(_isolated)
    hub.reset_log()
    for args in (["top", "--limit", "5"], ["trending", "--offline"], ["top", "--refresh"]):
        result = run(*args)
        assert result.code == 1
        assert result.out == ""
        [line] = result.err.splitlines()
        assert "newer hubradar (schema 99" in line and "--cache-dir" in line
    assert _fingerprint(_isolated) == before
    assert hub.listing_requests() == []


# --- two processes at once ----------------------------------------------------------------------


def test_hubradar_processes_fetching_and_writing_at_once_corrupt_nothing(tmp_path: Path) -> None:
    base = hub_models()
    models = [dict(m, id=f"{m['id']}-{i}", downloads=m["downloads"] + i) for i in range(3) for m in base][:1500]
    server = StandInHub(models).serve()
    cache = tmp_path / "shared-cache"  # empty: the processes also race to create and migrate it
    gate = tmp_path / "go"
    env = dict(os.environ, HF_ENDPOINT=server.url, HUBRADAR_CACHE_DIR=str(cache))
    worker = str(Path(__file__).with_name("cli_worker.py"))
    jobs = [
        ["top", "--limit", "1500", "--refresh", "--format", "json"],
        ["top", "--limit", "1500", "--refresh", "--format", "json"],
        ["trending", "--limit", "1000", "--refresh", "--format", "json"],
    ]
    runs = 4
    try:
        procs = [subprocess.Popen([sys.executable, worker, str(gate), str(runs), *args], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args in jobs]
        gate.touch()
        outputs = [proc.communicate(timeout=300) for proc in procs]
    finally:
        server.close()
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert err == b"", err.decode()  # no lock timeouts, no migration races, no damage
        results = [json.loads(line) for line in out.decode().splitlines()]
        assert len(results) == runs
        assert all(r["code"] == 0 and r["source"] == "live" for r in results)
    conn = sqlite3.connect(cache / DB)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT version FROM migrations").fetchall() == [(v,) for v, _, _ in MIGRATIONS]
    finally:
        conn.close()
    stored = _snapshots(cache / DB)
    assert len(stored) == runs * len(jobs)
    assert sorted(stored) == sorted([(1500, 1500)] * runs * 2 + [(1000, 1000)] * runs)
    reread = get_listing(ListingQuery(sort="downloads", limit=1500), fetch_options(cache_dir=cache, offline=True))
    assert reread.source == "cache"
    assert len({r.id for r in reread.records}) == 1500


def test_a_hubradar_killed_mid_write_leaves_a_consistent_cache(run, tmp_path: Path, _isolated: Path) -> None:
    base = hub_models()
    models = [dict(m, id=f"{m['id']}-{i}", downloads=m["downloads"] + i) for i in range(3) for m in base][:1500]
    server = StandInHub(models).serve()
    gate = tmp_path / "go"
    gate.touch()
    env = dict(os.environ, HF_ENDPOINT=server.url, HUBRADAR_CACHE_DIR=str(_isolated))
    worker = str(Path(__file__).with_name("cli_worker.py"))
    try:
        proc = subprocess.Popen([sys.executable, worker, str(gate), "1000", "top", "--limit", "1500", "--refresh",
                                 "--format", "json"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(6000):  # until it has written twice: it is then somewhere in its next write
            if proc.poll() is not None or _written(_isolated / DB) >= 2:
                break
            time.sleep(0.01)
        proc.kill()
        proc.wait(60)
    finally:
        server.close()
    assert proc.returncode == -9
    conn = sqlite3.connect(_isolated / DB)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    stored = _snapshots(_isolated / DB)
    assert len(stored) >= 2 and all(rows == (1500, 1500) for rows in stored)  # all of a write, or none
    result = run("top", "--limit", "1500", "--offline", "--format", "json")
    assert result.code == 0 and result.err == ""
    assert result.json()["source"] == "cache" and len(result.json()["rows"]) == 1500


# --- the lookup cache (derivatives) -------------------------------------------------------------


def _serving(hub: StandInHub) -> dict[str, int | None]:
    """Serve the models that carry derivative counts; returns id -> childrenModelCount."""
    hub.models = json.loads((FIXTURES / "hub" / "serving-2026-08-21.json").read_text())
    return {m["id"]: m.get("childrenModelCount") for m in hub.models}


def test_a_damaged_lookup_row_costs_the_cache_not_the_derivatives(run, hub: StandInHub, _isolated: Path) -> None:
    children = _serving(hub)
    assert run("top", "--limit", "5", "--derivatives").code == 0
    conn = sqlite3.connect(_isolated / DB)
    conn.execute("UPDATE lookups SET data = '{\"id\": '")
    conn.commit()
    conn.close()
    result = run("top", "--limit", "5", "--derivatives", "--format", "json")
    assert result.code == 0, result.err
    assert [r["derivatives"] for r in result.json()["rows"]] == [children[r["id"]] for r in result.json()["rows"]]
    [warning] = result.err.splitlines()
    assert "cannot be read" in warning and "moved it to" in warning
    again = run("top", "--limit", "5", "--derivatives", "--format", "json")
    assert again.err == "" and again.json()["rows"] == result.json()["rows"]  # the rebuilt cache holds them


def test_a_locked_cache_costs_the_lookup_cache_not_the_derivatives(hub: StandInHub, _isolated: Path) -> None:
    from hubradar.app.lookups import with_derivatives

    children = _serving(hub)
    listing = get_listing(TOP, quick_options(hub.url, [], _isolated))
    notices: list[str] = []
    holder = sqlite3.connect(_isolated / DB, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        options = quick_options(hub.url, notices, _isolated)
        options.cache_wait = 0.2
        records = with_derivatives(listing.records, options)
    finally:
        holder.close()
    assert [r.children_count for r in records] == [children[r.id] for r in records]
    [warning] = notices
    assert "another process holds its lock" in warning
