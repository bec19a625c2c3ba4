"""Downloads between two snapshots: the Python rule and its SQL twin held equal; whole-Hub movers
end to end through `hubradar import`, checked against a plain computation here.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubradar.analysis.between import records_between
from hubradar.analysis.sql.between import pairs_sql
from hubradar.core.record import ModelRecord
from hubradar.core.time import to_iso

OLDER_AT = datetime(2026, 11, 30, 12, tzinfo=UTC)
COUNT = st.one_of(st.none(), st.integers(0, 10**12))
SIDE = st.fixed_dictionaries({"all_time": COUNT, "window": COUNT, "likes": COUNT})
PAIR = st.tuples(
    st.one_of(st.none(), SIDE),  # the older snapshot's row (None: absent)
    st.one_of(st.none(), SIDE),  # the newer's
    st.one_of(st.none(), st.integers(-3 * 86400, 3 * 86400)),  # created, seconds from OLDER_AT
)


def _record(model_id: str, side: dict[str, Any], created: int | None) -> ModelRecord:
    made = None if created is None else to_iso(OLDER_AT + timedelta(seconds=created))
    return ModelRecord(id=model_id, downloads=side["window"], downloads_all_time=side["all_time"],
                       likes=side["likes"], created_at=made)


def _table(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {name} (id VARCHAR, task VARCHAR, downloads BIGINT, "
                "downloads_all_time BIGINT, likes BIGINT, trending_score DOUBLE, created_at TIMESTAMPTZ)")
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES (?, NULL, ?, ?, ?, NULL, ?)", rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PAIR, max_size=12))
def test_the_sql_twin_counts_every_generated_pair_as_the_python_does(pairs: list[tuple]) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    old_rows, new_rows, expected = [], [], {}
    for i, (old, new, created) in enumerate(pairs):
        model_id = f"o/m{i}"
        made = None if created is None else OLDER_AT + timedelta(seconds=created)
        if old is not None:
            old_rows.append((model_id, old["window"], old["all_time"], old["likes"], made))
        if new is not None:
            new_rows.append((model_id, new["window"], new["all_time"], new["likes"], made))
            found = records_between(_record(model_id, old, created) if old else None,
                                    _record(model_id, new, created), OLDER_AT)
            expected[model_id] = (found.downloads, found.basis)
    _table(con, "a", old_rows)
    _table(con, "b", new_rows)
    got = {row[0]: (row[1], row[2]) for row in
           con.execute(f"SELECT id, downloads_between, downloads_basis FROM ({pairs_sql('a', 'b', OLDER_AT)})")
           .fetchall()}
    assert got == expected
    # The totals' full join counts the same figures, and the models only the older snapshot holds.
    full = con.execute(f"SELECT id, is_gone, downloads_between, downloads_basis "
                       f"FROM ({pairs_sql('a', 'b', OLDER_AT, full=True)})").fetchall()
    assert {i: (d, b) for i, gone, d, b in full if not gone} == expected
    assert {i for i, gone, *_ in full if gone} == {r[0] for r in old_rows} - set(expected)


def test_the_rule_exact_then_window_then_unknown() -> None:
    old = ModelRecord(id="o/m", downloads=900, downloads_all_time=10_000)
    new = ModelRecord(id="o/m", downloads=1_000, downloads_all_time=10_700)
    assert (records_between(old, new).downloads, records_between(old, new).basis) == (700, "exact")
    lacking = ModelRecord(id="o/m", downloads=900)
    assert (records_between(lacking, new).downloads, records_between(lacking, new).basis) == (100, "30-day window")
    assert records_between(ModelRecord(id="o/m"), new).basis is None
    # Absent from the older snapshot: created after it, it counts from zero; created before, unknown.
    fresh = ModelRecord(id="o/n", downloads=50, downloads_all_time=60, created_at="2026-12-01T00:00:00.000Z")
    assert records_between(None, fresh, OLDER_AT).downloads == 60
    assert records_between(None, fresh, OLDER_AT + timedelta(days=2)).basis is None


# --- whole-Hub movers through `hubradar import` -------------------------------------------------


def _models(rng: random.Random, n: int) -> list[dict[str, Any]]:
    return [{"id": f"org{i % 7}/model-{i}", "pipeline_tag": rng.choice(["text-generation", "feature-extraction", None]),
             "downloads": rng.choice([None, *range(0, 5000, 7)]), "downloadsAllTime": rng.randrange(10**4, 10**6),
             "likes": rng.randrange(0, 500), "createdAt": datetime(2026, 1, 1, tzinfo=UTC)} for i in range(n)]


def _later(rng: random.Random, models: list[dict[str, Any]], start: int, fresh: int, created: datetime) -> list[dict]:
    """The next snapshot: some models gone, the rest gaining, some counters unknown, `fresh` new models."""
    out = []
    for m in models:
        if rng.random() < 0.05:
            continue  # deleted, or made private
        gain = rng.randrange(0, 50_000)
        out.append(m | {"downloadsAllTime": None if rng.random() < 0.1 else (m["downloadsAllTime"] or 0) + gain,
                        "downloads": None if rng.random() < 0.05 else rng.randrange(0, 9000),
                        "likes": m["likes"] + rng.randrange(0, 30)})
    out += [{"id": f"new/model-{start + i}", "pipeline_tag": "text-generation", "downloads": rng.randrange(0, 90_000),
             "downloadsAllTime": rng.randrange(0, 90_000), "likes": 1, "createdAt": created} for i in range(fresh)]
    return out


def _write_dump(path: Path, models: list[dict[str, Any]]) -> None:
    """A dump in the hub-stats `models` layout (the API's field names)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE models (id VARCHAR, pipeline_tag VARCHAR, downloads BIGINT, downloadsAllTime BIGINT, "
                "likes BIGINT, createdAt TIMESTAMPTZ)")
    con.executemany("INSERT INTO models VALUES (?, ?, ?, ?, ?, ?)",
                    [(m["id"], m["pipeline_tag"], m["downloads"], m["downloadsAllTime"], m["likes"], m["createdAt"])
                     for m in models])
    con.execute(f"COPY models TO '{path}' (FORMAT parquet)")
    con.close()


