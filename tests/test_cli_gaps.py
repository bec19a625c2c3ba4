"""`hubradar gaps` end to end against the stand-in Hub: matching, adoption, labels, lookups, formats."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, hub_models
from hubradar.analysis.lineage import Lineage
from hubradar.app.gaps import POOL_DEPTH
from hubradar.core.record import records_from_hub_json
from hubradar.views.gaps import GAP_KEYS
from hubserver import Fault, StandInHub

SCORES = FIXTURES / "scores"
TEAM = str(SCORES / "team-coding-2026.csv")


def longtail_models() -> list[dict]:
    """The 2026-08-21 capture plus the long tail llmfit recorded: more than one listing reaches."""
    return hub_models() + json.loads((FIXTURES / "hub" / "longtail-llmfit-2026-05-17.json").read_text())


@pytest.fixture
def longtail_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    server = StandInHub(longtail_models()).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.close()


def info_requests(hub: StandInHub) -> list[str]:
    """The ids asked with `model_info`, one request each."""
    return [r.path.removeprefix("/api/models/") for r in hub.requests if r.path.startswith("/api/models/")]


def pool_ids(models: list[dict]) -> set[str]:
    """What the adoption listing reaches: the most downloaded models, as the Hub ranks them."""
    ranked = sorted(models, key=lambda m: m.get("downloads") or 0, reverse=True)
    return {m["id"].lower() for m in ranked[:POOL_DEPTH]}


def by_model(payload: dict) -> dict[str, dict]:
    return {row["model"]: row for row in payload["rows"]}


# --- the hand-made team sheet against the 2026-08-21 Hub -----------------------------------------


def test_team_sheet_labels_matches_and_unmatched(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM, "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    rows = by_model(payload)
    labels = {row["id"]: row["label"] for row in payload["rows"]}
    assert labels == {
        "Qwen/Qwen3-Coder-480B-A35B-Instruct": "opportunity",
        "moonshotai/Kimi-K2-Instruct": "opportunity",
        "meta-llama/Llama-3.3-70B-Instruct": "opportunity",
        "zai-org/GLM-4.6": "uncertain",  # measured on 10 tasks: its interval reaches below the median
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B": "uncertain",
        "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF": "neither",
        "openai/gpt-oss-20b": "consensus",
        "zai-org/GLM-4.7-Flash": "consensus",
        "meta-llama/Llama-3.1-8B-Instruct": "warning",
        "mistralai/Mistral-7B-Instruct-v0.2": "warning",
        "Qwen/Qwen3.6-27B": "warning",  # measured on its GGUF re-upload
    }
    assert {row["model"]: row["match"] for row in payload["rows"] if row["match"] != "exact"} == {
        "openai--gpt-oss-20b": "org--name",
        "GLM-4.7-Flash": "name",
        "GLM-4.6": "name",
        "unsloth/Qwen3.6-27B-MTP-GGUF": "reupload",
    }
    assert rows["META-LLAMA/llama-3.1-8b-instruct"]["match"] == "exact"  # ids match case-insensitively
    gaps = [row["gap"] for row in payload["rows"]]
    assert gaps == sorted(gaps, reverse=True)
    # nothing dropped: 14 rows in, 11 matched + 3 unmatched out
    assert payload["scores"]["rows"] == 14
    unmatched = {u["model"]: u for u in payload["unmatched"]}
    assert set(unmatched) == {"Llama 3.3 70B", "acme-ai/internal-coder-v2", "Qwen3.8-27B-Uncensored-GGUF"}
    assert unmatched["Llama 3.3 70B"]["suggestions"][0] == "meta-llama/Llama-3.3-70B-Instruct"
    assert unmatched["Llama 3.3 70B"]["line"] == 15
    assert unmatched["acme-ai/internal-coder-v2"]["reason"] == "not on the Hub (404)"
    assert unmatched["Qwen3.8-27B-Uncensored-GGUF"]["suggestions"] == [
        "JonathanColetti/Qwen3.8-27B-Uncensored-GGUF", "orcarouter/Qwen3.8-27B-Uncensored-GGUF"]
    # only the one id the listing did not have was looked up
    assert info_requests(hub) == ["acme-ai/internal-coder-v2"]


def test_percentiles_and_intervals_follow_the_definitions(run, hub: StandInHub) -> None:
    rows = run("gaps", "--scores", TEAM, "--format", "json").json()["rows"]
    n = len(rows)
    for row in rows:
        below = sum(other["score"] < row["score"] for other in rows)
        equal = sum(other["score"] == row["score"] for other in rows)
        assert row["quality_pct"] == pytest.approx(100 * (below + equal / 2) / n, abs=0.05)
        below = sum(other["downloads"] < row["downloads"] for other in rows)
        equal = sum(other["downloads"] == row["downloads"] for other in rows)
        assert row["adoption_pct"] == pytest.approx(100 * (below + equal / 2) / n, abs=0.05)
        assert row["gap"] == pytest.approx(row["quality_pct"] - row["adoption_pct"], abs=0.15)  # each rounded
        if row["n"]:
            low, high = row["interval"]
            assert low < row["score"] < high
        else:
            assert row["interval"] is None


def test_adoption_is_the_family_downloads_of_a_reupload(run, hub: StandInHub) -> None:
    row = by_model(run("gaps", "--scores", TEAM, "--format", "json").json())["unsloth/Qwen3.6-27B-MTP-GGUF"]
    records, _ = records_from_hub_json(hub_models())
    lineage = Lineage(records)
    family = [r for r in records if lineage.family_root(r.id) == "Qwen/Qwen3.6-27B"]
    downloads = {m["id"]: m["downloads"] for m in hub_models()}
    assert row["id"] == "Qwen/Qwen3.6-27B"
    assert row["named"] == "unsloth/Qwen3.6-27B-MTP-GGUF"
    assert row["own_downloads"] == downloads["unsloth/Qwen3.6-27B-MTP-GGUF"]
    assert row["downloads"] == sum(r.downloads or 0 for r in family)
    assert row["downloads"] >= downloads["Qwen/Qwen3.6-27B"] + downloads["unsloth/Qwen3.6-27B-MTP-GGUF"]
    assert row["family_size"] == len(family)
    assert row["likes"] == next(m["likes"] for m in hub_models() if m["id"] == "Qwen/Qwen3.6-27B")


def test_table_calls_out_opportunities_and_warnings(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM)
    assert result.code == 0, result.err
    out = " ".join(result.out.split())  # notes wrap at the terminal's width
    assert "Measured quality vs Hub adoption: team-coding-2026.csv" in out
    assert ("Opportunities (measured at or above the median, adopted below it): Qwen/Qwen3-Coder-480B-A35B-Instruct, "
            "moonshotai/Kimi-K2-Instruct, meta-llama/Llama-3.3-70B-Instruct") in out
    assert "Warnings (adopted at or above the median, measured below it): meta-llama/Llama-3.1-8B-Instruct" in out
    assert "Unmatched rows (3)" in out
    assert out.index("Unmatched rows") > out.index("Warnings")
    # the file was described on stderr, one line
    assert ("read 14 rows from team-coding-2026.csv (comma-separated): model column 'Model', score column "
            "'Pass rate' read as percentages (values end in %)") in result.err


def test_csv_and_markdown(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM, "--format", "csv")
    assert result.code == 0
    table = list(csv.reader(io.StringIO(result.out)))
    assert table[0] == GAP_KEYS
    assert len(table) == 1 + 11
    assert table[1][GAP_KEYS.index("label")] == "opportunity"
    assert "3 rows did not match a Hub model and are not in the CSV" in result.err
    md = run("gaps", "--scores", TEAM, "--format", "md").out
    assert "### Measured quality vs Hub adoption: team-coding-2026.csv" in md
    assert "### Unmatched rows (3)" in md
    assert "| [Qwen/Qwen3.6-27B](https://huggingface.co/Qwen/Qwen3.6-27B) |" in md


def test_plot_draws_every_matched_row(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM, "--plot")
    assert result.code == 0, result.err
    plot = result.out[result.out.index("score (Pass rate)"):]
    for corner in ("opportunity", "consensus", "neither", "warning"):
        assert corner in plot
    assert "family downloads, last 30 days (log scale)" in plot
    assert "1 Qwen/Qwen3-Coder-480B-A35B-Instruct (opportunity, 86.0%, 91K)" in plot
    # The family: the base, its tagged GGUF and its untagged FP8/NVFP4/AWQ re-uploads (the name rule).
    assert "b Qwen/Qwen3.6-27B (warning, 48.1%, 23.8M)" in plot
    md = run("gaps", "--scores", TEAM, "--plot", "--format", "md").out
    assert "```text" in md and "score (Pass rate)" in md


def test_plot_with_json_is_a_usage_error(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM, "--plot", "--format", "json")
    assert result.code == 2
    assert result.err == "hubradar: error: --plot draws for people: use it with the table or --format md, not json\n"


def test_task_sets_aside_models_of_another_task(run, hub: StandInHub) -> None:
    result = run("gaps", "--scores", TEAM, "--task", "text-generation", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    [listing] = hub.listing_requests()
    assert listing.query["pipeline_tag"] == ["text-generation"]
    assert payload["query"]["task"] == "text-generation"
    unmatched = {u["model"]: u["reason"] for u in payload["unmatched"]}
    # Qwen3.6-27B is image-text-to-text: measured, but not in this comparison (and said so)
    assert unmatched["unsloth/Qwen3.6-27B-MTP-GGUF"] == "task image-text-to-text, not text-generation"
    assert "Qwen/Qwen3.6-27B" not in {row["id"] for row in payload["rows"]}
    assert len(payload["rows"]) + len(payload["unmatched"]) == 14


def test_a_misspelt_task_fails_as_top_does(run, hub: StandInHub) -> None:
    """`--task text-generaton` matches no model: the same one-line error as `top`, not 0 of 125 rows matched."""
    sheet = str(SCORES / "evalplus-humaneval-plus.csv")
    top = run("top", "--task", "text-generaton", "--quiet")
    result = run("gaps", "--scores", sheet, "--task", "text-generaton", "--quiet")
    assert (result.code, top.code) == (2, 2)
    assert result.out == ""
    assert result.err == top.err == (
        "hubradar: error: --task 'text-generaton' matches no models; closest known pipeline tags: "
        "text-generation, text2text-generation, mask-generation\n")
    assert info_requests(hub) == []  # failed before looking up the sheet's ids
    loud = run("gaps", "--scores", sheet, "--task", "text-generaton")
    assert loud.code == 2
    assert loud.err.splitlines()[-1] == top.err.strip()


def test_same_hub_model_twice_with_different_scores(run, hub: StandInHub, tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    path.write_text("model,pass@1\ngemma-2b,20.7\nQwen/Qwen3-8B,61\ngoogle/gemma-2b,25.0\n")
    result = run("gaps", "--scores", str(path))
    assert result.code == 2
    assert result.out == ""
    assert result.err.splitlines()[-1] == (
        f"hubradar: error: {path}, line 4, column 2 (pass@1): google/gemma-2b is google/gemma-2b, already scored "
        "20.7 on line 2 (gemma-2b); keep one row per model"
    )


# --- real benchmark results against the Hub with its long tail ------------------------------------


def test_evalplus_display_names(run, longtail_hub: StandInHub) -> None:
    result = run("gaps", "--scores", str(SCORES / "evalplus-humaneval-plus.csv"), "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert len(payload["rows"]) + len(payload["unmatched"]) == 125
    rows = by_model(payload)
    assert rows["GPT-J-6B"]["id"] == "EleutherAI/gpt-j-6b"
    assert rows["GPT-J-6B"]["match"] == "name"
    assert rows["Qwen2.5-Coder-32B-Instruct"]["id"] == "Qwen/Qwen2.5-Coder-32B-Instruct"
    assert rows["Qwen2.5-Coder-32B-Instruct"]["score"] == pytest.approx(0.872)
    assert rows["Qwen2.5-Coder-32B-Instruct"]["n"] == 164
    # every name matched is a model the adoption listing reaches; bare names cannot be looked up
    reached = pool_ids(longtail_models())
    assert all(row["named"].lower() in reached for row in payload["rows"])
    unmatched = {u["model"]: u for u in payload["unmatched"]}
    assert unmatched["Zephyr β-7B"]["suggestions"][0] == "HuggingFaceH4/zephyr-7b-beta"
    assert unmatched["GPT 4o (Aug 2024)"]["reason"] == "closed model (OpenAI), not on the Hub"
    assert unmatched["GPT 4o (Aug 2024)"]["suggestions"] == []
    assert unmatched["Mistral-7B"]["reason"] == "no listed model of this name"
    assert info_requests(longtail_hub) == ["databricks/dbrx-instruct"]  # the one row written as an id


def test_evalplus_ids_outside_the_listing_are_looked_up_once(run, longtail_hub: StandInHub) -> None:
    path = str(SCORES / "evalplus-mbpp-plus-ids.csv")
    result = run("gaps", "--scores", path, "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    with open(path, encoding="utf-8-sig") as handle:
        ids = [line.split(";")[0] for line in handle.read().splitlines()[1:]]
    reached = pool_ids(longtail_models())
    served = {m["id"] for m in longtail_models()}
    outside = [i for i in ids if i.lower() not in reached]
    assert sorted(info_requests(longtail_hub)) == sorted(outside)
    rows, unmatched = by_model(payload), {u["model"]: u for u in payload["unmatched"]}
    assert set(rows) == {i for i in ids if i in served}
    assert all(unmatched[i]["reason"] == "not on the Hub (404)" for i in ids if i not in served)
    assert payload["lookups"]["fetched"] == len(outside)
    # a looked-up model brings its own downloads: Codestral is only reachable one by one
    codestral = rows["mistralai/Codestral-22B-v0.1"]
    assert codestral["downloads"] == next(m["downloads"] for m in hub_models()
                                          if m["id"] == "mistralai/Codestral-22B-v0.1")
    # llmfit recorded no downloads for openchat: adoption unknown, labelled so, sorted last
    assert rows["openchat/openchat-3.5-0106"]["downloads"] is None
    assert rows["openchat/openchat-3.5-0106"]["label"] == "unknown"
    assert payload["rows"][-1]["model"] == "openchat/openchat-3.5-0106"
    # the second run is answered from the cache: no request at all
    longtail_hub.reset_log()
    again = run("gaps", "--scores", path, "--format", "json").json()
    assert longtail_hub.requests == []
    assert again["rows"] == payload["rows"]
    assert again["lookups"]["cached"] == len(outside)


def test_lookups_older_than_a_day_are_asked_again(run, longtail_hub: StandInHub, _isolated: Path) -> None:
    path = str(SCORES / "evalplus-mbpp-plus-ids.csv")
    run("gaps", "--scores", path)
    asked = len(info_requests(longtail_hub))
    conn = sqlite3.connect(_isolated / "hubradar.sqlite")
    conn.execute("UPDATE lookups SET fetched_at = '2020-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    longtail_hub.reset_log()
    assert run("gaps", "--scores", path).code == 0
    assert len(info_requests(longtail_hub)) == asked
    assert longtail_hub.listing_requests() == []  # the listing itself is still fresh


def test_rate_limit_stops_the_lookups_with_a_notice(run, longtail_hub: StandInHub) -> None:
    path = str(SCORES / "evalplus-mbpp-plus-ids.csv")
    longtail_hub.inject(*[Fault(status=429, headers={"Retry-After": "120"}, path_prefix="/api/models/")] * 100)
    result = run("gaps", "--scores", path, "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    asked = info_requests(longtail_hub)
    outside = [u for u in payload["unmatched"] if u["reason"] == "not looked up (Hub stopped answering)"]
    assert len(asked) < len(outside)  # stopped early, a few workers' worth of requests
    assert "stopped after 0 of" in result.err and "rate-limiting requests (429" in result.err
    assert any(u["model"] == "mistralai/Codestral-22B-v0.1" for u in outside)
    # the models the listing reaches are still compared
    assert "Qwen/Qwen2.5-Coder-32B-Instruct" in by_model(payload)


def test_offline_uses_cached_lookups_and_says_what_it_could_not(run, longtail_hub: StandInHub,
                                                                 tmp_path: Path) -> None:
    path = str(SCORES / "evalplus-mbpp-plus-ids.csv")
    online = run("gaps", "--scores", path, "--format", "json").json()
    longtail_hub.reset_log()
    offline = run("gaps", "--scores", path, "--format", "json", "--offline", "--max-age", "0")
    assert offline.code == 0, offline.err
    assert longtail_hub.requests == []
    assert offline.json()["rows"] == online["rows"]
    # a machine that never looked anything up: the bundled snapshot, and no lookups
    fresh = run("gaps", "--scores", path, "--format", "json", "--offline", "--cache-dir", str(tmp_path / "new"))
    assert fresh.code == 0, fresh.err
    assert longtail_hub.requests == []
    payload = fresh.json()
    assert payload["source"] == "snapshot"
    reasons = {u["model"]: u["reason"] for u in payload["unmatched"]}
    assert reasons["deepseek-ai/deepseek-coder-6.7b-instruct"] == "not looked up (offline)"
    assert "could not look up" in fresh.err and "(offline)" in fresh.err


def test_hub_down_skips_the_lookups_instead_of_retrying_each(run, hub: StandInHub, tmp_path: Path) -> None:
    assert run("gaps", "--scores", TEAM).code == 0
    hub.close()
    path = tmp_path / "bench.csv"
    path.write_text("model,score\nQwen/Qwen3-8B,0.6\nacme-ai/internal-coder-v3,0.7\nacme-ai/internal-coder-v2,0.5\n")
    result = run("gaps", "--scores", str(path), "--refresh", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["source"] == "cache"  # the listing fell back to the cache
    reasons = {u["model"]: u["reason"] for u in payload["unmatched"]}
    assert reasons["acme-ai/internal-coder-v3"] == "not looked up (Hub unreachable)"
    assert reasons["acme-ai/internal-coder-v2"] == "not on the Hub (404)"  # answered by the lookup cache
    assert ("could not look up 1 model outside the listing (the Hub did not answer the listing): "
            "acme-ai/internal-coder-v3") in result.err


def test_lookups_respect_the_shared_request_budget(run, hub: StandInHub, _isolated: Path, tmp_path: Path) -> None:
    assert run("gaps", "--scores", TEAM).code == 0
    conn = sqlite3.connect(_isolated / "hubradar.sqlite")
    stamp = conn.execute("SELECT fetched_at FROM lookups").fetchone()[0]  # just now
    conn.executemany("INSERT INTO lookups (model_id, expand_key, fetched_at, data) VALUES (?, 'x', ?, NULL)",
                     [(f"filler/{i}", stamp) for i in range(500)])
    conn.commit()
    conn.close()
    hub.reset_log()
    path = tmp_path / "bench.csv"
    path.write_text("model,score\nQwen/Qwen3-8B,0.6\nacme-ai/internal-coder-v3,0.7\n")
    result = run("gaps", "--scores", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert info_requests(hub) == []
    assert result.json()["unmatched"][0]["reason"] == "not looked up (request budget)"
    assert "the Hub allows about 500 requests per 5 minutes" in result.err


def test_open_llm_leaderboard_hub_ids(run, longtail_hub: StandInHub) -> None:
    result = run("gaps", "--scores", str(SCORES / "openllm-v1-average.csv"), "--score-col", "Average",
                 "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["scores"]["scale"] == "0-100"
    assert len(payload["rows"]) + len(payload["unmatched"]) == 95
    rows = by_model(payload)
    # falcon-180B is in the Hub's top 300 by likes but far outside the 1,000 most downloaded
    assert rows["tiiuae/falcon-180B"]["match"] == "exact"
    assert "tiiuae/falcon-180B" in info_requests(longtail_hub)
    assert rows["tiiuae/falcon-180B"]["downloads"] == next(m["downloads"] for m in hub_models()
                                                          if m["id"] == "tiiuae/falcon-180B")


def test_a_reupload_whose_base_is_not_on_the_hub(run, hub: StandInHub, tmp_path: Path) -> None:
    gguf = "DavidAU/Qwen3.6-27B-Fable-Fusion-711-Uncensored-Heretic-NM-DAU-NEO-MAX-MTP-GGUF"
    base = "DavidAU/Qwen3.6-27B-Fable-Fusion-711-Uncensored-Heretic-NM-DAU-MTP"
    path = tmp_path / "bench.csv"
    path.write_text(f"model,score\n{gguf},0.40\nQwen/Qwen3-8B,0.50\n")
    result = run("gaps", "--scores", str(path), "--format", "json")
    assert result.code == 0, result.err
    row = by_model(result.json())[gguf]
    # the base was looked up (the listing does not have it), the Hub has no such model: the family is
    # what is known of it
    assert base in info_requests(hub)
    assert (row["id"], row["match"]) == (base, "reupload")
    assert row["downloads"] == next(m["downloads"] for m in hub_models() if m["id"] == gguf)
    assert row["likes"] is None


def test_a_sheet_that_matches_nothing_still_lists_every_row(run, hub: StandInHub, tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    path.write_text("model,score\nGPT 4o (Aug 2024),0.9\nacme-ai/internal-coder-v2,0.7\n")
    result = run("gaps", "--scores", str(path), "--plot")
    assert result.code == 0, result.err
    assert "None of the 2 rows matched a Hub model." in result.out
    assert "Unmatched rows (2)" in result.out
    assert "hubradar: nothing to plot: no matched row has a download count" in result.err
    payload = run("gaps", "--scores", str(path), "--format", "json").json()
    assert payload["rows"] == []
    assert [u["line"] for u in payload["unmatched"]] == [2, 3]


# --- what adoption means: downloads, derivatives or providers (the serving fixture) -----------------

SERVING_SHEET = """model,pass@1,n
Qwen/Qwen3-8B,62.0,164
meta-llama/Llama-3.1-8B-Instruct,55.5,164
deepseek-ai/DeepSeek-R1,80.5,164
ornith-ai/Ornith-1.5-35B-A3B,78.0,164
OBLITERATUS/Qwen3.8-27B-OBLITERATED,40.2,164
Qwen/Qwen3.8-2.4T-A95B,85.4,164
facebook/opt-125m,10.4,164
"""


@pytest.fixture
def serving(hub: StandInHub, tmp_path: Path) -> tuple[StandInHub, Path, dict[str, dict]]:
    """The stand-in Hub serving the serving fixture (invented providers and derivative counts)."""
    models = json.loads((FIXTURES / "hub" / "serving-2026-08-21.json").read_text())
    hub.models = models
    path = tmp_path / "serving.csv"
    path.write_text(SERVING_SHEET)
    return hub, path, {m["id"]: m for m in models}


def _family(models: dict[str, dict], base: str) -> list[dict]:
    records, _ = records_from_hub_json(list(models.values()))
    lineage = Lineage(records)
    return [models[r.id] for r in records if lineage.family_root(r.id) == base]


def test_adoption_by_live_providers(run, serving) -> None:
    hub, path, models = serving
    result = run("gaps", "--scores", str(path), "--adoption", "providers", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["adoption"] == "providers"
    for row in payload["rows"]:
        live = {p["provider"] for m in _family(models, row["id"]) for p in m.get("inferenceProviderMapping", [])
                if p["status"] == "live"}
        assert row["adoption"] == len(live), row["id"]
        assert row["downloads"] == sum(m["downloads"] for m in _family(models, row["id"]))
    rows = {row["id"]: row for row in payload["rows"]}
    # measured well, served by nobody: the question --adoption providers is for
    assert rows["ornith-ai/Ornith-1.5-35B-A3B"]["adoption"] == 0
    assert rows["ornith-ai/Ornith-1.5-35B-A3B"]["label"] == "opportunity"
    # by downloads the same model is not the same story
    by_downloads = {row["id"]: row for row in run("gaps", "--scores", str(path), "--format", "json").json()["rows"]}
    assert by_downloads["meta-llama/Llama-3.1-8B-Instruct"]["adoption"] == models[
        "meta-llama/Llama-3.1-8B-Instruct"]["downloads"]
    assert info_requests(hub) == []  # providers come with the listing


def test_adoption_by_derivatives_looks_up_each_member_once(run, serving) -> None:
    hub, path, models = serving
    result = run("gaps", "--scores", str(path), "--adoption", "derivatives", "--format", "json", "--plot")
    assert result.code == 2  # --plot is for people
    result = run("gaps", "--scores", str(path), "--adoption", "derivatives", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    members = {m["id"] for row in rows for m in _family(models, row["id"])}
    asked = [r for r in hub.requests if r.path.startswith("/api/models/")]
    assert sorted(r.path.removeprefix("/api/models/") for r in asked) == sorted(members)
    assert all(r.query["expand"] == ["childrenModelCount"] for r in asked)
    for row in rows:
        assert row["adoption"] == sum(m["childrenModelCount"] for m in _family(models, row["id"]))
    hub.reset_log()
    table = run("gaps", "--scores", str(path), "--adoption", "derivatives", "--plot")
    assert table.code == 0, table.err
    assert info_requests(hub) == []  # cached for a day
    assert "family derivatives" in table.out
    assert "family derivatives (log scale)" in table.out


def test_size_filters_apply_to_the_compared_rows(run, hub: StandInHub) -> None:
    path = str(SCORES / "team-coding-2026.csv")
    everything = run("gaps", "--scores", path, "--format", "json").json()
    small = run("gaps", "--scores", path, "--max-params", "30B", "--format", "json")
    assert small.code == 0, small.err
    payload = small.json()
    kept = {r["model"] for r in payload["rows"]}
    left = {u["model"]: u["reason"] for u in payload["unmatched"]}
    assert kept < {r["model"] for r in everything["rows"]}
    assert "meta-llama/Llama-3.3-70B-Instruct" in left and "outside --max-params 30B" in left[
        "meta-llama/Llama-3.3-70B-Instruct"]
    # percentiles are taken among the rows that are compared
    assert sorted(r["quality_pct"] for r in payload["rows"]) != sorted(
        r["quality_pct"] for r in everything["rows"] if r["model"] in kept)
    bad = run("gaps", "--scores", path, "--min-params", "70B", "--max-params", "7B")
    assert bad.code == 2 and "--min-params" in bad.err


# --- 80 columns, closed models, the footer ------------------------------------------------------


def _section(out: str, title: str) -> tuple[str, list[str]]:
    """(header line, table lines) of the table titled `title`: the lines under its rule, up to its notes."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    rule = next(i for i in range(start, len(lines)) if lines[i].startswith("─"))
    end = next((i for i in range(rule + 1, len(lines))
                if lines[i][:4].strip() and not lines[i].strip().lstrip("-")[:1].isdigit()), len(lines))
    return lines[rule - 1], lines[rule + 1:end]


