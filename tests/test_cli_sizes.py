"""Size columns and filters of `trending` / `top`, end to end against the stand-in Hub."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from urllib.parse import urlencode

import pytest

from conftest import FIXTURES, hub_models
from hubserver import StandInHub

B = 10**9


def _by_downloads() -> list[str]:
    return [m["id"] for m in sorted(hub_models(), key=lambda m: m.get("downloads", 0), reverse=True)]


def _hub_listing(hub: StandInHub, **params: str) -> list[str]:
    """Ask the stand-in Hub directly, as any client could."""
    with urllib.request.urlopen(f"{hub.url}/api/models?{urlencode(params)}") as response:
        return [row["id"] for row in json.loads(response.read())]


def test_size_band_filter_looks_deep_and_keeps_only_the_band(run, hub: StandInHub) -> None:
    result = run("top", "--size", "large", "--limit", "8", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    rows = payload["rows"]
    assert len(rows) == 8
    assert all(r["size_band"] == "large" and r["params"] >= 100 * B for r in rows)
    assert [r["band_rank"] for r in rows] == list(range(1, 9))
    order = _by_downloads()
    assert [r["rank"] for r in rows] == list(range(1, 9))  # the rows shown are numbered 1, 2, 3 ...
    assert [r["listing_rank"] for r in rows] == [order.index(r["id"]) + 1 for r in rows]  # ... and keep their place
    assert rows[0]["listing_rank"] > 1  # small models lead the downloads listing; listing_rank says so
    [request] = hub.listing_requests()
    assert request.query["limit"] == ["1000"]
    assert "num_parameters" not in request.query
    assert payload["size_filter"]["scanned"] == len(hub.models)
    assert payload["size_filter"]["size"] == "large"
    assert "--size large: looked through the top 548 models by 30-day downloads" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_packed_repo_is_sized_by_its_name_not_its_packed_count(run, hub: StandInHub) -> None:
    """nvidia's NVFP4 repo of Nemotron-3-Super-120B-A12B reports 67.2B: it is a 120B model."""
    result = run("top", "--size", "large", "--limit", "50", "--format", "json")
    rows = {r["id"]: r for r in result.json()["rows"]}
    nemotron = rows["nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4"]
    assert (nemotron["params"], nemotron["params_source"], nemotron["active_params"]) == (120 * B, "name", 12 * B)
    assert rows["deepseek-ai/DeepSeek-R1"]["params_source"] == "safetensors"
    # the Hub's own count puts it among the medium models
    medium = _hub_listing(hub, num_parameters="min:10B,max:99B", limit="1000")
    assert "nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4" in medium


