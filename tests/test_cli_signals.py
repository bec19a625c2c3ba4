"""Serving (inference providers) and derivatives (childrenModelCount), end to end against the stand-in Hub.

The expected values come from the fixture file itself (read independently of hubradar), so a test
checks hubradar's answer against what the Hub served, not against hubradar's own code.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import FIXTURES
from hubradar.analysis.signals import adoption_value, rank_by, sum_known
from hubradar.app.lookups import with_adoption
from hubradar.app.options import FetchOptions
from hubradar.core.query import SignalRequest
from hubradar.core.record import ModelRecord, Provider, from_hub_json
from hubradar.fetch.settings import REQUEST_BUDGET
from hubradar.store.db import Store
from hubserver import Fault, StandInHub

EXPAND = "childrenModelCount"


def serving_models() -> list[dict]:
    """Real models of 2026-08-21 with made-up provider mappings and derivative counts (see PROVENANCE.md)."""
    return json.loads((FIXTURES / "hub" / "serving-2026-08-21.json").read_text())


@pytest.fixture
def serving_hub(hub: StandInHub) -> StandInHub:
    """The stand-in Hub serving the models of the serving fixture instead of the plain captures."""
    hub.models = serving_models()
    return hub


def live(model: dict) -> list[str] | None:
    """The fixture's live providers of a model; None when the model does not say."""
    if "inferenceProviderMapping" not in model:
        return None
    return sorted({m["provider"] for m in model["inferenceProviderMapping"] if m["status"] == "live"})


def by_downloads() -> list[dict]:
    return sorted(serving_models(), key=lambda m: m["downloads"], reverse=True)


def children(model: dict) -> int | None:
    return model.get("childrenModelCount")


def expected_ranking(models: list[dict], value) -> list[str]:
    """Descending by `value`, unknown last, ties in the given order."""
    return [m["id"] for m in sorted(models, key=lambda m: (value(m) is None, -(value(m) or 0)))]


def md_cell(md: str, model_id: str, header: str) -> str:
    """The cell under `header` in the Markdown row of `model_id`."""
    lines = [line for line in md.splitlines() if line.startswith("|")]
    headers = [h.strip() for h in lines[0].strip("|").split("|")]
    row = next(line for line in lines if f"[{model_id}]" in line)
    return [c.strip() for c in row.strip("|").split("|")][headers.index(header)]


def expands(request) -> list[str]:
    return request.query.get("expand", []) + request.query.get("expand[]", [])


# --- serving -----------------------------------------------------------------------------------


def test_providers_column_counts_live_providers_only(run, serving_hub: StandInHub) -> None:
    result = run("top", "--limit", "100", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["id"]: r for r in result.json()["rows"]}
    assert len(rows) == len(serving_models())
    for model in serving_models():
        names = live(model)
        assert rows[model["id"]]["providers"] == names, model["id"]
        assert rows[model["id"]]["provider_count"] == (None if names is None else len(names))
    # `error` and `staging` entries never count as serving.
    assert rows["Qwen/Qwen3-8B"]["providers"] == ["featherless-ai", "novita", "nscale"]
    assert rows["Qwen/Qwen3.8-27B-FP8"]["provider_count"] == 0
    assert rows["meta-models/Muse-Glimmer-30B"]["provider_count"] == 0
    [request] = serving_hub.listing_requests()
    assert "inferenceProviderMapping" in expands(request)


def test_unknown_providers_show_as_unknown_never_as_zero(run, serving_hub: StandInHub) -> None:
    # google/electra-base-discriminator's listing row does not say; bert-base-uncased has no provider.
    md = run("top", "--limit", "6", "--format", "md").out
    assert md_cell(md, "google/electra-base-discriminator", "providers") == "-"
    assert md_cell(md, "google-bert/bert-base-uncased", "providers") == "0"
    assert md_cell(md, "sentence-transformers/all-MiniLM-L6-v2", "providers") == "1"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(run("top", "--limit", "6", "--format", "csv").out))}
    assert rows["google/electra-base-discriminator"]["provider_count"] == ""
    assert rows["google-bert/bert-base-uncased"]["provider_count"] == "0"
    table = run("top", "--limit", "6").out
    header = next(line for line in table.splitlines() if line.startswith("#"))
    at = header.index("providers") + len("providers")  # numbers are right-aligned under their header
    electra = next(line for line in table.splitlines() if "electra-base" in line)
    bert = next(line for line in table.splitlines() if "bert-base-uncased" in line)
    assert electra[:at].split()[-1] == "-" and bert[:at].split()[-1] == "0"