def _stands_for(shown: str, full: str) -> bool:
    pattern = ".+".join(re.escape(part) for part in shown.split("…"))
    return re.fullmatch(pattern, full) is not None


def test_at_80_columns_ids_keep_30_characters_and_the_match_stays(run, hub: StandInHub,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rows = run("gaps", "--scores", TEAM, "--format", "json").json()["rows"]
    monkeypatch.setenv("COLUMNS", "80")
    result = run("gaps", "--scores", TEAM)
    assert result.code == 0, result.err
    assert max(len(line) for line in result.out.splitlines()) <= 80
    header, lines = _section(result.out, "Measured quality vs Hub adoption")
    headers = re.split(r"\s{3,}", header.strip())
    assert {"gap", "label", "model (family base)", "match", "score"} <= set(headers)
    cells = [re.split(r"\s{3,}", line.strip()) for line in lines]
    cells = cells[:next((i for i, c in enumerate(cells) if len(c) != len(headers)), len(cells))]  # notes follow
    assert len(cells) == len(rows)
    for cell, row in zip(cells, rows, strict=True):
        shown = cell[headers.index("model (family base)")]
        assert shown == row["id"] or (len(shown) >= 30 and _stands_for(shown, row["id"])), (shown, row["id"])
        assert cell[headers.index("match")] == row["match"]


def test_at_80_columns_free_text_wraps_at_words(run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("gaps", "--scores", TEAM, "--task", "text-generation")
    unmatched = {u["line"]: u for u in run(*args, "--format", "json").json()["unmatched"]}
    assert "task image-text-to-text, not text-generation" in {u["reason"] for u in unmatched.values()}
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*args)
    assert result.code == 0, result.err
    assert max(len(line) for line in result.out.splitlines()) <= 80
    header, lines = _section(result.out, "Unmatched rows")
    why, closest, written = header.index("why"), header.index("closest Hub id"), header.index("as written")
    parts: dict[int, list[tuple[str, str]]] = {}
    for line in lines:
        if line[:4].strip():
            current = int(line[:4])
        parts.setdefault(current, []).append((line[written:why].strip(), line[why:closest].strip()))
    assert set(parts) == set(unmatched)
    for number, pieces in parts.items():
        reason = " ".join(p for _, p in pieces if p)
        assert reason == unmatched[number]["reason"]  # every word whole, in order: wrapped, never cut
        as_written = [p for p, _ in pieces if p]
        assert unmatched[number]["model"] in ("".join(as_written), " ".join(as_written))


def test_a_closed_model_is_named_closed_with_no_suggestion(run, hub: StandInHub, tmp_path: Path) -> None:
    path = tmp_path / "bench.csv"
    path.write_text("model,score\ngpt-4o,0.9\nClaude 3.5 Sonnet,0.88\nGemini 1.5 Pro 002,0.8\no1-mini,0.85\n"
                    "openai/gpt-4o,0.9\nGPT-Neo-2.7B,0.2\nQwen/Qwen3-8B,0.6\n")
    result = run("gaps", "--scores", str(path), "--format", "json")
    assert result.code == 0, result.err
    unmatched = {u["model"]: u for u in result.json()["unmatched"]}
    for model, vendor in (("gpt-4o", "OpenAI"), ("Claude 3.5 Sonnet", "Anthropic"), ("Gemini 1.5 Pro 002", "Google"),
                          ("o1-mini", "OpenAI"), ("openai/gpt-4o", "OpenAI")):
        assert unmatched[model]["reason"] == f"closed model ({vendor}), not on the Hub"
        assert unmatched[model]["suggestions"] == []
    # an open model outside the listing is not closed, and gets no id that only begins like it
    assert unmatched["GPT-Neo-2.7B"]["reason"] == "no listed model of this name"
    assert not [s for s in unmatched["GPT-Neo-2.7B"]["suggestions"] if "gpt-oss" in s or "gpt2" in s]


def test_the_footer_names_the_models_compared_against(run, hub: StandInHub, tmp_path: Path) -> None:
    live = run("gaps", "--scores", TEAM, "--format", "json").json()
    assert live["listed"] == len(hub_models()) < POOL_DEPTH  # the stand-in Hub has fewer than asked for
    table = run("gaps", "--scores", TEAM).out
    assert f"Adoption from the {len(hub_models())} most downloaded models, from the cache" in " ".join(table.split())
    fresh = ("gaps", "--scores", TEAM, "--offline", "--cache-dir", str(tmp_path / "new"))
    bundled = run(*fresh, "--format", "json").json()
    assert bundled["source"] == "snapshot"
    text = " ".join(run(*fresh).out.split())
    assert f"Adoption from the {bundled['listed']} most downloaded models, from the bundled snapshot" in text
    assert "1,000" not in text
    typed = run(*fresh, "--task", "text-generation", "--format", "json").json()
    assert typed["listed"] < bundled["listed"]
    assert (f"Adoption from the {typed['listed']} most downloaded text-generation models"
            in " ".join(run(*fresh, "--task", "text-generation").out.split()))
