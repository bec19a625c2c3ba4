"""The manipulation and bot flags (`pulled`, `jump`, `lookalike`): cases made for each rule, the rate
each flags on the 15 daily captures (the figures docs/methodology.md gives), and the CLI end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import FIXTURES, hub_models
from hubradar.analysis.bots import (
    PULLED_MIN_DOWNLOADS,
    Seen,
    edits,
    is_jump,
    is_pulled,
    lookalike_of,
    near,
    top_names,
)
from hubradar.analysis.flags import LEGEND, FlagContext, flags_for
from hubradar.analysis.sizes import SizeEstimator
from hubradar.core.record import ModelRecord, records_from_hub_json
from hubradar.core.sizes import SizeBand
from hubradar.core.time import parse_time, to_iso

NOW = datetime(2026, 8, 21, 19, tzinfo=UTC)
DAYS = [f"2026-08-{d:02d}" for d in range(7, 22)]


def made(model_id: str, *, days: float = 60, downloads: int | None = 1_000_000, likes: int | None = 100,
         trending: float | None = None, task: str | None = "text-generation") -> ModelRecord:
    return ModelRecord(id=model_id, author=model_id.split("/")[0], task=task, downloads=downloads, likes=likes,
                       trending_score=trending, created_at=to_iso(NOW - timedelta(days=days)))


# --- pulled ---------------------------------------------------------------------------------------


def test_pulled_reads_downloads_per_like_per_month_against_the_band() -> None:
    # 2M downloads a month, 2 months old, 100 likes: 10,000 per like per month.
    model = made("a/m", days=60, downloads=2_000_000, likes=100)
    assert is_pulled(model, SizeBand.small, NOW)  # small: 3,000
    assert not is_pulled(model, SizeBand.tiny, NOW)  # tiny test models pull far more: 200,000
    assert is_pulled(model, None, NOW)  # unknown size: 10,000
    # The same downloads over a longer life: likes accrue with age, so 20 months make it ordinary.
    assert not is_pulled(made("a/m", days=600, downloads=2_000_000, likes=100), SizeBand.small, NOW)
    # No likes at all counts as one; too few downloads to say anything; unknown likes are not zero.
    assert is_pulled(made("a/m", downloads=PULLED_MIN_DOWNLOADS, likes=0), SizeBand.medium, NOW)
    assert not is_pulled(made("a/m", downloads=PULLED_MIN_DOWNLOADS - 1, likes=0), SizeBand.medium, NOW)
    assert not is_pulled(made("a/m", likes=None), SizeBand.small, NOW)


def test_pulled_leaves_utility_models_to_the_utility_flag() -> None:
    embedder = made("a/embed", downloads=50_000_000, likes=3, task="feature-extraction")
    flags = flags_for(embedder, FlagContext(NOW, band=SizeBand.tiny))
    assert "utility" in flags and "pulled" not in flags


# --- jump -----------------------------------------------------------------------------------------


def test_jump_needs_a_young_repo_a_young_org_and_a_jump() -> None:
    young = made("fresh/m", days=5, downloads=300_000)
    before = Seen(NOW - timedelta(days=1), 20_000, None)
    org_since = NOW - timedelta(days=20)
    assert is_jump(young, NOW, before, org_since)
    assert not is_jump(young, NOW, before, NOW - timedelta(days=400))  # an old org
    assert not is_jump(made("fresh/m", days=45, downloads=300_000), NOW, before, org_since)  # an old repo
    assert not is_jump(young, NOW, Seen(NOW - timedelta(days=1), 100_000, None), org_since)  # 3x: no jump
    assert not is_jump(young, NOW, Seen(NOW - timedelta(hours=2), 20_000, None), org_since)  # too close
    assert not is_jump(young, NOW, None, org_since)  # never seen before: unknown, not a jump
    small = made("fresh/m", days=5, downloads=40_000)
    assert not is_jump(small, NOW, Seen(NOW - timedelta(days=1), 10, None), org_since)  # up by < 50,000
    trending = made("fresh/m", days=5, downloads=1000, trending=150)
    assert is_jump(trending, NOW, Seen(NOW - timedelta(days=1), 900, 12.0), org_since)


# --- lookalike ------------------------------------------------------------------------------------


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edits("meta-llama", "meta-lama", 2) == 1
    assert edits("qwen", "qewn", 2) == 1
    assert edits("mistralai", "mistral-ai", 2) == 1
    assert edits("deepseek-ai", "deepsek-a1", 2) == 2
    assert edits("google", "microsoft", 2) == 3  # beyond `most`: most + 1


def test_near_allows_two_edits_on_long_names_one_on_short_and_no_number_changes() -> None:
    assert near("meta-lama", "meta-llama") and near("deepsek-a1", "deepseek-ai")
    assert near("qwem", "qwen") and not near("qwn3", "qwen")  # short: one edit only
    assert not near("qwen3-4b", "qwen3-8b")  # a size, not a typo
    assert not near("llama-3.2-1b", "llama-3.1-8b")  # a version and a size
    assert not near("qwen3.8-14b", "qwen3-14b")
    assert not near("qwen", "qwen") and not near("ab", "ac")


def pool() -> list[ModelRecord]:
    records, _ = records_from_hub_json(hub_models("2026-08-21"))
    return records


def test_lookalike_names_what_a_young_repo_imitates() -> None:
    top = top_names(pool(), NOW)
    assert lookalike_of(made("meta-lama/Llama-3.1-8B-Instruct", days=2), top, NOW) == "meta-llama"
    assert lookalike_of(made("Qwem/Qwen3-8B", days=2), top, NOW) == "qwen"
    assert lookalike_of(made("someone/Qwen3.8-27C", days=2), top, NOW) in {"qwen3.6-27b", "qwen3.8-27b"}
    # Not lookalikes: the top org itself; an old repo; a re-upload under its own name; a sibling size.
    assert lookalike_of(made("Qwen/Qwen3-8B", days=2), top, NOW) is None
    assert lookalike_of(made("meta-lama/Llama-3.1-8B-Instruct", days=400), top, NOW) is None
    assert lookalike_of(made("unsloth-fan/Qwen3.8-27B", days=2), top, NOW) is None
    assert lookalike_of(made("someone/Qwen3.8-14B", days=2), top, NOW) is None


# --- the captures ---------------------------------------------------------------------------------


def rates() -> tuple[int, dict[str, set[tuple[str, str]]]]:
    """Every row of the 15 captures judged as a listing on its day, with yesterday's capture as the
    previous snapshot and each org's oldest creation seen so far."""
    flagged: dict[str, set[tuple[str, str]]] = {"pulled": set(), "jump": set(), "lookalike": set()}
    rows = 0
    previous: dict[str, ModelRecord] = {}
    org_since: dict[str, datetime] = {}
    for i, day in enumerate(DAYS):
        moment = parse_time(f"{day}T19:00:00Z")
        assert moment is not None
        records, _ = records_from_hub_json(hub_models(day))
        for r in records:
            created = r.created
            if created is not None and (r.org not in org_since or created < org_since[r.org]):
                org_since[r.org] = created
        sizes, top = SizeEstimator(records), top_names(records, moment)
        for r in records:
            size = sizes(r)
            before = previous.get(r.id)
            seen = Seen(moment - timedelta(days=1), before.downloads, before.trending_score) if i and before else None
            context = FlagContext(moment, None, size.params is not None, band=size.band, seen=seen,
                                  org_since=org_since.get(r.org), top=top)
            for flag in flags_for(r, context):
                if flag in flagged:
                    flagged[flag].add((day, r.id))
            rows += 1
        previous = {r.id: r for r in records}
    return rows, flagged


