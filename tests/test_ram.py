"""RAM (relative adoption): the size classes, the counts, the yardstick, from one snapshot and from history.

Cases made for each rule, the real captures (tests/fixtures/hub), and the CLI end to end: `top --sort
ram`, the `--ram` column, `gaps --adoption ram`, and a history-backed RAM from imported snapshots.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import FIXTURES, HUB_DAY, hub_models
from hubradar.analysis.ram import MIN_PEERS, RAM_CLASSES, AgeCurve, RamTable, cumulative, ram_class, rams
from hubradar.analysis.sizes import SizeEstimator
from hubradar.core.record import ModelRecord, records_from_hub_json
from hubradar.core.time import to_iso

NOW = datetime(2026, 8, 21, 19, tzinfo=UTC)
B = 10**9


def made(model_id: str, *, days: float, downloads: int, all_time: int | None = None) -> ModelRecord:
    return ModelRecord(id=model_id, downloads=downloads, downloads_all_time=all_time, likes=10,
                       created_at=to_iso(NOW - timedelta(days=days)))


@pytest.mark.parametrize(("params", "expected"), [
    (135 * 10**6, "<1B"), (B, "1-6B"), (5_500_000_000, "1-6B"), (6 * B, "6-10B"), (9_500_000_000, "6-10B"),
    (10 * B, "10-50B"), (70 * B, "50-100B"), (235 * B, "100-250B"), (671 * B, "250B+"), (None, None),
])  # fmt: skip
def test_size_classes_are_contiguous_and_close_the_atom_gaps(params: int | None, expected: str | None) -> None:
    assert ram_class(params) == expected
    highs = [high for _, _, high in RAM_CLASSES[:-1]]
    lows = [low for _, low, _ in RAM_CLASSES[1:]]
    assert highs == lows  # no gap, no overlap


def test_cumulative_counts_are_exact_only_when_the_hub_says_so() -> None:
    assert cumulative(made("a/young", days=12, downloads=5000), 12) == (5000.0, True)  # its window is its life
    assert cumulative(made("a/all", days=400, downloads=10, all_time=9000), 400) == (9000.0, True)
    assert cumulative(made("a/old", days=90, downloads=3000), 90) == (9000.0, False)  # its pace, over 3 windows
    assert cumulative(ModelRecord(id="a/none", created_at=to_iso(NOW)), 1) is None


def class_of_peers(n: int, *, days: float = 200, step: int = 1000) -> list[ModelRecord]:
    """`n` 7B models (named so) `days` old with 30-day downloads step, 2*step, ..."""
    return [made(f"peer/m{i}-7B", days=days, downloads=step * (i + 1)) for i in range(n)]


def table(records: list[ModelRecord], curves: dict[str, AgeCurve] | None = None) -> RamTable:
    sizes = SizeEstimator(records)
    return RamTable(records, {r.id: sizes(r).params for r in records}, NOW, curves)


def test_ram_is_the_count_over_the_tenth_of_its_class_at_the_same_age() -> None:
    peers = class_of_peers(20)  # 200 days old: at day 20 each has done 20/30 of a window at its pace
    young = made("new/x-7B", days=20, downloads=88_000)
    ram = table([*peers, young]).ram(young)
    assert ram is not None and ram.size_class == "6-10B" and ram.day == 20 and ram.basis == "snapshot"
    # The class includes the model (so above 1 means in its top 10): the young model (88,000: it is
    # younger than a window) is 1st, peers m19..m11 (20K..12K a month) 2nd to 10th; m11 at day 20 has
    # done 20/30 of a window at its pace.
    assert ram.yardstick == pytest.approx(12_000 * 20 / 30)
    assert ram.value == pytest.approx(88_000 / (12_000 * 20 / 30))


def test_a_thin_class_or_an_unknown_size_gives_no_ram() -> None:
    thin = class_of_peers(MIN_PEERS - 2)
    young = made("new/x-7B", days=20, downloads=88_000)
    assert table([*thin, young]).ram(young) is None  # MIN_PEERS - 1 models at least as old
    unsized = made("new/mystery", days=20, downloads=88_000)
    assert table([*class_of_peers(20), unsized]).ram(unsized) is None
    # Older than every peer: nobody to compare with at its age.
    old = made("old/x-7B", days=900, downloads=1000)
    assert table([*class_of_peers(20), old]).ram(old) is None


def test_history_counts_replace_the_even_pace_and_say_so() -> None:
    peers = class_of_peers(20)
    young = made("new/x-7B", days=20, downloads=88_000)
    # History saw every peer at ages 10 and 30 with exact counts (then 30-day windows = their whole life).
    curves = {p.id: AgeCurve([(10.0, 1000.0 * (i + 1)), (30.0, 3000.0 * (i + 1))]) for i, p in enumerate(peers)}
    ram = table([*peers, young], curves).ram(young)
    assert ram is not None and ram.basis == "history"
    assert ram.yardstick == pytest.approx(2000.0 * 12)  # m11's curve at day 20: halfway from 12K to 36K
    assert AgeCurve([(10.0, 5.0)]).at(40.0) is None  # outside what was seen
    assert AgeCurve([(1.0, 5.0), (60.0, 9.0)]).at(30.0) is None  # unseen for too long to draw a line


def capture_table(day: str = HUB_DAY) -> tuple[list[ModelRecord], RamTable]:
    records, _ = records_from_hub_json(hub_models(day))
    return records, table(records)


def test_on_the_capture_a_launch_is_measured_against_its_class() -> None:
    records, t = capture_table()
    values = rams(records, t)
    launch = values["Qwen/Qwen3.8-27B"]  # created 2026-08-05, 27B: sixteen days old on the 21st
    assert (launch.size_class, launch.day, launch.basis) == ("10-50B", 16, "snapshot")
    assert 0.1 < launch.value < 2
    # Known for a good share of the capture, and the numbers stay in a sane range (MIN_PEERS's reason).
    assert len(values) > len(records) / 4
    assert max(v.value for v in values.values()) < 100


def write_listing(tmp: Path, name: str, models: list[dict]) -> Path:
    path = tmp / name
    path.write_text(json.dumps(models))
    return path


def hub_row(model_id: str, created: datetime, downloads: int, likes: int = 50) -> dict:
    return {"id": model_id, "modelId": model_id, "author": model_id.split("/")[0], "likes": likes,
            "downloads": downloads, "createdAt": to_iso(created), "tags": ["transformers", "text-generation"],
            "pipeline_tag": "text-generation", "library_name": "transformers"}


def test_top_sort_ram_from_history_uses_the_stored_young_counts(run, tmp_path: Path) -> None:
    # Sixteen 7B peers created on day 0; snapshots on days 5 and 15 saw them young (exact counts);
    # on day 40 they are old (30-day counts only) and a new model, 10 days old, is measured.
    day0 = datetime(2026, 6, 1, tzinfo=UTC)
    peers = [f"peer/m{i}-7B" for i in range(16)]
    days = {5: [hub_row(p, day0, 500 * (i + 1)) for i, p in enumerate(peers)],
            15: [hub_row(p, day0, 1500 * (i + 1)) for i, p in enumerate(peers)]}
    days[40] = [hub_row(p, day0, 9000 * (i + 1)) for i, p in enumerate(peers)] + [
        hub_row("new/rocket-7B", day0 + timedelta(days=30), 40_000)]
    for day, models in days.items():
        path = write_listing(tmp_path, f"day{day}.json", models)
        result = run("import", str(path), "--at", to_iso(day0 + timedelta(days=day)))
        assert result.code == 0, result.err
    result = run("top", "--sort", "ram", "--offline", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["id"]: r for r in result.json()["rows"]}
    rocket = rows["new/rocket-7B"]
    # At day 10 the class is the rocket (40,000) and m15..m7: the 10th, m7, had 1000 * 8 (halfway from
    # 500 * 8 at day 5 to 1500 * 8 at day 15, both exact: the peers were younger than a window).
    assert rocket["ram_basis"] == "history" and rocket["ram_class"] == "6-10B" and rocket["ram_day"] == 10
    assert rocket["ram"] == pytest.approx(40_000 / 8000, rel=1e-3)
    assert result.json()["rows"][0]["id"] == "new/rocket-7B"  # ranked by it


def test_ram_column_on_trending_and_top_from_the_bundled_snapshot(run) -> None:
    for command in (("trending", "--ram"), ("top", "--ram"), ("top", "--sort", "ram", "--limit", "5")):
        result = run(*command, "--offline")
        assert result.code == 0, result.err
        assert "RAM" in result.out.splitlines()[1]
        assert "approximated from one snapshot" in result.err
    data = run("top", "--sort", "ram", "--offline", "--format", "json", "--limit", "5").json()
    values = [r["ram"] for r in data["rows"]]
    assert values == sorted(values, reverse=True) and all(v is not None for v in values)
    assert data["query"]["sort"] == "ram"
    plain = run("trending", "--offline", "--format", "json").json()
    assert "ram" not in plain["rows"][0]  # not asked for: not computed


def test_ram_and_group_do_not_mix(run) -> None:
    result = run("top", "--ram", "--group", "family", "--offline")
    assert result.code == 2 and "--ram" in result.err


def test_gaps_adoption_ram_ranks_family_bases_by_their_ram(run) -> None:
    sheet = FIXTURES / "scores" / "evalplus-humaneval-plus.csv"
    result = run("gaps", "--scores", str(sheet), "--adoption", "ram", "--offline", "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    known = [r for r in data["rows"] if r["adoption"] is not None]
    assert known and all(isinstance(r["adoption"], float) for r in known)
    table_out = run("gaps", "--scores", str(sheet), "--adoption", "ram", "--offline")
    assert "RAM" in table_out.out.splitlines()[2]
