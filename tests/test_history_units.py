"""The pieces under history: the diff of two ranked lists, time arguments, query specs, charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubradar.analysis.movers import compare
from hubradar.core.errors import UsageError
from hubradar.core.query import ListingQuery, parse_query_spec, query_from_key, query_label
from hubradar.core.record import ModelRecord
from hubradar.core.time import parse_since, resolve_since
from hubradar.render.charts import plot, sparkline

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def listing(ids: list[str], downloads: dict[str, int] | None = None) -> list[ModelRecord]:
    return [ModelRecord(id=i, downloads=(downloads or {}).get(i, 1000 - n), likes=n) for n, i in enumerate(ids)]


_ids = st.lists(st.sampled_from([f"org/m{i}" for i in range(30)]), unique=True, max_size=25)


@given(_ids, _ids)
def test_compare_accounts_for_every_model_once_with_consistent_numbers(old_ids: list[str], new_ids: list[str]) -> None:
    depth, rows = compare(listing(old_ids), listing(new_ids))
    assert depth == min(len(old_ids), len(new_ids))
    old_top, new_top = set(old_ids[:depth]), set(new_ids[:depth])
    assert sorted(r.id for r in rows) == sorted(old_top | new_top)
    for row in rows:
        assert (row.id in old_top, row.id in new_top) == {
            "moved": (True, True), "new": (False, True), "dropped": (True, False)}[row.status]
        assert row.rank == (new_ids.index(row.id) + 1 if row.id in new_ids else None)
        assert row.previous_rank == (old_ids.index(row.id) + 1 if row.id in old_ids else None)
        if row.rank and row.previous_rank:
            assert row.rank_change == row.previous_rank - row.rank
    gains = [(r.previous_rank or depth + 1) - (r.rank or depth + 1) for r in rows]
    assert gains == sorted(gains, reverse=True)


def test_compare_reports_changes_and_unknowns() -> None:
    old = [ModelRecord(id="a/x", downloads=100, likes=10, trending_score=5.0),
           ModelRecord(id="a/y", downloads=90, likes=None, trending_score=1.0)]
    new = [ModelRecord(id="a/y", downloads=120, likes=4, trending_score=9.5),
           ModelRecord(id="a/x", downloads=80, likes=12, trending_score=0.0)]
    _, rows = compare(old, new)
    y, x = rows
    assert (y.id, y.rank_change, y.downloads_change, y.likes_gained, y.trending_change) == ("a/y", 1, 30, None, 8.5)
    assert (x.id, x.rank_change, x.downloads_change, x.likes_gained, x.trending_change) == ("a/x", -1, -20, 2, -5.0)


def test_compare_by_family_ranks_families_by_their_sum() -> None:
    roots = {"q/base": "q/base", "u/base-GGUF": "q/base", "o/solo": "o/solo"}
    old = listing(["o/solo", "q/base", "u/base-GGUF"], {"o/solo": 100, "q/base": 60, "u/base-GGUF": 30})
    new = listing(["o/solo", "q/base", "u/base-GGUF"], {"o/solo": 100, "q/base": 70, "u/base-GGUF": 50})
    depth, rows = compare(old, new, "downloads", roots.__getitem__)
    by_id = {r.id: r for r in rows}
    assert depth == 2
    assert by_id["q/base"].rank == 1 and by_id["q/base"].previous_rank == 2  # 120 passes 100
    assert by_id["q/base"].downloads_change == 30
    assert set(by_id["q/base"].members) == {"q/base", "u/base-GGUF"}


def test_since_forms() -> None:
    assert parse_since("7d", now=NOW) == timedelta(days=7)
    assert parse_since("2026-08-01", now=NOW) == date(2026, 8, 1)
    assert parse_since("2026-08-01T19:00Z", now=NOW) == datetime(2026, 8, 1, 19, tzinfo=UTC)
    assert parse_since("2026-08-01T21:00+02:00", now=NOW) == datetime(2026, 8, 1, 19, tzinfo=UTC)
    newest = datetime(2026, 8, 21, 19, tzinfo=UTC)
    assert resolve_since(timedelta(days=7), newest) == datetime(2026, 8, 14, 19, tzinfo=UTC)
    assert resolve_since(date(2026, 8, 1), newest) == datetime(2026, 8, 1, tzinfo=UTC)
    for bad in ("", "soon", "2026-13-01", "2026-08-01T25:00", "-3d"):
        with pytest.raises(UsageError, match=r"^since: ") as info:
            parse_since(bad, now=NOW)
        assert info.value.for_cli().startswith("--since: ")
    with pytest.raises(UsageError, match="future"):
        parse_since("2026-11-24", now=NOW)


def test_query_specs_round_trip_through_labels_and_keys() -> None:
    for text in ("downloads", "trending task=text-generation", "likes author=Qwen library=gguf filter=license:mit"):
        query = parse_query_spec(text)
        assert query_label(query) == text
        assert query_from_key(query.key()) == query
    assert parse_query_spec("task=text-generation") == ListingQuery(sort="downloads", task="text-generation")
    for bad in ("", "all-time", "created", "downloads task", "downloads colour=red", "downloads task=a task=b"):
        with pytest.raises(UsageError, match=r"^query: ") as info:
            parse_query_spec(bad)
        assert info.value.for_cli().startswith("--query: ")


def test_sparkline_scales_between_its_own_bounds() -> None:
    assert sparkline([1, 2, 3]) == "▁▅█"
    assert sparkline([1, 2, 3], invert=True) == "█▅▁"
    assert sparkline([None, 5, 5]) == " ▅▅"
    assert sparkline([None, None]) == ""
    long = sparkline(list(range(100)), width=20)
    assert len(long) == 20 and long[0] == "▁" and long[-1] == "█"


def test_plot_draws_bounds_dates_and_gaps() -> None:
    times = [datetime(2026, 8, d, 19, tzinfo=UTC) for d in (7, 8, 9, 10)]
    lines = plot(times, [None, 10.0, 20.0, 40.0], title="t", label=lambda v: f"{v:.0f}", height=4, width=8)
    assert lines[0] == "t"
    assert len(lines) == 1 + 4 + 2
    assert lines[1].startswith("40 ┤") and lines[4].startswith("10 ┤")
    bars = [line[4:].ljust(8) for line in lines[1:5]]
    assert all(row[:2] == "  " for row in bars)  # not listed on the first day: no bar
    assert bars[0][-2:] == "██" and bars[3][2:4] == "▁▁"  # the highest value fills the top row
    assert lines[-1].strip().startswith("2026-08-07 19:00") and lines[-1].endswith("2026-08-10 19:00")
    assert plot(times, [None] * 4, title="t", label=str) == []