def test_min_max_params_keep_models_the_hubs_own_filter_drops(run, hub: StandInHub) -> None:
    result = run("top", "--task", "text-generation", "--min-params", "20B", "--max-params", "40B",
                 "--limit", "30", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert rows and all(20 * B <= r["params"] <= 40 * B for r in rows)
    assert all(r["task"] == "text-generation" for r in rows)
    by_source = {r["params_source"] for r in rows}
    assert {"safetensors", "name"} <= by_source
    name_sized = [r["id"] for r in rows if r["params_source"] in ("name", "gguf", "base")]
    assert "unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF" in name_sized
    [request] = hub.listing_requests()
    assert "num_parameters" not in request.query
    # The Hub's num_parameters counts safetensors metadata only: it would have dropped these rows.
    hub_answer = _hub_listing(hub, num_parameters="min:20B,max:40B", pipeline_tag="text-generation", limit="1000")
    assert not set(name_sized) & set(hub_answer)


@pytest.mark.parametrize("tagged", [False, True])
def test_a_reupload_inherits_its_bases_size_through_lineage(run, hub: StandInHub, tagged: bool) -> None:
    """unsloth/DeepSeek-R1-GGUF reports 29.6B; as a re-upload of DeepSeek-R1 it is 685B.

    Untagged in the capture, the name rule links it (GGUF stripped: DeepSeek-R1); tagged, the metadata.
    """
    model = next(m for m in hub.models if m["id"] == "unsloth/DeepSeek-R1-GGUF")
    assert not any(t.startswith("base_model:") for t in model["tags"])
    if tagged:
        model["tags"] = [*model["tags"], "base_model:deepseek-ai/DeepSeek-R1",
                         "base_model:quantized:deepseek-ai/DeepSeek-R1"]
    medium = run("top", "--size", "medium", "--limit", "1000", "--format", "json")
    assert "unsloth/DeepSeek-R1-GGUF" not in {r["id"] for r in medium.json()["rows"]}
    result = run("top", "--size", "large", "--limit", "1000", "--format", "json")
    rows = {r["id"]: r for r in result.json()["rows"]}
    base = rows["deepseek-ai/DeepSeek-R1"]
    assert rows["unsloth/DeepSeek-R1-GGUF"]["params"] == base["params"]
    assert rows["unsloth/DeepSeek-R1-GGUF"]["params_source"] == "base"


def test_unknown_sizes_are_counted_in_a_footnote_and_kept_on_request(run, hub: StandInHub) -> None:
    filtered = run("top", "--size", "small", "--limit", "5", "--format", "json").json()
    kept = run("top", "--size", "small", "--include-unknown", "--limit", "1000", "--format", "json").json()
    unknown = [r for r in kept["rows"] if r["params"] is None]
    assert unknown, "the downloads listing holds models of unknown size"
    scanned = filtered["size_filter"]["scanned"]
    assert filtered["size_filter"]["unknown_left_out"] == len(unknown)  # of all that was looked through ...
    for limit in ("1", "20", "104"):  # ... so the same whatever the limit (it was 24, 58, 250)
        again = run("top", "--size", "small", "--limit", limit, "--format", "json").json()
        assert again["size_filter"]["unknown_left_out"] == len(unknown)
    assert all(r["size_band"] in ("small", None) for r in kept["rows"])
    assert kept["size_filter"]["include_unknown"] is True
    table = run("top", "--size", "small", "--limit", "5")
    assert (f"{len(unknown)} models of unknown size left out of the {scanned:,} looked through; "
            "--include-unknown keeps them") in " ".join(table.out.split())
    md = run("top", "--size", "small", "--limit", "5", "--format", "md").out
    assert "of unknown size left out" in md
    assert "of unknown size left out" not in run("top", "--size", "small", "--include-unknown").out


def test_trending_takes_the_size_options_too(run, hub: StandInHub) -> None:
    result = run("trending", "--size", "medium", "--limit", "5", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert rows and all(r["size_band"] == "medium" for r in rows)
    assert [r["band_rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert "by trending score" in result.err
    assert hub.listing_requests()[0].query["sort"] == ["trendingScore"]


def test_plain_listing_shows_sizes_without_looking_deeper(run, hub: StandInHub) -> None:
    result = run("trending", "--limit", "10", "--format", "json")
    rows = result.json()["rows"]
    assert [r["rank"] for r in rows] == list(range(1, 11))
    assert "size_filter" not in result.json()
    assert hub.listing_requests()[0].query["limit"] == ["10"]
    bands: dict[str, int] = {}
    for row in rows:  # the rank in band counts the listed models of the same band, in order
        if row["size_band"] is None:
            assert row["band_rank"] is None and row["params"] is None
        else:
            bands[row["size_band"]] = bands.get(row["size_band"], 0) + 1
            assert row["band_rank"] == bands[row["size_band"]]
    assert result.err == ""


def test_size_columns_in_table_and_csv(run, hub: StandInHub) -> None:
    table = run("top", "--size", "tiny", "--limit", "3")
    assert table.code == 0
    header = table.out.splitlines()[1]
    assert "band" in header and "in band" in header and "params" in header
    rows = list(csv.DictReader(io.StringIO(run("top", "--size", "tiny", "--limit", "3", "--format", "csv").out)))
    assert [r["size_band"] for r in rows] == ["tiny"] * 3
    assert [r["band_rank"] for r in rows] == ["1", "2", "3"]
    assert all(int(r["params"]) < B for r in rows)


def test_a_filtered_listing_is_cached_at_its_depth(run, hub: StandInHub) -> None:
    assert run("top", "--limit", "20").code == 0  # a shallow listing cannot answer a size filter
    assert run("top", "--size", "small").code == 0
    assert [r.query["limit"] for r in hub.listing_requests()] == [["20"], ["1000"]]
    hub.reset_log()
    again = run("top", "--size", "small", "--format", "json")
    assert again.json()["source"] == "cache"
    assert run("top", "--limit", "50").code == 0
    assert hub.requests == []


def test_size_filter_works_offline_on_the_bundled_snapshot(run, dead_hub: str) -> None:
    result = run("top", "--offline", "--size", "medium", "--limit", "5", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["source"] == "snapshot"
    assert all(r["size_band"] == "medium" for r in result.json()["rows"])


def test_include_unknown_alone_says_it_does_nothing(run, hub: StandInHub) -> None:
    result = run("top", "--include-unknown", "--limit", "3")
    assert result.code == 0
    assert "--include-unknown does nothing without --size" in result.err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["top", "--min-params", "7 billion"], "--min-params: '7 billion' is not a parameter count"),
        (["top", "--max-params=-3B"], "--max-params: '-3B'"),
        (["top", "--min-params", "-3B"], "--min-params: '-3B'"),
        (["trending", "--min-params", "abc"], "500M, 7B, 1.5b, 70B, 1T, 7e9"),
        (["top", "--min-params", ""], "--min-params: ''"),
        (["top", "--min-params", "70B", "--max-params", "7B"], "--min-params 70B is above --max-params 7B"),
        (["top", "--size", "tiny", "--min-params", "7B"], "no size can match"),
        (["top", "--size", "huge"], "--size"),
    ],
)
def test_bad_sizes_are_one_line_exit_2_and_never_reach_the_hub(run, hub: StandInHub, args: list[str],
                                                                 needle: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert needle in result.err
    assert hub.requests == []


def _serving(hub: StandInHub) -> dict[str, dict]:
    """Serve the serving fixture (real models, made-up derivative counts): id -> model."""
    hub.models = json.loads((FIXTURES / "hub" / "serving-2026-08-21.json").read_text())
    return {m["id"]: m for m in hub.models}


def test_derivatives_column_on_a_size_filtered_listing_keeps_listing_ranks(run, hub: StandInHub) -> None:
    models = _serving(hub)
    result = run("top", "--size", "small", "--derivatives", "--limit", "4", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert len(rows) == 4 and all(r["size_band"] == "small" for r in rows)
    order = [m["id"] for m in sorted(models.values(), key=lambda m: m["downloads"], reverse=True)]
    assert [r["listing_rank"] for r in rows] == [order.index(r["id"]) + 1 for r in rows]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert [r["band_rank"] for r in rows] == [1, 2, 3, 4]
    assert [r["derivatives"] for r in rows] == [models[r["id"]].get("childrenModelCount") for r in rows]
    looked_up = [r for r in hub.requests if r.path.startswith("/api/models/")]
    assert len(looked_up) == 4  # only the rows shown, not the pool the filter looked through


def test_sort_by_derivatives_ranks_the_models_of_the_size_asked_for(run, hub: StandInHub) -> None:
    models = _serving(hub)
    pool = run("top", "--size", "small", "--limit", "12", "--format", "json").json()["rows"]
    result = run("top", "--sort", "derivatives", "--depth", "12", "--size", "small", "--limit", "5",
                 "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    known = sorted((r["id"] for r in pool if models[r["id"]].get("childrenModelCount") is not None),
                   key=lambda i: -models[i]["childrenModelCount"])
    assert [r["id"] for r in rows] == known[:5]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]  # ranked by derivatives now
    assert [r["band_rank"] for r in rows] == [1, 2, 3, 4, 5]


def test_a_bare_min_params_means_billions(run, hub: StandInHub) -> None:
    """`--min-params 7` is 7B to a person; it used to mean 7 parameters and listed 33M models."""
    bare = run("top", "--min-params", "7", "--limit", "10", "--format", "json")
    unit = run("top", "--min-params", "7B", "--limit", "10", "--format", "json")
    assert bare.code == 0 and unit.code == 0
    rows = bare.json()["rows"]
    assert rows and all(r["params"] >= 7 * B for r in rows)
    assert [r["id"] for r in rows] == [r["id"] for r in unit.json()["rows"]]
    ambiguous = run("top", "--min-params", "5000")
    assert ambiguous.code == 2 and "--min-params: '5000' could be 5000 billion or 5000 parameters" in ambiguous.err