def test_listing_without_the_field_and_the_bundled_snapshot_are_unknown(run, hub: StandInHub) -> None:
    # The plain captures were taken without inferenceProviderMapping: an old listing, as far as serving goes.
    live_rows = run("top", "--limit", "30", "--format", "json").json()["rows"]
    assert {(r["providers"], r["provider_count"]) for r in live_rows} == {(None, None)}
    snapshot = run("trending", "--offline", "--limit", "30", "--format", "json").json()
    assert snapshot["source"] == "snapshot"
    assert {(r["providers"], r["provider_count"]) for r in snapshot["rows"]} == {(None, None)}


def test_cached_rows_written_before_providers_existed_are_unknown(run, serving_hub: StandInHub, _isolated) -> None:
    assert run("top", "--limit", "10").code == 0
    conn = sqlite3.connect(_isolated / "hubradar.sqlite")
    for ref, data in conn.execute("SELECT ref, data FROM models").fetchall():
        old = json.loads(data)
        old.pop("providers")  # the row as an older hubradar stored it
        conn.execute("UPDATE models SET data = ? WHERE ref = ?", (json.dumps(old), ref))
    conn.commit()
    conn.close()
    serving_hub.reset_log()
    result = run("top", "--limit", "10", "--format", "json")
    assert result.json()["source"] == "cache"
    assert serving_hub.requests == []
    assert {r["provider_count"] for r in result.json()["rows"]} == {None}


def test_served_uses_the_hubs_filter_and_agrees_with_live_providers(run, serving_hub: StandInHub) -> None:
    result = run("top", "--served", "--limit", "10", "--format", "json")
    assert result.code == 0, result.err
    ids = [r["id"] for r in result.json()["rows"]]
    assert ids == [m["id"] for m in by_downloads() if live(m)][:10]
    assert all(r["provider_count"] >= 1 for r in result.json()["rows"])
    [request] = serving_hub.listing_requests()
    assert request.query["inference_provider"] == ["all"]
    assert result.json()["query"]["inference_provider"] == "all"
    # The same answer as filtering the unfiltered listing by hubradar's own rule (>= 1 live provider).
    everything = run("top", "--limit", "100", "--format", "json").json()["rows"]
    assert [r["id"] for r in everything if r["provider_count"]][:10] == ids
    # A model mapped only to a `staging` provider sits among them by downloads, but is not served.
    assert "nvidia/Qwen3.6-35B-A3B-NVFP4" in [r["id"] for r in everything[:30]]
    assert "nvidia/Qwen3.6-35B-A3B-NVFP4" not in run("top", "--served", "-n", "30", "-f", "json").out


def test_trending_served(run, serving_hub: StandInHub) -> None:
    rows = run("trending", "--served", "--limit", "5", "--format", "json").json()["rows"]
    served = sorted((m for m in serving_models() if live(m)), key=lambda m: m.get("trendingScore", 0), reverse=True)
    assert [r["id"] for r in rows] == [m["id"] for m in served[:5]]


def test_served_from_the_bundled_snapshot_says_serving_is_unknown(run) -> None:
    result = run("top", "--served", "--offline", "--format", "json")
    assert result.code == 0
    assert result.json()["rows"] == []
    assert "does not say which models are served" in result.err
    assert "548 models" in result.err


def test_sort_providers_ranks_the_top_depth_by_downloads(run, serving_hub: StandInHub) -> None:
    result = run("top", "--sort", "providers", "--depth", "30", "--limit", "6", "--format", "json")
    assert result.code == 0, result.err
    expected = expected_ranking(by_downloads()[:30], lambda m: None if live(m) is None else len(live(m)))
    assert [r["id"] for r in result.json()["rows"]] == expected[:6]
    assert result.json()["query"] == {"sort": "providers", "limit": 6, "depth": 30}
    [request] = serving_hub.listing_requests()
    assert request.query["sort"] == ["downloads"] and request.query["limit"] == ["30"]
    assert serving_hub.info_requests() == []  # providers come with the listing
    assert "providers unknown for 1 of 30 models: ranked last" in result.err  # electra-base-discriminator
    table = run("top", "--sort", "providers", "--depth", "30", "--limit", "6")
    assert "Most served (live inference providers, top 30 by downloads)" in table.out