def test_the_rates_each_flag_flags_on_the_captures() -> None:
    rows, flagged = rates()
    share = {flag: len(hits) / rows for flag, hits in flagged.items()}
    # The figures in docs/methodology.md: 8,270 rows; pulled 359 (4.3%, 32 models), jump 1, lookalike 0.
    assert rows == 8270
    assert 0.03 < share["pulled"] < 0.06
    assert len({m for _, m in flagged["pulled"]}) == 32
    assert {m for _, m in flagged["jump"]} == {"meta-models/Muse-Glimmer-30B"}
    assert flagged["lookalike"] == set()  # the top of the Hub holds no typosquat
    # Known pipelines' pulls are among them; the most liked launches are not.
    pulled = {m for _, m in flagged["pulled"]}
    assert "hmellor/tiny-random-LlamaForCausalLM" in pulled
    assert "Qwen/Qwen3.8-27B" not in pulled


# --- end to end -----------------------------------------------------------------------------------


def row(model_id: str, created: datetime, downloads: int, likes: int, trending: float | None = None) -> dict:
    data = {"id": model_id, "modelId": model_id, "author": model_id.split("/")[0], "likes": likes,
            "downloads": downloads, "createdAt": to_iso(created), "tags": ["transformers", "text-generation"],
            "pipeline_tag": "text-generation", "library_name": "transformers"}
    if trending is not None:
        data["trendingScore"] = trending
    return data


