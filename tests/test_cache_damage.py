"""Damage in the middle of a real cache (issue 18): every command moves the file aside, keeps what
still reads, and goes on.

The cache is what hubradar writes for a user: eight daily captures imported as the downloads
listing, then `trending`, `top` and `top --derivatives` fetched from the stand-in Hub. Random bytes
then cover pages 40-59 (the header intact), as a failing disk or a killed copy leaves a file. Each
command meets that damage first in a copy of its own. What it should keep is worked out here from
the damaged file with plain sqlite3 (a snapshot whose header, rows and model records all read),
not through hubradar.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES
from hubserver import StandInHub

DB = "hubradar.sqlite"
PAGE = 4096
DAYS = ("2026-08-07", "2026-08-09", "2026-08-11", "2026-08-13", "2026-08-15", "2026-08-17", "2026-08-19",
        "2026-08-21")
TEAM = str(FIXTURES / "scores" / "team-coding-2026.csv")


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A damaged multi-snapshot cache, made once by the real CLI."""
    from hubradar.cli.main import main

    cache = tmp_path_factory.mktemp("damaged")
    server = StandInHub(json.loads((FIXTURES / "hub" / "models-2026-08-21.json").read_text())).serve()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HUBRADAR_CACHE_DIR", str(cache))
        env.setenv("HF_ENDPOINT", server.url)
        env.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
        for var in ("HF_TOKEN", "HF_HUB_OFFLINE"):
            env.delenv(var, raising=False)
        try:
            for day in DAYS:
                _quiet(main, ["import", str(FIXTURES / "hub" / f"models-{day}.json"), "--at", f"{day}T19:00Z"])
            for args in (["trending"], ["top", "-n", "5", "--derivatives"]):
                _quiet(main, args)
        finally:
            server.close()
    path = cache / DB
    assert path.stat().st_size > 60 * PAGE
    with path.open("r+b") as f:
        f.seek(40 * PAGE)
        f.write(random.Random(18).randbytes(20 * PAGE))
    yield path


def _quiet(main, args: list[str]) -> None:
    try:
        main([*args, "--quiet"])
    except SystemExit as exit:
        assert exit.code in (0, None), args


def readable(path: Path) -> dict[int, tuple[str, int]]:
    """Snapshot id -> (query key, rows) for every snapshot of the file that still reads in full."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found: dict[int, tuple[str, int]] = {}
    try:
        for snapshot_id in readable_headers(path):
            try:
                key, count = conn.execute("SELECT query_key, row_count FROM snapshots WHERE id = ?",
                                          (snapshot_id,)).fetchone()
                rows = conn.execute("SELECT model_ref FROM snapshot_rows WHERE snapshot_id = ?",
                                    (snapshot_id,)).fetchall()
                for (ref,) in rows:
                    json.loads(conn.execute("SELECT data FROM models WHERE ref = ?", (ref,)).fetchone()[0])
            except (sqlite3.DatabaseError, TypeError, ValueError):
                continue
            if len(rows) == count:
                found[snapshot_id] = (key, count)
    finally:
        conn.close()
    return found


def stored(path: Path) -> dict[int, tuple[str, int]]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {i: (k, n) for i, k, n in conn.execute("SELECT id, query_key, row_count FROM snapshots")}
    finally:
        conn.close()


DOWNLOADS = json.dumps({"sort": "downloads"})
TOP_MODEL = "sentence-transformers/all-MiniLM-L6-v2"  # #1 of the downloads listing fetched live

COMMANDS = {  # trending and top fetch (--refresh): saving the answer meets the damage
    "trending": ["trending", "-n", "5", "--refresh", "--format", "json"],
    "top": ["top", "-n", "5", "--refresh", "--format", "json"],
    "gaps": ["gaps", "--scores", TEAM, "--format", "json"],
    "movers": ["movers", "--format", "json"],
    "history": ["history", TOP_MODEL, "--format", "json"],
    "export": ["export"],
    "cache info": ["cache", "info", "--format", "json"],
    "cache prune": ["cache", "prune", "--older-than", "3650d"],
    "report": ["report", "--limit", "5"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_over_a_cache_damaged_mid_file_moves_it_aside_and_goes_on(
    run, hub: StandInHub, damaged: Path, _isolated: Path, name: str
) -> None:
    _isolated.mkdir(parents=True, exist_ok=True)
    shutil.copy(damaged, _isolated / DB)
    before = (_isolated / DB).read_bytes()
    listed = readable_headers(_isolated / DB)
    kept = readable(_isolated / DB)
    assert len(listed) == 10  # eight imports, the trending and the downloads listings fetched live
    assert 0 < len(kept) < len(listed)

    result = run(*COMMANDS[name])

    assert "Traceback" not in result.err and "unexpected" not in result.err
    [notice] = [line for line in result.err.splitlines() if "damaged" in line]  # one notice
    assert "(database disk image is malformed); moved it to hubradar.sqlite.corrupt-" in notice
    lost = len(listed) - len(kept)
    assert notice.endswith(f"saved the {len(kept)} of its {len(listed)} snapshots that still read, {lost} lost")
    [aside] = [p for p in _isolated.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == before  # kept byte for byte
    now = stored(_isolated / DB)
    assert {i: now[i] for i in kept} == kept  # every snapshot that still read is there, with its id
    downloads = [i for i, (key, _) in kept.items() if key == DOWNLOADS]

    if name in ("movers", "history"):
        ok = len(downloads) >= (2 if name == "movers" else 1)
        assert result.code == (0 if ok else 1), result.err
    else:
        assert result.code == 0, result.err
    if name in ("trending", "top"):
        assert result.json()["source"] == "live" and len(result.json()["rows"]) == 5
    elif name == "gaps":
        assert result.json()["rows"]
    elif name == "movers" and len(downloads) < 2:
        assert "only one snapshot of the downloads listing" in result.err
    elif name == "history":
        assert len(result.json()["rows"]) == len(downloads)
    elif name == "export":
        assert [json.loads(line)["query_key"] for line in result.out.splitlines()] == [
            key for _, (key, _) in sorted(kept.items(), key=lambda item: item[0])]
    elif name == "cache info":
        assert result.json()["snapshots"] == len(kept)
    elif name == "cache prune":
        assert "removed 0 snapshots" in result.err and stored(_isolated / DB) == kept
    elif name == "report":
        assert "<html" in result.out[:500] and "</html>" in result.out


def readable_headers(path: Path) -> set[int]:
    """Every snapshot id the damaged file still lists (from either end of its table)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ids: set[int] = set()
    try:
        for sql in ("SELECT id FROM snapshots ORDER BY id", "SELECT id FROM snapshots ORDER BY id DESC"):
            try:
                for (snapshot_id,) in conn.execute(sql):
                    ids.add(snapshot_id)
            except sqlite3.DatabaseError:
                pass
    finally:
        conn.close()
    return ids
