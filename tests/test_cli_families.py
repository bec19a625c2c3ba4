"""`--group family|author|series` on listings and `hubradar family` end to end, against the stand-in Hub."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import hub_models, lineage_models
from hubserver import Fault, StandInHub


def _by_id() -> dict[str, dict]:
    return {m["id"]: m for m in hub_models()}


def _info_requests(hub: StandInHub) -> list[str]:
    return [r.path.removeprefix("/api/models/") for r in hub.requests if r.path.startswith("/api/models/")]


# --- --group on trending and top -------------------------------------------------------------------


def test_top_group_family_rolls_up_reuploads_from_one_deep_listing(run, hub: StandInHub) -> None:
    result = run("top", "--group", "family", "--limit", "500", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    [request] = hub.listing_requests()
    assert request.query["limit"] == ["1000"]  # the default --depth, in one request
    assert not {"baseModels", "childrenModelCount"} & set(request.query["expand"])
    assert payload["coverage"] == {"models": len(hub.models), "depth": 1000, "complete": True}
    assert payload["group_by"] == "family" and payload["ranked_by"] == "downloads"
    rows = {row["family"]: row for row in payload["rows"]}
    family = rows["Qwen/Qwen3.8-27B"]
    members = {m["id"]: m for m in family["members"]}
    models = _by_id()
    assert set(members) == {"Qwen/Qwen3.8-27B", "Qwen/Qwen3.8-27B-FP8", "unsloth/Qwen3.8-27B-GGUF",
                            "unsloth/Qwen3.8-27B-NVFP4"}
    assert members["unsloth/Qwen3.8-27B-GGUF"] == {"id": "unsloth/Qwen3.8-27B-GGUF", "relation": "quantized",
                                                   "downloads": models["unsloth/Qwen3.8-27B-GGUF"]["downloads"],
                                                   "inferred": True}
    assert members["Qwen/Qwen3.8-27B"]["relation"] == "base" and not members["Qwen/Qwen3.8-27B"]["inferred"]
    assert family["downloads"] == sum(models[m]["downloads"] for m in members)
    assert family["member_count"] == 4
    assert family["base_share"] == round(models["Qwen/Qwen3.8-27B"]["downloads"] / family["downloads"], 4)
    assert family["ecosystem_downloads"] >= family["downloads"]
    assert rows["Qwen/Qwen3.6-27B"]["members"][0]["id"] == "Qwen/Qwen3.6-27B-FP8"
    # Grouped rows rank by family downloads, and their shares add up with the concentration.
    downloads = [row["downloads"] for row in payload["rows"]]
    assert downloads == sorted(downloads, reverse=True)
    total = sum(m["downloads"] for m in hub.models)
    assert payload["total_downloads"] == total
    assert payload["concentration"]["top1"] == round(downloads[0] / total, 4)
    assert payload["concentration"]["top5"] == round(sum(downloads[:5]) / total, 4)
    assert payload["inferred_links"] > 0


def test_trending_group_family_ranks_by_summed_trending_score(run, hub: StandInHub) -> None:
    result = run("trending", "--group", "family", "--limit", "5", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["ranked_by"] == "trending"
    scores = [row["trending_score"] for row in payload["rows"]]
    assert scores == sorted(scores, reverse=True)
    top = payload["rows"][0]
    models = _by_id()
    assert top["family"] == "Qwen/Qwen3.8-27B"
    assert top["trending_score"] == pytest.approx(sum(models[m["id"]].get("trendingScore", 0) for m in top["members"]))
    # The family outranks every single model of it: its base alone trends less than the sum.
    assert top["trending_score"] > models["Qwen/Qwen3.8-27B"]["trendingScore"]
    assert hub.listing_requests()[0].query["sort"] == ["trendingScore"]


def test_depth_bounds_what_families_see_and_says_so(run, hub: StandInHub) -> None:
    result = run("top", "--group", "family", "--depth", "100", "--format", "json")
    assert result.code == 0
    payload = result.json()
    assert hub.listing_requests()[0].query["limit"] == ["100"]
    assert payload["coverage"] == {"models": 100, "depth": 100, "complete": False}
    table = run("top", "--group", "family", "--depth", "100")
    assert "top 100 models of this listing (--depth 100)" in " ".join(table.out.split())


def test_group_table_shows_members_under_each_family_and_marks_inferred(run, hub: StandInHub) -> None:
    result = run("trending", "--group", "family", "--limit", "3")
    assert result.code == 0
    lines = result.out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("1 ") and "Qwen/Qwen3.8-27B" in line)
    member = lines[head + 1]  # under its family: └, the member, its numbers, its relation last
    assert member.startswith("└") and "unsloth/Qwen3.8-27B-GGUF" in member and member.endswith("quantized*")
    text = " ".join(result.out.split())
    assert "ranked by summed trending score" in text
    assert "concentration of the downloads listed: top 1" in text
    assert "* linked by name" in text


@pytest.mark.parametrize("by", ["author", "series"])
def test_group_author_and_series(run, hub: StandInHub, by: str) -> None:
    result = run("top", "--group", by, "--limit", "10000", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert all(by in row and "members" in row for row in rows)
    assert sum(row["share"] for row in rows) == pytest.approx(1.0, abs=0.01)
    assert sum(row["member_count"] for row in rows) == len(hub.models)
    key = "Qwen" if by == "author" else "Qwen/Qwen3"
    group = next(row for row in rows if row[by] == key)
    assert "Qwen/Qwen3-8B-AWQ" in {m["id"] for m in group["members"]}


def test_group_csv_lists_member_ids(run, hub: StandInHub) -> None:
    out = run("top", "--group", "family", "--limit", "40", "--format", "csv").out
    rows = {r["family"]: r for r in csv.DictReader(io.StringIO(out))}
    assert set(rows["Qwen/Qwen3.8-27B"]["members"].split(";")) >= {"unsloth/Qwen3.8-27B-GGUF", "Qwen/Qwen3.8-27B"}


def test_grouping_is_served_from_the_cache_the_second_time(run, hub: StandInHub) -> None:
    assert run("top", "--group", "family").code == 0
    hub.reset_log()
    again = run("top", "--group", "series", "--format", "json")
    assert again.code == 0 and again.json()["source"] == "cache"
    assert hub.requests == []


def test_grouping_offline_uses_the_bundled_snapshot(run, hub: StandInHub) -> None:
    result = run("top", "--group", "family", "--offline", "--limit", "100", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    assert "Qwen/Qwen3.8-27B" in {row["family"] for row in result.json()["rows"]}
    assert hub.requests == []


def test_group_over_the_lineage_capture_follows_metadata(run, serve) -> None:
    serve(lineage_models())
    result = run("top", "--group", "family", "--limit", "100", "--format", "json")
    assert result.code == 0, result.err
    rows = {row["family"]: row for row in result.json()["rows"]}
    # The base is not in this capture: the family is its re-uploads, and says the base is unlisted.
    qwen = rows["Qwen/Qwen3.6-27B"]
    assert [m["id"] for m in qwen["members"]] == ["unsloth/Qwen3.6-27B-MTP-GGUF"]
    assert qwen["base_downloads"] is None and not qwen["members"][0]["inferred"]
    cohere = rows["CohereLabs/command-a-plus-05-2026-bf16"]
    assert {m["id"] for m in cohere["members"]} == {"CohereLabs/command-a-plus-05-2026-bf16",
                                                    "CohereLabs/command-a-plus-05-2026-w4a4"}
    assert rows["Jackrong/Qwopus3.5-9B-Coder-GGUF"]["derived_from"] == {
        "id": "Jackrong/Qwopus3.5-9B-v3.5", "relation": "adapter", "inferred": False}
    assert result.json()["inferred_links"] == 0


@pytest.mark.parametrize("args", [["top", "--group", "license"], ["trending", "--group", "family", "--depth", "0"]])
def test_bad_group_options_are_usage_errors(run, args: list[str]) -> None:
    result = run(*args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1


# --- hubradar family ---------------------------------------------------------------------------


def _model(model_id: str, downloads: int, *, parent: str | None = None, relation: str = "quantized",
           also: tuple[str, ...] = ()) -> dict:
    """A made-up model in the Hub's JSON shape, with the Hub's two lineage tags per parent."""
    tags = ["transformers"]
    for base in ((parent,) if parent else ()) + also:
        tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
    return {"id": model_id, "modelId": model_id, "author": model_id.split("/")[0], "downloads": downloads,
            "likes": downloads // 10, "pipeline_tag": "text-generation", "library_name": "transformers",
            "createdAt": "2026-08-01T00:00:00.000Z", "tags": tags}


def _with_children(models: list[dict]) -> list[dict]:
    """Give every model the Hub's `childrenModelCount`: how many models' lineage tags name it."""
    def count(model_id: str) -> int:
        suffix = ":" + model_id.lower()
        return sum(1 for m in models if any(t.lower().startswith("base_model:") and t.lower().endswith(suffix)
                                            for t in m["tags"]))
    return [dict(m, childrenModelCount=count(m["id"])) for m in models]


TREE = _with_children([
    _model("acme/Base-7B", 1000),
    _model("acme/Base-7B-GGUF", 150),  # no lineage metadata: found by name
    _model("q1/Base-7B-GGUF", 400, parent="acme/Base-7B"),
    _model("q2/Base-7B-AWQ", 300, parent="acme/Base-7B"),
    _model("tuner/Chat-7B", 600, parent="acme/Base-7B", relation="finetune"),
    _model("quanter/Chat-7B-GGUF", 200, parent="tuner/Chat-7B"),
    _model("quanter2/Chat-7B-AWQ", 100, parent="tuner/Chat-7B"),
    _model("lora/Chat-7B-LoRA", 50, parent="tuner/Chat-7B", relation="adapter"),
    _model("x/Base-Adapter", 20, parent="acme/Base-7B", relation="adapter"),
    _model("m/Merge-7B", 10, parent="acme/Base-7B", relation="merge", also=("other/Thing-7B",)),
    _model("other/Thing-7B", 5000),
])


def test_family_tree_two_levels_with_totals(run, serve) -> None:
    hub = serve(TREE)
    result = run("family", "acme/Base-7B", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    rows = payload["rows"]
    assert rows[0] == {"id": "acme/Base-7B", "relation": "base", "level": 0, "parent": None, "downloads": 1000,
                       "likes": 100, "children": 5, "inferred": False}  # the Hub counts tagged children only
    level1 = {r["id"]: r for r in rows if r["level"] == 1}
    assert {k: (v["relation"], v["inferred"]) for k, v in level1.items()} == {
        "q1/Base-7B-GGUF": ("quantized", False), "q2/Base-7B-AWQ": ("quantized", False),
        "tuner/Chat-7B": ("finetune", False), "x/Base-Adapter": ("adapter", False),
        "m/Merge-7B": ("merge", False), "acme/Base-7B-GGUF": ("quantized", True)}
    assert level1["tuner/Chat-7B"]["children"] == 3
    # Second level: under the finetune, right after it, with the relation each tag declares.
    at = [r["id"] for r in rows].index("tuner/Chat-7B")
    below = rows[at + 1: at + 4]
    assert [(r["id"], r["relation"], r["level"], r["parent"]) for r in below] == [
        ("quanter/Chat-7B-GGUF", "quantized", 2, "tuner/Chat-7B"),
        ("quanter2/Chat-7B-AWQ", "quantized", 2, "tuner/Chat-7B"),
        ("lora/Chat-7B-LoRA", "adapter", 2, "tuner/Chat-7B")]
    totals = {t["relation"]: t for t in payload["totals"]}
    assert totals["quantized"] == {"relation": "quantized", "models": 2, "downloads": 700, "likes": 70,
                                   "complete": True}
    assert totals["by name"]["models"] == 1 and totals["by name"]["downloads"] == 150
    assert payload["family_downloads"] == 1000 + 400 + 300 + 150
    assert payload["ecosystem_downloads"] == 1850 + 600 + 20 + 10 + 200 + 100 + 50
    assert [r["id"] for r in payload["reuploads"]] == ["q1/Base-7B-GGUF", "q2/Base-7B-AWQ", "acme/Base-7B-GGUF"]
    assert payload["reuploads"][0]["share"] == round(400 / 1850, 4)
    # Requests: the model looked up, then its own and its top five children's derivative counts; five
    # listings, one more for the finetune (the only child with children).
    filters = sorted(f for r in hub.listing_requests() for f in r.query.get("filter", []))
    assert filters == ["base_model:adapter:acme/Base-7B", "base_model:finetune:acme/Base-7B",
                       "base_model:merge:acme/Base-7B", "base_model:quantized:acme/Base-7B",
                       "base_model:tuner/Chat-7B"]
    assert sum("search" in r.query for r in hub.listing_requests()) == 1
    assert len(_info_requests(hub)) == 1 + 1 + 5
    assert payload["children_counts"] == {"looked_up": 5, "unknown": 0}


def test_family_table_shows_the_tree(run, serve) -> None:
    serve(TREE)
    result = run("family", "acme/Base-7B")
    assert result.code == 0, result.err
    out = result.out
    assert out.index("tuner/Chat-7B") < out.index("└ quantized") < out.index("Totals") < out.index("Top re-uploads")
    assert "quantized*" in out and "* a re-upload found by name" in " ".join(out.split())
    assert result.err == ""


def test_family_is_cached_like_every_listing(run, serve) -> None:
    hub = serve(TREE)
    first = run("family", "acme/Base-7B", "--format", "json")
    hub.reset_log()
    second = run("family", "acme/Base-7B", "--format", "json")
    assert second.code == 0
    assert hub.requests == []
    assert second.json()["rows"] == first.json()["rows"]


def test_expand_zero_stays_on_one_level(run, serve) -> None:
    hub = serve(TREE)
    result = run("family", "acme/Base-7B", "--expand", "0", "--limit", "1", "--format", "json")
    assert result.code == 0
    rows = result.json()["rows"]
    assert {r["level"] for r in rows} == {0, 1}
    # One per relation, the re-upload found by name right after the tagged one.
    assert [(r["relation"], r["inferred"]) for r in rows[1:]] == [
        ("quantized", False), ("quantized", True), ("finetune", False), ("adapter", False), ("merge", False)]
    assert len(_info_requests(hub)) == 2  # the model, and its own derivative count


def test_lookups_stop_at_the_first_429_and_say_so(run, serve) -> None:
    hub = serve(TREE)
    assert run("family", "acme/Base-7B", "--expand", "0").code == 0  # the model and listings are cached now
    hub.reset_log()
    hub.inject(*[Fault(status=429, headers={"Retry-After": "60"}, body=b'{"error": "rate limited"}',
                       path_prefix="/api/models/") for _ in range(10)])
    result = run("family", "acme/Base-7B", "--format", "json")
    assert result.code == 0, result.err
    assert "429" in result.err and "stopped after" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert len(_info_requests(hub)) < 5  # four in flight at most; the fifth was never sent
    payload = result.json()
    assert payload["children_counts"]["unknown"] >= 1
    assert {r["level"] for r in payload["rows"]} == {0, 1}  # no second level after a 429
    assert hub.listing_requests() == []


def test_family_of_the_capture_finds_untagged_reuploads(run, hub: StandInHub) -> None:
    result = run("family", "Qwen/Qwen3.8-27B", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    reuploads = {r["id"]: r for r in payload["reuploads"]}
    assert set(reuploads) == {"unsloth/Qwen3.8-27B-GGUF", "Qwen/Qwen3.8-27B-FP8", "unsloth/Qwen3.8-27B-NVFP4"}
    assert all(r["inferred"] for r in reuploads.values())
    models = _by_id()
    assert payload["family_downloads"] == sum(models[m]["downloads"] for m in [*reuploads, "Qwen/Qwen3.8-27B"])
    # Other people's uncensored builds are other models, not re-uploads of this one.
    assert not any("Uncensored" in r["id"] for r in payload["rows"])


def test_family_of_a_tagged_base_in_the_lineage_capture(run, serve) -> None:
    serve(lineage_models())
    result = run("family", "CohereLabs/command-a-plus-05-2026-bf16", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["children_count"] is None  # the capture does not carry the Hub's count: unknown, not 0
    assert [(r["id"], r["relation"], r["inferred"]) for r in payload["rows"][1:]] == [
        ("CohereLabs/command-a-plus-05-2026-w4a4", "quantized", False)]


def test_unknown_model_is_one_line_and_exit_1(run, hub: StandInHub) -> None:
    result = run("family", "nobody/no-such-model-7B")
    assert result.code == 1
    assert result.out == ""
    assert result.err.strip().splitlines() == ["hubradar: error: nobody/no-such-model-7B: no such model on the Hub"]
    assert hub.listing_requests() == []  # nothing listed for a model that does not exist


@pytest.mark.parametrize("bad", ["", "a b/c", "org/name/extra", "-x"])
def test_malformed_model_id_is_a_usage_error(run, bad: str) -> None:
    result = run("family", "--", bad)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1


def test_family_offline_from_the_bundled_snapshot(run, hub: StandInHub) -> None:
    result = run("family", "Qwen/Qwen3.8-27B", "--offline", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["sources"] == ["snapshot"]
    assert "unsloth/Qwen3.8-27B-GGUF" in {r["id"] for r in payload["reuploads"]}
    assert hub.requests == []
    missing = run("family", "nobody/no-such-model-7B", "--offline")
    assert missing.code == 1 and missing.out == ""
    *notices, error = missing.err.strip().splitlines()
    assert error.startswith("hubradar: error: could not look up nobody/no-such-model-7B")
    assert "no cached or bundled listing" in error
    assert len(notices) == 1 and "offline" in notices[0]


def test_family_with_the_hub_down_falls_back(run, dead_hub: str) -> None:
    result = run("family", "Qwen/Qwen3.6-27B", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["sources"] == ["snapshot"]
    assert "could not reach the Hub" in result.err
    assert len(result.err.strip().splitlines()) == 1  # five listings fell back alike: said once


def test_family_of_a_reupload_does_not_claim_its_siblings(run, hub: StandInHub) -> None:
    result = run("family", "unsloth/Qwen3.8-27B-GGUF", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    # Qwen's own FP8 and unsloth's NVFP4 carry Qwen/Qwen3.8-27B's weights, not this GGUF's.
    assert payload["reuploads"] == []
    assert payload["family_downloads"] == _by_id()["unsloth/Qwen3.8-27B-GGUF"]["downloads"]


def test_all_time_grouping_ranks_by_summed_all_time_downloads(run, hub: StandInHub) -> None:
    for model in hub.models:
        model["downloadsAllTime"] = model["likes"] * 1000
    result = run("top", "--sort", "all-time", "--group", "family", "--limit", "10", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    totals = [row["downloads_all_time"] for row in rows]
    assert totals == sorted(totals, reverse=True)
    likes = {m["id"]: m["likes"] for m in hub.models}
    assert all(row["downloads_all_time"] == 1000 * sum(likes[m["id"]] for m in row["members"]) for row in rows)


def test_lineage_cycle_is_broken_and_reported(run, serve) -> None:
    serve([_model("loop/A-7B", 10, parent="loop/B-7B", relation="finetune"),
           _model("loop/B-7B", 99, parent="loop/A-7B"), _model("lab/Other-7B", 5)])
    result = run("top", "--group", "family", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["broken_links"] == [{"id": "loop/B-7B", "parent": "loop/A-7B", "relation": "quantized"}]
    # A finetune of B (other weights): its own family, in B's ecosystem; B is the root now.
    rows = {row["family"]: row for row in payload["rows"]}
    assert list(rows) == ["loop/B-7B", "loop/A-7B", "lab/Other-7B"]
    assert rows["loop/A-7B"]["derived_from"] == {"id": "loop/B-7B", "relation": "finetune", "inferred": False}
    assert rows["loop/B-7B"]["ecosystem_downloads"] == 109 and rows["loop/B-7B"]["derived_from"] is None
    table = run("top", "--group", "family")
    assert "lineage cycles broken, links ignored: loop/B-7B -> loop/A-7B" in " ".join(table.out.split())


def test_family_of_an_original_out_downloaded_by_its_repackage(run, serve) -> None:
    """Issue 17, on 2026-08-16: `Comfy-Org/MiniMax-H3` (a ComfyUI repackage, 13.4M downloads) is a
    re-upload of `MiniMaxAI/MiniMax-H3` (2.3M), the org of the series, created first; the GGUF is too."""
    serve(hub_models("2026-08-16"))
    result = run("family", "MiniMaxAI/MiniMax-H3", "--format", "json")
    assert result.code == 0, result.err
    payload = result.json()
    reuploads = {r["id"]: r for r in payload["reuploads"]}
    assert {"Comfy-Org/MiniMax-H3", "unsloth/MiniMax-H3-GGUF"} <= set(reuploads)
    assert reuploads["Comfy-Org/MiniMax-H3"]["relation"] == "mirror"
    assert payload["reuploads"][0]["id"] == "Comfy-Org/MiniMax-H3"  # a large share, never the base
    assert payload["reuploads"][0]["share"] > 0.5
    assert payload["rows"][0]["id"] == "MiniMaxAI/MiniMax-H3"