def test_jump_from_two_imported_snapshots_in_the_table_and_legend(run, tmp_path: Path) -> None:
    day1 = datetime(2026, 8, 20, 19, tzinfo=UTC)
    base = hub_models("2026-08-21")
    new_org = row("brandnew-lab/Glow-7B", day1 - timedelta(days=3), 4_000, 40)
    old_org = row("Qwen/Qwen3.9-Tiny-7B", day1 - timedelta(days=3), 4_000, 40)
    later = [dict(new_org, downloads=400_000), dict(old_org, downloads=400_000)]
    for moment, models in ((day1, [*base, new_org, old_org]), (day1 + timedelta(days=1), [*base, *later])):
        path = tmp_path / f"{moment:%d}.json"
        path.write_text(json.dumps(models))
        assert run("import", str(path), "--at", to_iso(moment)).code == 0
    data = run("top", "--offline", "--format", "json", "--limit", "600").json()
    flags = {r["id"]: r["flags"] for r in data["rows"]}
    assert "jump" in flags["brandnew-lab/Glow-7B"]
    assert "jump" not in flags["Qwen/Qwen3.9-Tiny-7B"]  # Qwen is no young org
    table = run("top", "--offline", "--limit", "600")
    line = next(line for line in table.out.splitlines() if "brandnew-lab" in line)
    assert "jump" in line and f"jump = {LEGEND['jump']}" in " ".join(table.out.split())


def test_lookalike_and_pulled_from_the_stand_in_hub(run, serve) -> None:
    created = datetime.now(UTC) - timedelta(days=1)
    squat = row("meta-lama/Llama-3.1-8B-Instruct", created, 244_000, 0, trending=5000)
    serve([*hub_models("2026-08-21"), squat])
    listed = run("trending", "--refresh", "--format", "json").json()
    assert "lookalike" in next(r["flags"] for r in listed["rows"] if r["id"].startswith("meta-lama/"))
    result = run("trending")  # the cached listing: the flags are judged the same way
    assert result.code == 0, result.err
    legend = " ".join(result.out.split())
    assert "lookalike = its org or name is one or two edits from a top org or model" in legend
    data = run("top", "--refresh", "--format", "json", "--limit", "600").json()
    flags = {r["id"]: r["flags"] for r in data["rows"]}
    assert {"lookalike", "pulled"} <= set(flags["meta-lama/Llama-3.1-8B-Instruct"])


@pytest.mark.parametrize("flag", ["pulled", "jump", "lookalike"])
def test_each_flag_is_in_the_legend_and_the_docs(flag: str) -> None:
    assert flag in LEGEND
    methodology = (FIXTURES.parent.parent / "docs" / "methodology.md").read_text()
    assert f"`{flag}`" in methodology