def _plain(old: list[dict], new: list[dict], older_at: datetime, task: str | None = None) -> list[dict[str, Any]]:
    """Every model of the newer snapshot with its downloads between, computed plainly."""
    old = [m for m in old if task is None or m["pipeline_tag"] == task]
    new = [m for m in new if task is None or m["pipeline_tag"] == task]

    def ranks(models: list[dict]) -> dict[str, int]:
        """1 + the models with more 30-day downloads (ties share a rank; unknown after every known)."""
        known = [m["downloads"] for m in models if m["downloads"] is not None]
        return {m["id"]: 1 + (len(known) if m["downloads"] is None else sum(d > m["downloads"] for d in known))
                for m in models}

    before, was, now = {m["id"]: m for m in old}, ranks(old), ranks(new)
    rows = []
    for m in new:
        a = before.get(m["id"])
        if a is None and m["createdAt"] > older_at:
            a = {"downloadsAllTime": 0, "downloads": 0, "likes": None}
        if a is not None and a["downloadsAllTime"] is not None and m["downloadsAllTime"] is not None:
            between, basis = m["downloadsAllTime"] - a["downloadsAllTime"], "exact"
        elif a is not None and a["downloads"] is not None and m["downloads"] is not None:
            between, basis = m["downloads"] - a["downloads"], "30-day window"
        else:
            between, basis = None, None
        rows.append({"id": m["id"], "rank": now[m["id"]], "previous_rank": was.get(m["id"]),
                     "status": "moved" if m["id"] in before else "new",
                     "downloads_between": between, "downloads_basis": basis})
    return rows


def _top(rows: list[dict], n: int) -> list[dict]:
    known = [r for r in rows if r["downloads_between"] is not None]
    return sorted(known, key=lambda r: (-r["downloads_between"], r["id"]))[:n]


def _three_days(run, tmp_path: Path) -> tuple[list[list[dict]], list[datetime]]:
    rng = random.Random(16)
    days = [datetime(2026, 11, 28, tzinfo=UTC), datetime(2026, 11, 29, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)]
    first = _models(rng, 400)
    second = _later(rng, first, 0, 15, days[0] + timedelta(hours=3))
    # Some new models created *before* the older snapshot (a crawl missed them): unknown, not from zero.
    third = _later(rng, second, 100, 10, days[1] + timedelta(hours=2)) + _later(rng, [], 200, 5, days[0])
    snapshots = [first, second, third]
    for day, models in zip(days, snapshots, strict=True):
        dump = tmp_path / f"models-{day:%Y%m%d}.parquet"
        _write_dump(dump, models)
        result = run("import", str(dump), "--at", to_iso(day))
        assert result.code == 0, result.err
    return snapshots, days