def test_sort_providers_depth_is_at_least_the_limit(run, serving_hub: StandInHub) -> None:
    result = run("top", "--sort", "providers", "--depth", "5", "--limit", "12", "--format", "json")
    assert len(result.json()["rows"]) == 12
    assert serving_hub.listing_requests()[0].query["limit"] == ["12"]


# --- derivatives -------------------------------------------------------------------------------


def test_derivatives_are_looked_up_per_model_and_cached_a_day(run, serving_hub: StandInHub, _isolated) -> None:
    result = run("top", "--limit", "20", "--derivatives", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    top20 = by_downloads()[:20]
    assert [r["derivatives"] for r in rows] == [children(m) for m in top20]
    info = serving_hub.info_requests()
    assert sorted(r.path.removeprefix("/api/models/") for r in info) == sorted(m["id"] for m in top20)
    assert all(expands(r) == [EXPAND] for r in info)
    assert result.json()["query"]["derivatives"] is True

    serving_hub.reset_log()
    again = run("top", "--limit", "20", "--derivatives", "--format", "json")
    assert again.json()["rows"] == rows
    assert serving_hub.requests == []  # listing and lookups both cached

    conn = sqlite3.connect(_isolated / "hubradar.sqlite")
    conn.execute("UPDATE lookups SET fetched_at = '2020-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    assert run("top", "--limit", "20", "--derivatives").code == 0
    assert len(serving_hub.info_requests()) == 20  # older than a day: looked up again


def test_unknown_derivatives_are_never_zero(run, serving_hub: StandInHub) -> None:
    # trl-internal-testing/tiny-Qwen2ForCausalLM-2.5 has no derivatives; lpiccinelli/unidepth-v2-vitl14's
    # model_info does not say.
    md = run("top", "--limit", "20", "--derivatives", "--format", "md").out
    assert md_cell(md, "trl-internal-testing/tiny-Qwen2ForCausalLM-2.5", "derivatives") == "0"
    assert md_cell(md, "lpiccinelli/unidepth-v2-vitl14", "derivatives") == "-"
    assert md_cell(md, "google-bert/bert-base-uncased", "derivatives") == "11.2K"
    out = run("top", "--limit", "20", "--derivatives", "--format", "csv").out
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["trl-internal-testing/tiny-Qwen2ForCausalLM-2.5"]["derivatives"] == "0"
    assert rows["lpiccinelli/unidepth-v2-vitl14"]["derivatives"] == ""


def test_no_derivatives_column_unless_asked(run, serving_hub: StandInHub) -> None:
    result = run("trending", "--format", "json")
    assert "derivatives" not in result.json()["rows"][0]
    assert serving_hub.info_requests() == []


def test_sort_derivatives_ranks_the_top_depth_by_downloads(run, serving_hub: StandInHub) -> None:
    result = run("top", "--sort", "derivatives", "--depth", "30", "--limit", "5", "--format", "json")
    assert result.code == 0, result.err
    expected = expected_ranking(by_downloads()[:30], children)
    assert [r["id"] for r in result.json()["rows"]] == expected[:5]
    counts = {m["id"]: children(m) for m in serving_models()}
    assert [r["derivatives"] for r in result.json()["rows"]] == [counts[i] for i in expected[:5]]
    assert len(serving_hub.info_requests()) == 30
    assert "derivatives unknown for 2 of 30 models: ranked last" in result.err
    serving_hub.reset_log()
    deeper_cut = run("top", "--sort", "derivatives", "--depth", "30", "--limit", "30", "--format", "json")
    assert [r["id"] for r in deeper_cut.json()["rows"]] == expected
    assert deeper_cut.json()["rows"][-1]["derivatives"] is None
    assert serving_hub.requests == []


def test_no_listing_request_ever_carries_children_model_count(run, serving_hub: StandInHub) -> None:
    for args in (
        ["trending", "--derivatives"],
        ["top", "--derivatives", "--limit", "30"],
        ["top", "--sort", "derivatives", "--depth", "40"],
        ["top", "--sort", "providers", "--served", "--derivatives"],
        ["trending", "--served", "--derivatives", "--refresh"],
        ["top", "--sort", "all-time", "--derivatives", "--limit", "5"],
    ):
        result = run(*args)
        assert result.code == 0, (args, result.err)
    listings = serving_hub.listing_requests()
    assert len(listings) == 6
    assert all(EXPAND not in expands(r) for r in listings)
    assert serving_hub.info_requests() and all(expands(r) == [EXPAND] for r in serving_hub.info_requests())


def test_rate_limit_stops_the_lookups_early_and_keeps_what_is_known(run, serving_hub: StandInHub) -> None:
    assert run("top", "--limit", "5", "--derivatives").code == 0
    serving_hub.reset_log()
    # Every lookup worker's first request is refused with a wait far beyond hubradar's retry budget.
    serving_hub.inject(*[Fault(status=429, headers={"Retry-After": "600"}, path_prefix="/api/models/")] * 4)
    result = run("top", "--limit", "40", "--derivatives", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert [r["derivatives"] for r in rows[:5]] == [children(m) for m in by_downloads()[:5]]
    assert {r["derivatives"] for r in rows[5:]} == {None}
    assert 1 <= len(serving_hub.info_requests()) <= 4  # 35 wanted: it stopped at the first 429s
    assert "stopped after 0 of 35 lookups" in result.err and "429" in result.err
    assert len(result.err.strip().splitlines()) == 1
    # Nothing was cached for the refused lookups: once the Hub answers again, the next run looks them up.
    serving_hub.faults.clear()  # the 429s no worker got to
    serving_hub.reset_log()
    after = run("top", "--limit", "40", "--derivatives", "--format", "json")
    assert len(serving_hub.info_requests()) == 35
    assert [r["derivatives"] for r in after.json()["rows"]] == [children(m) for m in by_downloads()[:40]]


def test_lookups_stay_within_the_hubs_request_budget(run, serving_hub: StandInHub, _isolated: Path) -> None:
    with Store.open(_isolated) as store:  # lookups made a moment ago by other runs
        store.put_lookups(EXPAND, [(f"someone/model-{i}", None) for i in range(REQUEST_BUDGET - 8)])
    result = run("top", "--limit", "20", "--derivatives", "--format", "json")
    assert result.code == 0
    assert len(serving_hub.info_requests()) == 8
    rows = result.json()["rows"]
    assert [r["derivatives"] for r in rows[:8]] == [children(m) for m in by_downloads()[:8]]
    assert {r["derivatives"] for r in rows[8:]} == {None}
    assert "derivatives unknown for 12 models" in result.err and "500 requests per 5 minutes" in result.err


def test_a_model_gone_from_the_hub_has_unknown_derivatives(run, serving_hub: StandInHub) -> None:
    assert run("top", "--limit", "5").code == 0
    serving_hub.models = [m for m in serving_hub.models if m["id"] != "google-bert/bert-base-uncased"]
    result = run("top", "--limit", "5", "--derivatives", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["id"]: r["derivatives"] for r in result.json()["rows"]}
    assert rows["google-bert/bert-base-uncased"] is None
    assert rows["sentence-transformers/all-MiniLM-L6-v2"] == 1512


def test_offline_derivatives_come_from_the_lookup_cache_only(run, serving_hub: StandInHub) -> None:
    assert run("top", "--limit", "8").code == 0
    assert run("top", "--limit", "5", "--derivatives").code == 0
    serving_hub.reset_log()
    result = run("top", "--limit", "8", "--derivatives", "--offline", "--format", "json")
    assert result.code == 0
    assert serving_hub.requests == []
    assert [r["derivatives"] for r in result.json()["rows"]] == [children(m) for m in by_downloads()[:5]] + [None] * 3
    assert "derivatives unknown for 3 models" in result.err


def test_hub_down_skips_the_lookups_instead_of_retrying_each(run, serving_hub: StandInHub) -> None:
    assert run("top", "--limit", "6").code == 0
    serving_hub.close()
    result = run("top", "--limit", "6", "--derivatives", "--refresh", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert {r["derivatives"] for r in result.json()["rows"]} == {None}
    assert [line.split(":")[1].strip() for line in result.err.strip().splitlines()] == [
        "could not reach the Hub", "derivatives unknown for 6 models"]


def test_sort_derivatives_from_the_bundled_snapshot_says_everything_is_unknown(run) -> None:
    result = run("top", "--sort", "derivatives", "--offline", "--limit", "3", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    assert {r["derivatives"] for r in result.json()["rows"]} == {None}
    assert "derivatives unknown for 100 of 100 models: ranked last" in result.err


@pytest.mark.parametrize("args", [["top", "--depth", "50"], ["top", "--sort", "likes", "--depth", "50"],
                                  ["top", "--sort", "providers", "--depth", "0"]])
def test_depth_needs_a_signal_sort(run, args: list[str]) -> None:
    result = run(*args)
    assert result.code == 2
    assert "--depth" in result.err and len(result.err.strip().splitlines()) == 1


# --- the library: what gaps --adoption and --group family build on -------------------------------


def test_model_info_keys_providers_by_name_and_reads_the_same_as_the_listing(serving_hub: StandInHub) -> None:
    from hubradar.fetch.client import HubClient

    record = HubClient().model_info("Qwen/Qwen3-8B", ["inferenceProviderMapping", EXPAND])
    assert record.live_providers == ("featherless-ai", "novita", "nscale")
    assert record.children_count == 1863
    # model_info sends a dict keyed by provider: the key names the provider, as in huggingface_hub.
    keyed = from_hub_json({"id": "a/b", "inferenceProviderMapping": {
        "together": {"providerId": "x", "status": "live", "task": "conversational"},
        "novita": {"provider": "stale", "status": "staging", "task": "conversational"},
    }})
    assert keyed.providers is not None
    assert {p.name for p in keyed.providers} == {"together", "novita"}
    assert keyed.live_providers == ("together",)
    assert from_hub_json({"id": "a/b", "inferenceProviderMapping": []}).live_providers == ()
    assert from_hub_json({"id": "a/b"}).live_providers is None


def test_with_adoption_looks_up_derivatives_only_when_asked(serving_hub: StandInHub) -> None:
    # As a listing row: the listing never carries childrenModelCount.
    records = [from_hub_json({k: v for k, v in m.items() if k != EXPAND}) for m in by_downloads()[:6]]
    assert with_adoption(records, "providers", FetchOptions()) == records
    assert serving_hub.info_requests() == []
    looked_up = with_adoption(records, "derivatives", FetchOptions())
    assert [adoption_value(r, "derivatives") for r in looked_up] == [children(m) for m in by_downloads()[:6]]
    assert [adoption_value(r, "downloads") for r in looked_up] == [m["downloads"] for m in by_downloads()[:6]]
    assert len(serving_hub.info_requests()) == 6
    with pytest.raises(ValueError, match="adoption"):
        with_adoption(records, "likes", FetchOptions())


def test_rank_by_puts_unknown_last_and_keeps_ties_in_order() -> None:
    served = (Provider("a", "live"), Provider("b", "live"), Provider("c", "staging"))
    records = [
        ModelRecord("o/unknown", providers=None, children_count=None),
        ModelRecord("o/one", providers=served[:1], children_count=0),
        ModelRecord("o/two", providers=served, children_count=5),
        ModelRecord("o/none", providers=(), children_count=5),
        ModelRecord("o/also-one", providers=served[2:] + served[:1], children_count=None),
    ]
    assert [r.id for r in rank_by(records, "providers")] == ["o/two", "o/one", "o/also-one", "o/none", "o/unknown"]
    assert [r.id for r in rank_by(records, "derivatives")] == ["o/two", "o/none", "o/one", "o/unknown", "o/also-one"]
    assert adoption_value(records[2], "providers") == 2  # staging does not count


def test_family_derivatives_sum_the_known_members() -> None:
    assert sum_known([3, None, 4]) == 7
    assert sum_known([0, None]) == 0
    assert sum_known([None, None]) is None
    assert sum_known([]) is None


def test_signal_request_describes_itself() -> None:
    assert SignalRequest().shown == () and SignalRequest().describe() == {}
    assert SignalRequest(derivatives=True).describe() == {"derivatives": True}
    both = SignalRequest(sort="providers", derivatives=True, limit=5, depth=50)
    assert both.shown == ("providers", "derivatives")
    assert both.describe() == {"sort": "providers", "limit": 5, "depth": 50}
    assert SignalRequest(sort="derivatives", derivatives=True).shown == ("derivatives",)


# --- derivatives with --group: summed over the members of the groups shown ----------------------


def _looked_up(hub: StandInHub) -> list[str]:
    return [r.path.removeprefix("/api/models/") for r in hub.info_requests()]


def _members(rows: list[dict]) -> list[str]:
    return [m["id"] for row in rows for m in row["members"]]


def test_group_family_derivatives_sum_the_members_and_look_up_only_those(run, serving_hub: StandInHub) -> None:
    result = run("trending", "--group", "family", "--derivatives", "--limit", "3", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["query"]["derivatives"] is True
    counts = {m["id"]: children(m) for m in serving_models()}
    rows = payload["rows"]
    assert [r["family"] for r in rows] == ["Qwen/Qwen3.8-27B", "orcarouter/Qwen3.8-27B-Uncensored",
                                           "MiniMaxAI/MiniMax-Music3"]
    for row in rows:
        assert [m["derivatives"] for m in row["members"]] == [counts[m["id"]] for m in row["members"]]
        assert row["member_derivatives"] == sum(counts[m["id"]] for m in row["members"])
        assert row["member_derivatives_known"] == row["member_count"] == len(row["members"])
    assert rows[0]["member_derivatives"] == 847 + 8 + 5 + 1  # the base, its FP8, GGUF and NVFP4
    assert rows[1]["member_derivatives"] == 0  # a real zero: every member's count is known
    # The older key keeps its meaning: finetunes of the listing that lead back to the family.
    assert rows[0]["derivatives"] == 0
    # One model_info per member of the groups shown, nothing else of the 71 models listed.
    info = serving_hub.info_requests()
    assert sorted(_looked_up(serving_hub)) == sorted(_members(rows)) and len(info) == 8
    assert all(expands(r) == [EXPAND] for r in info)
    assert all(EXPAND not in expands(r) for r in serving_hub.listing_requests())

    # Every format sums the same members (a table shows only the top 3 under each), from the cache.
    serving_hub.reset_log()
    md = run("trending", "--group", "family", "--derivatives", "--limit", "3", "--format", "md").out
    assert serving_hub.requests == []
    assert md_cell(md, "Qwen/Qwen3.8-27B", "derivatives") == "861"
    assert md_cell(md, "Qwen/Qwen3.8-27B-FP8", "derivatives") == "8"  # a member's own count, under it
    assert "summed over all of each group's members" in md
    csv_rows = list(csv.DictReader(io.StringIO(
        run("trending", "--group", "family", "--derivatives", "--limit", "3", "--format", "csv").out)))
    assert [(r["member_derivatives"], r["member_derivatives_known"]) for r in csv_rows] == [
        ("861", "4"), ("0", "3"), ("3", "1")]
    assert serving_hub.requests == []


@pytest.mark.parametrize("by", ["author", "series"])
def test_group_author_and_series_derivatives_sum_their_members(run, serving_hub: StandInHub, by: str) -> None:
    result = run("top", "--group", by, "--derivatives", "--limit", "4", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    counts = {m["id"]: children(m) for m in serving_models()}
    for row in rows:
        known = [counts[m["id"]] for m in row["members"] if counts[m["id"]] is not None]
        assert row["member_derivatives"] == (sum(known) if known else None), row[by]
        assert row["member_derivatives_known"] == len(known)
    assert sorted(_looked_up(serving_hub)) == sorted(_members(rows))
    if by == "author":  # sentence-transformers: all-MiniLM-L6-v2, all-mpnet-base-v2 and two paraphrase models
        st = next(r for r in rows if r["author"] == "sentence-transformers")
        assert st["member_count"] == 4 and st["member_derivatives"] == 1512 + 1044 + 689 + 356


def test_an_unknown_member_leaves_the_sum_a_lower_bound_never_zero(run, serving_hub: StandInHub) -> None:
    # Qwen/Qwen3.8-27B-FP8's model_info stops saying; lpiccinelli/unidepth-v2-vitl14 (a family of one) never did.
    for model in serving_hub.models:
        if model["id"] == "Qwen/Qwen3.8-27B-FP8":
            model.pop(EXPAND)
    result = run("top", "--group", "family", "--derivatives", "--limit", "60", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["family"]: r for r in result.json()["rows"]}
    qwen = rows["Qwen/Qwen3.8-27B"]
    assert {m["id"]: m["derivatives"] for m in qwen["members"]}["Qwen/Qwen3.8-27B-FP8"] is None
    assert qwen["member_derivatives"] == 847 + 5 + 1 and qwen["member_derivatives_known"] == 3
    unknown = rows["lpiccinelli/unidepth-v2-vitl14"]
    assert unknown["member_derivatives"] is None and unknown["member_derivatives_known"] == 0
    md = run("top", "--group", "family", "--derivatives", "--limit", "60", "--format", "md").out
    assert md_cell(md, "Qwen/Qwen3.8-27B", "derivatives") == "≥853"
    assert md_cell(md, "lpiccinelli/unidepth-v2-vitl14", "derivatives") == "-"
    assert md_cell(md, "google-bert/bert-base-uncased", "derivatives") == "11.2K"
    members = [m for row in rows.values() for m in row["members"]]
    unknown_members = sum(m["derivatives"] is None for m in members)  # with Comfy-Org/MiniMax-H3, which never said
    assert f"unknown for {unknown_members} of {len(members)} members: ≥ marks a lower bound" in md
    out = run("top", "--group", "family", "--derivatives", "--limit", "60", "--format", "csv").out
    by_family = {r["family"]: r for r in csv.DictReader(io.StringIO(out))}
    assert by_family["lpiccinelli/unidepth-v2-vitl14"]["member_derivatives"] == ""
    assert by_family["Qwen/Qwen3.8-27B"]["member_derivatives"] == "853"


def test_group_derivatives_stop_at_a_rate_limit_and_keep_what_is_known(run, serving_hub: StandInHub) -> None:
    # The two trending leaders (the Qwen3.8-27B base and its GGUF) are looked up first, ungrouped.
    assert run("trending", "--derivatives", "--limit", "2").code == 0
    serving_hub.reset_log()
    serving_hub.inject(*[Fault(status=429, headers={"Retry-After": "600"}, path_prefix="/api/models/")] * 4)
    result = run("trending", "--group", "family", "--derivatives", "--limit", "3", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert rows[0]["member_derivatives"] == 847 + 5 and rows[0]["member_derivatives_known"] == 2  # a lower bound
    assert [r["member_derivatives"] for r in rows[1:]] == [None, None]  # unknown, not 0
    assert 1 <= len(serving_hub.info_requests()) <= 4  # 6 wanted: it stopped at the first 429s
    assert "stopped after 0 of 6 lookups" in result.err and "429" in result.err
    assert len(result.err.strip().splitlines()) == 1
    serving_hub.faults.clear()
    serving_hub.reset_log()
    after = run("trending", "--group", "family", "--derivatives", "--limit", "3", "--format", "json")
    assert len(serving_hub.info_requests()) == 6
    assert [r["member_derivatives"] for r in after.json()["rows"]] == [861, 0, 3]


def test_group_derivatives_offline_come_from_the_lookup_cache_only(run, serving_hub: StandInHub) -> None:
    assert run("trending", "--group", "family", "--limit", "2").code == 0  # the listing, cached
    assert run("trending", "--derivatives", "--limit", "2").code == 0  # two members' counts, cached
    serving_hub.reset_log()
    result = run("trending", "--group", "family", "--derivatives", "--limit", "2", "--offline", "--format", "json")
    assert result.code == 0
    assert serving_hub.requests == []
    rows = result.json()["rows"]
    assert rows[0]["member_derivatives"] == 852 and rows[0]["member_derivatives_known"] == 2
    assert rows[1]["member_derivatives"] is None
    assert "derivatives unknown for 5 models" in result.err


def test_group_without_derivatives_asks_nothing_more(run, serving_hub: StandInHub) -> None:
    payload = run("top", "--group", "family", "--limit", "5", "--format", "json").json()
    assert serving_hub.info_requests() == []
    assert "derivatives" not in payload["query"]
    assert all("member_derivatives" not in row for row in payload["rows"])
    assert all("derivatives" not in m for row in payload["rows"] for m in row["members"])
    assert "derivatives" in payload["rows"][0]  # the listed-finetunes count, as before
    table = run("top", "--group", "family", "--limit", "5").out
    assert "derivatives" not in table


def test_group_still_refuses_a_signal_sort(run, serving_hub: StandInHub) -> None:
    result = run("top", "--group", "family", "--sort", "derivatives")
    assert result.code == 2
    assert "--sort derivatives" in result.err and len(result.err.strip().splitlines()) == 1
