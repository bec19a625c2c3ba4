"""Bad data from the Hub: rows with nulls, wrong types, missing fields, unknown tags, bad ids and
duplicates are normalised or skipped with a count on stderr; a mostly broken listing is not cached."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import hub_models
from hubserver import Fault, StandInHub

GOOD = hub_models()[:4]

ODD_ROWS = [
    # nulls everywhere but the id
    {"id": "acme/nulls", "author": None, "downloads": None, "likes": None, "trendingScore": None, "tags": None,
     "pipeline_tag": None, "library_name": None, "createdAt": None, "safetensors": None, "cardData": None,
     "inferenceProviderMapping": None, "gated": None},
    # wrong types
    {"id": "acme/wrong-types", "downloads": "12", "likes": -3, "trendingScore": "high", "tags": "not-a-list",
     "pipeline_tag": 7, "createdAt": "yesterday", "safetensors": {"total": "many"}, "gguf": [1, 2],
     "cardData": {"base_model": 5}, "inferenceProviderMapping": "x", "gated": 1},
    # numbers no count can be: huge, fractional, NaN, infinite, superscript digits
    {"id": "acme/odd-numbers", "downloads": 10**30, "likes": 2.5e300, "trendingScore": float("nan"),
     "downloadsAllTime": "²", "safetensors": {"parameters": {}, "total": float("inf")}},
    # nothing but an id, and tags nobody has seen before
    {"id": "acme/bare"},
    {"id": "acme/new-tags", "tags": ["quantum-flux", "", None, 3, "license:who-knows", "quantum-flux"]},
    # rows that are not models at all: skipped and counted
    {"id": None, "downloads": 5},
    {"id": "acme/two\nlines"},
    {"id": "../../etc/passwd"},
    {"id": "acme/[bold]markup[/bold]"},
    {"downloads": 5},
    "just a string",
    None,
    [1, 2, 3],
]


def _serve(hub: StandInHub, rows: list, **fault) -> None:
    hub.inject(Fault(status=200, body=json.dumps(rows).encode(), **fault))


def _snapshot_count(cache: Path) -> int:
    path = cache / "hubradar.sqlite"
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
    finally:
        conn.close()


def test_odd_rows_are_normalised_and_unreadable_ones_skipped_with_a_count(run, hub: StandInHub) -> None:
    _serve(hub, GOOD + ODD_ROWS)
    result = run("trending", "--limit", "50", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["source"] == "live"
    rows = {r["id"]: r for r in payload["rows"]}
    assert set(rows) == {m["id"] for m in GOOD} | {"acme/nulls", "acme/wrong-types", "acme/odd-numbers",
                                                   "acme/bare", "acme/new-tags"}
    nulls = {key: rows["acme/nulls"][key] for key in ("id", "author", "task", "library", "params",
                                                       "trending_score", "downloads", "likes", "created_at", "tags")}
    assert nulls == {
        "id": "acme/nulls", "author": "acme", "task": None, "library": None, "params": None,
        "trending_score": None, "downloads": None, "likes": None, "created_at": None, "tags": [],
    }
    wrong = rows["acme/wrong-types"]
    assert (wrong["downloads"], wrong["likes"], wrong["trending_score"], wrong["task"]) == (12, None, None, None)
    assert (wrong["created_at"], wrong["tags"], wrong["params"]) == (None, [], None)
    odd = rows["acme/odd-numbers"]
    assert (odd["downloads"], odd["likes"], odd["trending_score"], odd["params"]) == (None, None, None, None)
    assert rows["acme/new-tags"]["tags"] == ["quantum-flux", "license:who-knows"]
    assert result.err.splitlines() == ["hubradar: skipped 8 unreadable rows from the Hub"]


def test_normalised_rows_are_cached_and_read_back_the_same(run, hub: StandInHub) -> None:
    _serve(hub, GOOD + ODD_ROWS)
    live = run("trending", "--limit", "50", "--format", "json").json()
    cached = run("trending", "--limit", "50", "--format", "json").json()
    assert cached["source"] == "cache"
    assert cached["rows"] == live["rows"]


def test_a_table_of_odd_rows_shows_unknowns_as_dashes(run, hub: StandInHub) -> None:
    _serve(hub, GOOD + ODD_ROWS)
    result = run("trending", "--limit", "50")
    assert result.code == 0
    line = next(line for line in result.out.splitlines() if "acme/nulls" in line)
    assert line.split()[-5:] == ["-", "-", "-", "-", "unknown-size"]  # likes, providers, age unknown; flagged


def test_a_mostly_unreadable_listing_is_not_cached_as_good(run, hub: StandInHub, _isolated: Path) -> None:
    assert run("trending", "--limit", "5").code == 0
    _serve(hub, [*GOOD[:1], None, "x", {"id": "bad id"}])
    result = run("trending", "--limit", "5", "--refresh", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert "3 unreadable rows out of 4" in result.err
    assert _snapshot_count(_isolated) == 1


def test_a_listing_of_nothing_readable_on_a_first_run_shows_the_bundled_snapshot(
    run, hub: StandInHub, _isolated: Path
) -> None:
    _serve(hub, [{"id": None}] * 20)
    result = run("trending", "--limit", "5", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    assert len(result.json()["rows"]) == 5
    assert _snapshot_count(_isolated) == 0


def test_an_empty_listing_is_a_real_answer(run, hub: StandInHub) -> None:
    result = run("trending", "--author", "nobody-has-this-name", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "live"
    assert result.json()["rows"] == []
    assert result.err == ""


def test_duplicate_ids_across_pages_are_skipped_and_counted(run, hub: StandInHub) -> None:
    first = hub_models()[:6]
    second = hub_models()[4:10]  # two rows moved down a page while we paged
    link = {"Link": f'<{hub.url}/api/models?page=2>; rel="next"'}
    _serve(hub, first, headers=link, query_contains="sort=")
    _serve(hub, second, query_contains="page=2")
    result = run("trending", "--limit", "50", "--format", "json")
    assert result.code == 0, result.err
    ids = [r["id"] for r in result.json()["rows"]]
    assert len(ids) == len(set(ids)) == 10
    assert set(ids) == {m["id"] for m in hub_models()[:10]}
    assert result.err.splitlines() == ["hubradar: skipped 2 duplicate rows from the Hub"]


def test_a_short_listing_with_skipped_rows_is_not_taken_for_the_whole_listing(run, hub: StandInHub) -> None:
    # 5 rows asked for, 5 sent, 1 unreadable: 4 rows, but the Hub has more. A later, deeper
    # request must go back to the Hub rather than take these 4 for everything there is.
    _serve(hub, [*GOOD, {"id": None}])
    assert run("trending", "--limit", "5").code == 0
    hub.reset_log()
    deeper = run("trending", "--limit", "10", "--format", "json")
    assert deeper.json()["source"] == "live"
    assert len(hub.listing_requests()) == 1