def test_whole_hub_movers_match_a_plain_computation(run, tmp_path: Path) -> None:
    snapshots, days = _three_days(run, tmp_path)
    old, new = snapshots[1], snapshots[2]
    result = run("movers", "--whole-hub", "--limit", "12", "--format", "json")  # default: the previous snapshot
    assert result.code == 0, result.err
    payload = result.json()
    assert (payload["from"], payload["to"]) == (to_iso(days[1]), to_iso(days[2]))
    plain = _plain(old, new, days[1])
    expected = _top(plain, 12)
    assert [{k: r[k] for k in expected[0]} for r in payload["rows"]] == expected
    assert all(r["rank_change"] == (None if r["previous_rank"] is None else r["previous_rank"] - r["rank"])
               for r in payload["rows"])
    ids = {m["id"] for m in new}
    assert (payload["models"], payload["new"], payload["gone"]) == (
        len(new), sum(r["status"] == "new" for r in plain), sum(m["id"] not in ids for m in old))
    bases = [r["downloads_basis"] for r in plain]
    assert payload["hub_downloads_basis"] == {
        "exact": bases.count("exact"), "30-day window": bases.count("30-day window"), "unknown": bases.count(None)}
    assert bases.count("exact") and bases.count("30-day window") and bases.count(None)  # every case is exercised
    assert payload["exact_downloads"] == sum(r["downloads_between"] for r in plain if r["downloads_basis"] == "exact")
    assert payload["downloads_basis"]["exact"] == sum(r["downloads_basis"] == "exact" for r in expected)


def test_whole_hub_movers_since_a_day_by_task_and_by_likes(run, tmp_path: Path) -> None:
    snapshots, days = _three_days(run, tmp_path)
    result = run("movers", "--whole-hub", "--since", "2026-11-28", "--task", "text-generation", "--format", "json",
                 "--limit", "8")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["from"] == to_iso(days[0]) and payload["task"] == "text-generation"
    expected = _top(_plain(snapshots[0], snapshots[2], days[0], "text-generation"), 8)
    assert [(r["id"], r["downloads_between"], r["rank"]) for r in payload["rows"]] == [
        (r["id"], r["downloads_between"], r["rank"]) for r in expected]
    likes = run("movers", "--whole-hub", "--sort", "likes", "--format", "json", "--limit", "5").json()
    before = {m["id"]: m["likes"] for m in snapshots[1]}
    gained = sorted(((m["likes"] - before[m["id"]], m["id"]) for m in snapshots[2] if m["id"] in before),
                    key=lambda g: (-g[0], g[1]))[:5]
    assert [(r["likes_gained"], r["id"]) for r in likes["rows"]] == gained


def test_whole_hub_movers_table_says_how_each_row_was_counted(run, tmp_path: Path) -> None:
    _three_days(run, tmp_path)
    result = run("movers", "--whole-hub", "--limit", "40")
    assert result.code == 0, result.err
    assert "Most downloaded between the snapshots — the whole Hub" in result.out
    assert "2026-11-29 00:00 → 2026-11-30 00:00 UTC (1d apart)" in result.out
    assert "downloads + is exact (all-time downloads differenced) for" in result.out
    assert "of 40 rows" in result.out and "over every model compared exact" in " ".join(result.out.split())


def test_whole_hub_movers_need_two_snapshots(run, tmp_path: Path) -> None:
    none = run("movers", "--whole-hub")
    assert none.code == 1 and none.err.count("\n") == 1
    assert "compare two snapshots" in none.err and "holds none" in none.err and "hubradar crawl" in none.err
    dump = tmp_path / "one.parquet"
    _write_dump(dump, _models(random.Random(1), 5))
    assert run("import", str(dump), "--at", "2026-11-30").code == 0
    one = run("movers", "--whole-hub")
    assert one.code == 1 and "only one, of 2026-11-30 00:00 UTC" in one.err and one.err.count("\n") == 1
    grouped = run("movers", "--whole-hub", "--group", "family")
    assert grouped.code == 2 and "--group" in grouped.err


# --- the SQLite history: two snapshots recorded from the stand-in Hub -----------------------------


def _pairs_swapped(models: list[dict]) -> list[dict]:
    """The next day: neighbours trade places (every model moves one rank), each all-time counter grows."""
    out = [dict(m) for m in models]
    for i in range(0, len(out) - 1, 2):
        out[i]["downloads"], out[i + 1]["downloads"] = out[i + 1]["downloads"], out[i]["downloads"]
    for i, m in enumerate(out):
        if "downloadsAllTime" in m:
            m["downloadsAllTime"] += 1_000 * (i + 1)
        if i % 5 == 1:
            m.pop("downloadsAllTime", None)  # the newer snapshot lacks it: the window's change instead
    return out


