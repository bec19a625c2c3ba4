"""History end to end: real daily captures imported with `hubradar import`, then movers, history,
export, cache info/prune; `record` against the stand-in Hub.

Expected numbers are computed here from the capture files themselves (ranked by downloads the
way the Hub ranks a listing), never from hubradar's own code.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import FIXTURES, hub_models
from hubserver import Fault, StandInHub


def capture(day: str) -> Path:
    return FIXTURES / "hub" / f"models-{day}.json"


def import_days(run, *days: str) -> None:
    for day in days:
        result = run("import", str(capture(day)), "--at", f"{day}T19:00Z")
        assert result.code == 0, result.err


def ranked(day: str) -> list[dict]:
    """A capture ranked by downloads, ties in file order (what a downloads listing is)."""
    return sorted(hub_models(day), key=lambda m: m.get("downloads") or 0, reverse=True)


def in_task(model: dict, task: str) -> bool:
    """The Hub's `pipeline_tag=` filter, which hubradar's local filter follows: the field, not the tags.

    (tencent/Hy-MT2-1.8B in the 2026-08-21 capture is tagged text-generation but its pipeline tag is
    translation: the Hub does not list it under text-generation, so neither does `movers --task`.)
    """
    return model.get("pipeline_tag") == task


def snapshot_count(cache: Path) -> int:
    path = cache / "hubradar.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


# --- movers -----------------------------------------------------------------------------------


def test_movers_between_two_imported_days_matches_the_captures(run) -> None:
    import_days(run, "2026-08-15", "2026-08-21")
    result = run("movers", "--since", "2026-08-15", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["from"] == "2026-08-15T19:00:00Z"
    assert payload["to"] == "2026-08-21T19:00:00Z"

    old, new = ranked("2026-08-15"), ranked("2026-08-21")
    depth = min(len(old), len(new))
    old_rank = {m["id"]: i for i, m in enumerate(old, start=1)}
    new_rank = {m["id"]: i for i, m in enumerate(new, start=1)}
    old_top = {m for m, r in old_rank.items() if r <= depth}
    new_top = {m for m, r in new_rank.items() if r <= depth}
    rows = {r["id"]: r for r in payload["rows"]}
    assert payload["compared_ranks"] == depth
    assert set(rows) == old_top | new_top
    assert {i for i, r in rows.items() if r["status"] == "new"} == new_top - old_top
    assert {i for i, r in rows.items() if r["status"] == "dropped"} == old_top - new_top
    assert {i for i, r in rows.items() if r["status"] == "moved"} == old_top & new_top

    # The launch of the period: Qwen3.8-27B climbs, with its numbers straight from the captures.
    before = next(m for m in old if m["id"] == "Qwen/Qwen3.8-27B")
    after = next(m for m in new if m["id"] == "Qwen/Qwen3.8-27B")
    assert rows["Qwen/Qwen3.8-27B"] == {
        "id": "Qwen/Qwen3.8-27B",
        "status": "moved",
        "rank": new_rank["Qwen/Qwen3.8-27B"],
        "previous_rank": old_rank["Qwen/Qwen3.8-27B"],
        "rank_change": old_rank["Qwen/Qwen3.8-27B"] - new_rank["Qwen/Qwen3.8-27B"],
        "likes_gained": after["likes"] - before["likes"],
        # The captures have no downloadsAllTime: the change in the 30-day window, and it says so.
        "downloads_change": after["downloads"] - before["downloads"],
        "downloads_basis": "30-day window",
        "trending_change": after["trendingScore"] - before["trendingScore"],
        "downloads": after["downloads"],
        "likes": after["likes"],
        "trending_score": after["trendingScore"],
    }
    dropped = next(r for r in payload["rows"] if r["status"] == "dropped")
    assert dropped["rank"] is None and dropped["rank_change"] is None and dropped["likes_gained"] is None
    # A row with one side shows its numbers where it is ranked: the older snapshot for a drop-out,
    # the newer for a new entrant.
    was = next(m for m in old if m["id"] == dropped["id"])
    assert (dropped["downloads"], dropped["likes"]) == (was.get("downloads"), was.get("likes"))
    entrant = next(r for r in payload["rows"] if r["status"] == "new" and r["previous_rank"] is None)
    now = next(m for m in new if m["id"] == entrant["id"])
    assert (entrant["downloads"], entrant["likes"]) == (now.get("downloads"), now.get("likes"))

    # Sorted by places gained, a side outside the compared ranks counting as one past the last.
    def gained(row: dict) -> int:
        return (row["previous_rank"] or depth + 1) - (row["rank"] or depth + 1)

    gains = [gained(r) for r in payload["rows"]]
    assert gains == sorted(gains, reverse=True)
    assert gains[0] > 0 > gains[-1]


def test_movers_table_names_both_snapshots_and_the_gap(run) -> None:
    import_days(run, "2026-08-15", "2026-08-21")
    result = run("movers", "--since", "2026-08-15", "--limit", "5")
    assert result.code == 0, result.err
    assert "2026-08-15 19:00 → 2026-08-21 19:00 UTC (6d apart)" in result.out
    assert "Rising" in result.out and "Falling" in result.out and "Dropped out of the top" in result.out
    assert "unsloth/Qwen3.8-27B-GGUF" in result.out  # the biggest climber of that week
    new_section = result.out.split("New in the top")[1].split("Falling")[0]
    krea = next(line for line in new_section.splitlines() if "Comfy-Org/Krea-2" in line)
    assert krea.split()[-3:] != ["-", "-", "-"]  # its numbers at the newer snapshot, not dashes
    assert result.err == ""


def test_movers_duration_counts_back_from_the_newest_snapshot(run) -> None:
    import_days(run, "2026-08-07", "2026-08-14", "2026-08-21")
    week = run("movers", "--format", "json")  # default --since 7d
    assert (week.json()["from"], week.json()["to"]) == ("2026-08-14T19:00:00Z", "2026-08-21T19:00:00Z")
    fortnight = run("movers", "--since", "14d", "--format", "json")
    assert fortnight.json()["from"] == "2026-08-07T19:00:00Z"
    # A day with no snapshot: the nearest one, and a notice saying so.
    far = run("movers", "--since", "2026-08-01", "--format", "json")
    assert far.code == 0 and far.json()["from"] == "2026-08-07T19:00:00Z"
    assert "no snapshot near --since 2026-08-01" in far.err


def test_movers_with_too_few_snapshots_says_how_to_get_them(run, _isolated: Path) -> None:
    empty = run("movers")
    assert empty.code == 1
    assert "hubradar record" in empty.err and "hubradar import" in empty.err
    assert len(empty.err.strip().splitlines()) == 1
    assert not (_isolated / "hubradar.sqlite").exists()  # reading never creates a store

    import_days(run, "2026-08-21")
    one = run("movers")
    assert one.code == 1
    assert "only one snapshot" in one.err and "2026-08-21 19:00" in one.err and "hubradar record" in one.err


def test_movers_for_a_task_filters_the_unfiltered_history(run) -> None:
    import_days(run, "2026-08-15", "2026-08-21")
    result = run("movers", "--task", "text-generation", "--since", "2026-08-15", "--format", "json")
    assert result.code == 0, result.err
    models = {m["id"]: m for day in ("2026-08-15", "2026-08-21") for m in hub_models(day)}
    rows = result.json()["rows"]
    assert rows and all(in_task(models[r["id"]], "text-generation") for r in rows)
    expected = [m["id"] for m in ranked("2026-08-21") if in_task(m, "text-generation")]
    listed = sorted((r for r in rows if r["rank"] is not None), key=lambda r: r["rank"])
    assert [r["id"] for r in listed if r["rank"] <= result.json()["compared_ranks"]] == \
        expected[: result.json()["compared_ranks"]]
    assert "filtered locally" in result.err


def test_movers_grouped_by_family_sums_the_members(run) -> None:
    import_days(run, "2026-08-15", "2026-08-21")
    result = run("movers", "--group", "family", "--since", "2026-08-15", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["group"] == "family"
    family = next(r for r in payload["rows"] if r["id"] == "Qwen/Qwen3.6-27B")
    # unsloth's GGUF declares `base_model:quantized:Qwen/Qwen3.6-27B`: the same weights, one family.
    assert {"Qwen/Qwen3.6-27B", "unsloth/Qwen3.6-27B-MTP-GGUF"} <= set(family["members"])
    assert all(r["id"] != "unsloth/Qwen3.6-27B-MTP-GGUF" for r in payload["rows"])
    depth = min(len(ranked("2026-08-15")), len(ranked("2026-08-21")))

    def family_downloads(day: str) -> int:
        return sum(m["downloads"] for m in ranked(day)[:depth] if m["id"] in family["members"])

    assert family["downloads_change"] == family_downloads("2026-08-21") - family_downloads("2026-08-15")


# --- history ----------------------------------------------------------------------------------


def test_history_of_a_launch_follows_the_captures(run) -> None:
    days = ("2026-08-07", "2026-08-15", "2026-08-18", "2026-08-21")
    import_days(run, *days)
    result = run("history", "Qwen/Qwen3.8-27B", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["id"] == "Qwen/Qwen3.8-27B"
    assert [r["fetched_at"] for r in payload["rows"]] == [f"{d}T19:00:00Z" for d in days]
    previous: dict | None = None
    for day, row in zip(days, payload["rows"], strict=True):
        listing = ranked(day)
        found = [(i, m) for i, m in enumerate(listing, start=1) if m["id"] == "Qwen/Qwen3.8-27B"]
        if not found:  # not yet released on 08-07: unknown, not zero
            assert row == {"fetched_at": f"{day}T19:00:00Z", "rank": None, "downloads": None, "likes": None,
                           "trending_score": None, "downloads_all_time": None, "downloads_since_previous": None,
                           "downloads_basis": None}
            continue
        [(position, model)] = found
        assert row["rank"] == position
        assert (row["downloads"], row["likes"], row["trending_score"]) == (
            model["downloads"], model["likes"], model.get("trendingScore", 0.0))
        # No downloadsAllTime in these captures: since the previous snapshot is the 30-day window's change.
        assert row["downloads_all_time"] is None
        if previous is None:
            assert (row["downloads_since_previous"], row["downloads_basis"]) == (None, None)
        else:
            assert row["downloads_since_previous"] == model["downloads"] - previous["downloads"]
            assert row["downloads_basis"] == "30-day window"
        previous = model
    first = next(m for m in hub_models(days[1]) if m["id"] == "Qwen/Qwen3.8-27B")
    last = next(m for m in hub_models(days[-1]) if m["id"] == "Qwen/Qwen3.8-27B")
    assert (payload["downloads_between"], payload["downloads_basis"]) == (
        last["downloads"] - first["downloads"], "30-day window")


def test_history_table_has_sparklines_and_the_plot_draws_a_chart(run) -> None:
    import_days(run, "2026-08-14", "2026-08-17", "2026-08-21")
    table = run("history", "qwen/qwen3.8-27b")  # ids are matched without case, as on the Hub
    assert table.code == 0, table.err
    assert "History of Qwen/Qwen3.8-27B" in table.out
    assert any(block in table.out for block in "▁▂▃▄▅▆▇") and "█" in table.out
    downloads = [m["downloads"] for d in ("2026-08-14", "2026-08-17", "2026-08-21")
                 for m in hub_models(d) if m["id"] == "Qwen/Qwen3.8-27B"]
    assert downloads == sorted(downloads) and "1.7M" in table.out
    plotted = run("history", "Qwen/Qwen3.8-27B", "--plot")
    assert plotted.code == 0
    chart = plotted.out[len(table.out):]
    assert "downloads (30d) — Qwen/Qwen3.8-27B" in chart and "└" in chart and "┤" in chart
    assert "2026-08-14 19:00" in chart and "2026-08-21 19:00" in chart


def test_history_plot_marks_the_range_on_its_axis(run) -> None:
    import_days(run, "2026-08-14", "2026-08-21")
    out = run("history", "Qwen/Qwen3.8-27B", "--plot").out
    rank_chart = out.split("rank — Qwen/Qwen3.8-27B\n")[1].splitlines()
    best = min(i for i, m in enumerate(ranked("2026-08-21"), start=1) if m["id"] == "Qwen/Qwen3.8-27B")
    worst = next(i for i, m in enumerate(ranked("2026-08-14"), start=1) if m["id"] == "Qwen/Qwen3.8-27B")
    assert rank_chart[0].lstrip().startswith(f"#{best} ┤")  # the best rank is drawn at the top
    assert rank_chart[7].lstrip().startswith(f"#{worst} ┤")


def test_history_of_a_family_sums_members_and_keeps_the_best_rank(run) -> None:
    import_days(run, "2026-08-15", "2026-08-21")
    result = run("history", "unsloth/Qwen3.6-27B-MTP-GGUF", "--group", "family", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["id"] == "Qwen/Qwen3.6-27B"
    members = set(payload["members"])
    assert {"Qwen/Qwen3.6-27B", "unsloth/Qwen3.6-27B-MTP-GGUF"} <= members
    for row, day in zip(payload["rows"], ("2026-08-15", "2026-08-21"), strict=True):
        listed = [(i, m) for i, m in enumerate(ranked(day), start=1) if m["id"] in members]
        assert row["listed"] == len(listed)
        assert row["best_rank"] == min(i for i, _ in listed)
        assert row["downloads"] == sum(m["downloads"] for _, m in listed)


def test_history_of_a_missing_model_is_one_line_and_exit_1(run, _isolated: Path) -> None:
    import_days(run, "2026-08-21")
    result = run("history", "Qwen/Qwen3.8-27B-FP9")
    assert result.code == 1
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "Qwen/Qwen3.8-27B-FP8" in result.err  # the closest stored ids are suggested
    assert snapshot_count(_isolated) == 1
    # A listing that never held it: the answer says which stored listings do.
    run("import", str(capture("2026-08-21")), "--at", "2026-08-21T19:00Z", "--query", "likes task=text-to-image")
    elsewhere = run("history", "Qwen/Qwen3.8-27B", "--sort", "likes", "--task", "text-to-image")
    assert elsewhere.code == 1
    assert "no stored snapshot of the likes listing (task=text-to-image); it is in: downloads" in elsewhere.err


# --- import and export ------------------------------------------------------------------------


def test_importing_the_same_content_twice_does_not_duplicate_it(run, _isolated: Path) -> None:
    import_days(run, "2026-08-21")
    again = run("import", str(capture("2026-08-21")), "--at", "2026-08-21T19:00Z")
    assert again.code == 0 and "already imported" in again.err
    other_time = run("import", str(capture("2026-08-21")), "--at", "2026-08-20")
    assert other_time.code == 0 and "already imported" in other_time.err
    assert snapshot_count(_isolated) == 1
    # The same file as a different listing is a different snapshot.
    trending = run("import", str(capture("2026-08-21")), "--at", "2026-08-21T19:00Z", "--query", "trending")
    assert trending.code == 0 and "imported" in trending.err and "already" not in trending.err
    assert snapshot_count(_isolated) == 2


def test_import_ranks_and_filters_by_the_named_listing(run) -> None:
    result = run("import", str(capture("2026-08-21")), "--at", "2026-08-21T19:00Z",
                 "--query", "trending task=text-generation")
    assert result.code == 0, result.err
    assert "left out" in result.err  # the other tasks' rows
    lines = run("export", "--query", "trending task=text-generation").out.splitlines()
    [snapshot] = [json.loads(line) for line in lines]
    assert snapshot["query"] == "trending task=text-generation"
    expected = sorted((m for m in hub_models() if in_task(m, "text-generation")),
                      key=lambda m: m.get("trendingScore", 0), reverse=True)
    assert [r["id"] for r in snapshot["rows"]] == [m["id"] for m in expected]
    assert [r["rank"] for r in snapshot["rows"]] == list(range(1, len(expected) + 1))


@pytest.mark.parametrize(
    ("content", "args", "needle"),
    [
        ("not json at all", [], "not JSON"),
        ('{"models": []}', [], "not a Hub-shaped list"),
        ('[{"name": "x"}, 3]', [], "no model with a readable id"),
        ('[{"id": "a/b"}]', [], "'downloads'"),
        ("[]", ["--at", "2999-01-01"], "in the future"),
        ("[]", ["--at", "last tuesday"], "--at"),
        ("[]", ["--query", "popularity"], "--query"),
        ("[]", ["--query", "downloads colour=red"], "--query"),
    ],
)
def test_bad_import_is_one_line_exit_2_and_leaves_the_store_alone(
    run, tmp_path: Path, _isolated: Path, content: str, args: list[str], needle: str
) -> None:
    import_days(run, "2026-08-21")
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    at = [] if "--at" in args else ["--at", "2026-08-20"]
    result = run("import", str(bad), *at, *args)
    assert result.code == 2
    assert needle in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert snapshot_count(_isolated) == 1


def test_bad_input_before_any_store_creates_nothing(run, tmp_path: Path, _isolated: Path) -> None:
    missing = run("import", str(tmp_path / "nope.json"), "--at", "2026-08-20")
    assert missing.code == 2 and "cannot read" in missing.err
    assert run("movers", "--since", "whenever").code == 2
    assert run("movers", "--since", "2999-01-01").code == 2
    assert not (_isolated / "hubradar.sqlite").exists()


def test_import_reads_gzip(run, tmp_path: Path) -> None:
    import gzip

    packed = tmp_path / "models.json.gz"
    packed.write_bytes(gzip.compress(capture("2026-08-21").read_bytes()))
    assert run("import", str(packed), "--at", "2026-08-21T19:00Z").code == 0
    assert run("cache", "info", "--format", "json").json()["snapshots"] == 1


def test_export_writes_one_snapshot_a_line(run, tmp_path: Path) -> None:
    import_days(run, "2026-08-14", "2026-08-21")
    lines = run("export").out.splitlines()
    snapshots = [json.loads(line) for line in lines]
    assert [s["fetched_at"] for s in snapshots] == ["2026-08-14T19:00:00Z", "2026-08-21T19:00:00Z"]
    assert snapshots[1]["source"] == "import" and snapshots[1]["query"] == "downloads"
    assert [r["id"] for r in snapshots[1]["rows"]] == [m["id"] for m in ranked("2026-08-21")]
    top = snapshots[1]["rows"][0]
    assert top["downloads"] == ranked("2026-08-21")[0]["downloads"] and top["rank"] == 1
    out = tmp_path / "last.jsonl"
    written = run("export", "--since", "3d", "--output", str(out))
    assert written.code == 0 and "wrote 1 snapshot" in written.err
    assert [json.loads(line)["fetched_at"] for line in out.read_text().splitlines()] == ["2026-08-21T19:00:00Z"]


# --- the cache --------------------------------------------------------------------------------


def test_cache_info_reports_where_how_big_and_what(run, _isolated: Path) -> None:
    nothing = run("cache", "info")
    assert nothing.code == 0 and "no cache" in nothing.err
    import_days(run, "2026-08-14", "2026-08-21")
    run("import", str(capture("2026-08-21")), "--at", "2026-08-21T19:00Z", "--query", "likes")
    info = run("cache", "info", "--format", "json").json()
    assert info["path"] == str(_isolated / "hubradar.sqlite")
    assert info["size_bytes"] > 0 and info["snapshots"] == 3
    assert (info["oldest"], info["newest"]) == ("2026-08-14T19:00:00Z", "2026-08-21T19:00:00Z")
    assert {r["query"]: r["snapshots"] for r in info["rows"]} == {"downloads": 2, "likes": 1}
    table = run("cache", "info").out
    assert str(_isolated) in table.replace("\n", "") and "downloads" in table


@pytest.mark.parametrize("where", ["is-a-file", "under-a-file"])
def test_cache_info_on_a_folder_that_cannot_hold_a_cache_says_why(run, tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    cache = blocker if where == "is-a-file" else blocker / "cache"
    for args in (["cache", "info"], ["cache", "prune", "--older-than", "1d"]):
        result = run(*args, "--cache-dir", str(cache))
        assert result.code == 0
        [line] = result.err.splitlines()
        assert f"no cache at {cache / 'hubradar.sqlite'}, and none can be made there ({blocker} is a file" in line
        assert "creates it" not in line and "--cache-dir or HUBRADAR_CACHE_DIR" in line
    assert blocker.read_text() == "not a folder"


def test_a_locked_cache_stops_a_history_command_with_why(run, _isolated: Path) -> None:
    import_days(run, "2026-08-14", "2026-08-21")
    holder = sqlite3.connect(_isolated / "hubradar.sqlite", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("movers")
    finally:
        holder.close()
    assert result.code == 1
    [line] = result.err.splitlines()  # not "no snapshots stored yet": there are, and it says why it cannot read them
    assert "cannot be used (another process holds its lock" in line and "no snapshots" not in line


def test_messages_count_one_thing_in_the_singular(run, tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps([hub_models()[0], {"id": None}]))
    result = run("import", str(one), "--at", "2026-08-21T19:00Z")
    assert result.code == 0, result.err
    assert "imported 1 model from one.json" in result.err and "(1 unreadable or duplicate row skipped)" in result.err
    written = run("export", "--output", str(tmp_path / "out.jsonl"))
    assert "wrote 1 snapshot to" in written.err


def test_prune_drops_old_snapshots_and_what_only_they_held(run, _isolated: Path) -> None:
    import_days(run, "2026-08-07", "2026-08-14", "2026-08-21")
    only_early = {m["id"] for m in hub_models("2026-08-07")} - {
        m["id"] for d in ("2026-08-14", "2026-08-21") for m in hub_models(d)}
    assert only_early
    before = run("cache", "info", "--format", "json").json()["size_bytes"]
    age = (datetime.now(UTC) - datetime(2026, 8, 10, tzinfo=UTC)).days
    result = run("cache", "prune", "--older-than", f"{age}d")
    assert result.code == 0
    assert "removed 1 snapshot " in result.err and "reuse the space" in result.err  # a third: no rewrite
    info = run("cache", "info", "--format", "json").json()
    assert info["snapshots"] == 2 and info["oldest"] == "2026-08-14T19:00:00Z"
    gone = run("history", sorted(only_early)[0])
    assert gone.code == 1 and "no stored snapshot" in gone.err
    series = run("history", "sentence-transformers/all-MiniLM-L6-v2", "--format", "json").json()
    assert len(series["rows"]) == 2
    assert run("cache", "prune", "--older-than", "soon").code == 2
    assert snapshot_count(_isolated) == 2
    # Pruning most of the store rewrites the file: the space goes back to the file system.
    everything = run("cache", "prune", "--older-than", "1d")
    assert "removed 2 snapshots" in everything.err and "freed" in everything.err
    assert run("cache", "info", "--format", "json").json()["size_bytes"] < before / 4


# --- record -----------------------------------------------------------------------------------


def test_record_is_quiet_and_stores_the_standard_listings(run, hub: StandInHub) -> None:
    result = run("record", "--task", "text-generation", "--depth", "50")
    assert (result.code, result.out, result.err) == (0, "", "")
    asked = sorted((r.query["sort"][0], r.query.get("pipeline_tag", [""])[0]) for r in hub.listing_requests())
    assert asked == sorted([("trendingScore", ""), ("downloads", ""),
                            ("trendingScore", "text-generation"), ("downloads", "text-generation")])
    info = run("cache", "info", "--format", "json").json()
    assert {r["query"] for r in info["rows"]} == {
        "trending", "downloads", "trending task=text-generation", "downloads task=text-generation"}
    assert all(r["rows"] == 50 for r in info["rows"])
    # A second run a moment later gives movers two snapshots to compare (the same numbers).
    assert run("record").code == 0
    movers = run("movers", "--sort", "trending", "--format", "json")
    assert movers.code == 0, movers.err
    assert {r["rank_change"] for r in movers.json()["rows"]} == {0}


def test_record_reports_a_failed_listing_and_records_the_rest(run, hub: StandInHub, _isolated: Path) -> None:
    hub.inject(Fault(status=400, body=b'{"error": "broken"}'))
    result = run("record", "--depth", "20")
    assert result.code == 1
    assert result.out == ""
    [line] = result.err.strip().splitlines()
    assert line.startswith("hubradar: error: the trending listing") and "broken" in line
    assert snapshot_count(_isolated) == 1


def test_record_stops_when_rate_limited(run, hub: StandInHub, _isolated: Path) -> None:
    hub.inject(Fault(status=429, headers={"Retry-After": "3600"}))
    result = run("record", "--task", "text-generation", "--depth", "20")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert "429" in lines[0] and len(lines) == 4
    assert all("not attempted" in line for line in lines[1:])
    assert len(hub.listing_requests()) == 1
    assert snapshot_count(_isolated) == 0


def test_record_never_answers_from_old_data(run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run("record")
    assert result.code == 1 and "offline" in result.err
    assert hub.requests == []