def test_history_movers_and_report_count_exact_downloads_where_both_snapshots_have_them(
        run, serve, tmp_path: Path) -> None:
    from conftest import hub_models

    ranked = sorted(hub_models(), key=lambda m: m.get("downloads") or 0, reverse=True)[:30]
    # Distinct downloads, so the ranking is the same whatever the tie rule; every 5th lacks the counter.
    first = [m | {"downloads": 10_000_000 - 1_000 * i} | ({"downloadsAllTime": 50_000_000 + i} if i % 5 else {})
             for i, m in enumerate(ranked)]
    hub = serve(first)
    assert run("record", "--depth", "30").code == 0
    second = _pairs_swapped(first)
    hub.models = second
    assert run("record", "--depth", "30").code == 0

    result = run("movers", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    before, after = {m["id"]: m for m in first}, {m["id"]: m for m in second}
    rows = {r["id"]: r for r in payload["rows"]}
    assert set(rows) == set(after)
    for model_id, row in rows.items():
        a, b = before[model_id], after[model_id]
        if "downloadsAllTime" in a and "downloadsAllTime" in b:
            assert (row["downloads_change"], row["downloads_basis"]) == (
                b["downloadsAllTime"] - a["downloadsAllTime"], "exact")
        else:
            assert (row["downloads_change"], row["downloads_basis"]) == (
                b["downloads"] - a["downloads"], "30-day window")
    exact = sum("downloadsAllTime" in before[i] and "downloadsAllTime" in after[i] for i in after)
    assert payload["downloads_basis"] == {"exact": exact, "30-day window": len(after) - exact, "unknown": 0}

    table = run("movers", "--limit", "30")
    assert f"downloads ± is exact (all-time downloads differenced) for {exact} of 30 rows, the change in " \
           f"30-day downloads for {30 - exact}" in " ".join(table.out.split())
    assert "basis" in table.out and "30-day window" in table.out  # mixed: each row says which

    exact_id = next(i for i in after if "downloadsAllTime" in before[i] and "downloadsAllTime" in after[i])
    series = run("history", exact_id, "--format", "json").json()
    last = series["rows"][-1]
    assert (last["downloads_since_previous"], last["downloads_basis"]) == (
        after[exact_id]["downloadsAllTime"] - before[exact_id]["downloadsAllTime"], "exact")
    assert last["downloads_all_time"] == after[exact_id]["downloadsAllTime"]
    assert (series["downloads_between"], series["downloads_basis"]) == (last["downloads_since_previous"], "exact")
    window_id = next(i for i in after if "downloadsAllTime" not in after[i])
    last = run("history", window_id, "--format", "json").json()["rows"][-1]
    assert (last["downloads_since_previous"], last["downloads_basis"]) == (
        after[window_id]["downloads"] - before[window_id]["downloads"], "30-day window")

    out = tmp_path / "radar.html"
    page = run("report", "--out", str(out), "--limit", "5", "--offline")
    assert page.code == 0, page.err
    markup = out.read_text(encoding="utf-8")
    movers = markup[markup.index('id="movers"'):]
    assert f"downloads ± is exact (all-time downloads differenced) for {exact} of 30 rows" in movers


def test_a_family_is_exact_only_when_every_member_has_its_counter() -> None:
    from hubradar.analysis.movers import compare

    def listing(gguf_all_time: int | None, base_all_time: int) -> list[ModelRecord]:
        return [ModelRecord(id="q/base", downloads=900, downloads_all_time=base_all_time),
                ModelRecord(id="u/base-GGUF", downloads=500, downloads_all_time=gguf_all_time),
                ModelRecord(id="x/other", downloads=100, downloads_all_time=7)]

    def root(model_id: str) -> str:
        return "q/base" if "base" in model_id else model_id

    _, rows = compare(listing(1_000, 10_000), listing(1_300, 10_500), root=root)
    family = next(r for r in rows if r.id == "q/base")
    assert (family.downloads_change, family.downloads_basis) == (800, "exact")
    _, rows = compare(listing(None, 10_000), listing(1_300, 10_500), root=root)
    family = next(r for r in rows if r.id == "q/base")
    assert (family.downloads_change, family.downloads_basis) == (0, "30-day window")  # 1,400 then and now
