"""`hubradar trending` / `top` end to end against the stand-in Hub: live, cache, fallbacks, formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import hub_models
from hubserver import Fault, StandInHub


def _trending_ids(n: int) -> list[str]:
    models = sorted(hub_models(), key=lambda m: m.get("trendingScore", 0), reverse=True)
    return [m["id"] for m in models[:n]]


def test_trending_live_asks_once_with_expand_and_ranks_like_the_hub(run, hub: StandInHub) -> None:
    result = run("trending", "--format", "json", "--limit", "5")
    assert result.code == 0, result.err
    payload = result.json()
    assert payload["source"] == "live"
    assert [r["id"] for r in payload["rows"]] == _trending_ids(5)
    assert [r["rank"] for r in payload["rows"]] == [1, 2, 3, 4, 5]
    assert payload["rows"][0] == {
        "rank": 1, "listing_rank": 1, "id": "Qwen/Qwen3.8-27B", "author": "Qwen", "task": "image-text-to-text",
        "library": "transformers", "params": 27_000_000_000, "params_source": "name", "active_params": None,
        "size_band": "medium", "band_rank": 1, "trending_score": 2970.0, "downloads": 1726651,
        "likes": 11908, "created_at": "2026-08-05T08:22:59.000Z", "tags": ["transformers", "image-text-to-text"],
        "providers": None, "provider_count": None,  # these captures do not say who serves a model: unknown
        "flags": [],  # sized, not a re-upload, and 16 days old on the capture's day (older still today)
    }
    [request] = hub.listing_requests()
    assert request.query["sort"] == ["trendingScore"]
    assert request.query["limit"] == ["5"]
    assert {"trendingScore", "downloads", "likes", "safetensors", "gguf", "tags"} <= set(request.query["expand"])
    assert "childrenModelCount" not in request.query["expand"]


def test_second_call_is_served_from_cache_without_a_request(run, hub: StandInHub) -> None:
    assert run("top", "--limit", "10").code == 0
    hub.reset_log()
    result = run("top", "--limit", "10", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert hub.requests == []


def test_deeper_cached_listing_serves_a_shallower_one(run, hub: StandInHub) -> None:
    run("top", "--limit", "50")
    hub.reset_log()
    result = run("top", "--limit", "7", "--format", "json")
    assert result.json()["source"] == "cache"
    assert len(result.json()["rows"]) == 7
    assert hub.requests == []


def test_refresh_and_zero_max_age_fetch_again(run, hub: StandInHub) -> None:
    run("trending")
    hub.reset_log()
    assert run("trending", "--refresh", "--format", "json").json()["source"] == "live"
    assert run("trending", "--max-age", "0", "--format", "json").json()["source"] == "live"
    assert len(hub.listing_requests()) == 2


def test_max_age_expired_cache_fetches(run, hub: StandInHub, _isolated) -> None:
    import sqlite3

    run("trending")
    conn = sqlite3.connect(_isolated / "hubradar.sqlite")
    conn.execute("UPDATE snapshots SET fetched_at = '2020-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    hub.reset_log()
    assert run("trending", "--max-age", "2h", "--format", "json").json()["source"] == "live"
    assert len(hub.listing_requests()) == 1


def test_filters_reach_the_hub(run, hub: StandInHub) -> None:
    result = run("top", "--task", "text-generation", "--author", "Qwen", "--search", "qwen3",
                 "--library", "transformers", "--format", "json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert rows and all(r["author"] == "Qwen" and r["task"] == "text-generation" for r in rows)
    downloads = [r["downloads"] for r in rows]
    assert downloads == sorted(downloads, reverse=True)
    [request] = hub.listing_requests()
    assert request.query["pipeline_tag"] == ["text-generation"]
    assert request.query["author"] == ["Qwen"]
    assert request.query["filter"] == ["transformers"]


def test_offline_never_touches_the_network(run, hub: StandInHub) -> None:
    result = run("trending", "--offline", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    assert hub.requests == []
    assert "offline" in result.err and "bundled" in result.err


def test_hf_hub_offline_env_is_honoured(run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert run("trending", "--format", "json").json()["source"] == "snapshot"
    assert hub.requests == []


def test_hub_down_falls_back_to_cache_then_to_the_bundled_snapshot(run, hub: StandInHub, monkeypatch) -> None:
    assert run("trending", "--limit", "5").code == 0
    hub.close()
    result = run("trending", "--limit", "5", "--refresh", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert "could not reach the Hub" in result.err and "cached listing" in result.err
    # A query never fetched before has no cache: the bundled snapshot answers.
    other = run("top", "--limit", "5", "--format", "json")
    assert other.code == 0
    assert other.json()["source"] == "snapshot"
    assert other.json()["fetched_at"].startswith("2026-08-21")
    assert "bundled" in other.err


def test_first_run_with_no_network_shows_the_bundled_snapshot(run, dead_hub: str) -> None:
    result = run("trending", "--format", "json", "--limit", "3")
    assert result.code == 0
    assert [r["id"] for r in result.json()["rows"]] == _trending_ids(3)
    assert "Traceback" not in result.err


def test_a_503_then_success_is_retried(run, hub: StandInHub) -> None:
    hub.inject(Fault(status=503))
    result = run("trending", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "live"
    assert len(hub.listing_requests()) == 2


def test_pagination_one_request_per_thousand(run, monkeypatch) -> None:
    base = hub_models()
    models = [dict(m, id=f"{m['id']}-{i}", downloads=m["downloads"] + i) for i in range(5) for m in base][:2500]
    server = StandInHub(models).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        result = run("top", "--limit", "2500", "--format", "json")
        assert result.code == 0, result.err
        assert len(result.json()["rows"]) == 2500
        assert len(server.listing_requests()) == 3
        assert len({r["id"] for r in result.json()["rows"]}) == 2500
    finally:
        server.close()


def test_csv_and_markdown_formats(run, hub: StandInHub) -> None:
    out = run("trending", "--limit", "3", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == _trending_ids(3)
    assert list(rows[0]) == ["rank", "listing_rank", "id", "author", "task", "library", "params", "params_source",
                             "active_params", "size_band", "band_rank", "trending_score", "downloads", "likes",
                             "created_at", "tags", "providers", "provider_count", "flags"]
    assert rows[0]["tags"] == "transformers;image-text-to-text"
    md = run("trending", "--limit", "3", "--format", "md").out
    assert md.splitlines()[2].startswith("| # | model |")
    assert "[Qwen/Qwen3.8-27B](https://huggingface.co/Qwen/Qwen3.8-27B)" in md


def test_table_shows_human_numbers(run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "220")  # wide enough for every column and whole ids
    result = run("top", "--limit", "3")
    assert result.code == 0
    assert "sentence-transformers/all-MiniLM-L6-v2" in result.out
    assert "258M" in result.out  # 257,677,220 downloads
    assert result.err == ""


def test_all_time_sort_is_ranked_locally_and_says_so(run, hub: StandInHub) -> None:
    for model in hub.models:
        model["downloadsAllTime"] = model["likes"] * 1000
    result = run("top", "--sort", "all-time", "--limit", "3", "--format", "json")
    assert result.code == 0
    by_likes = sorted(hub.models, key=lambda m: m["likes"], reverse=True)
    assert [r["id"] for r in result.json()["rows"]] == [m["id"] for m in by_likes[:3]]
    assert "all-time" in result.err
    assert hub.listing_requests()[0].query["sort"] == ["downloads"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["trending", "--limit", "0"], "--limit"),
        (["trending", "--limit", "-5"], "--limit"),
        (["trending", "--max-age", "soon"], "--max-age"),
        (["top", "--sort", "popularity"], "--sort"),
        (["trending", "--format", "xml"], "--format"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(run, args: list[str], needle: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert needle in result.err
    assert "Traceback" not in result.err


def test_unknown_task_names_the_closest_tags(run, hub: StandInHub) -> None:
    result = run("trending", "--task", "text-gen")
    assert result.code == 2
    assert "text-generation" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_token_is_sent_but_never_shown(run, monkeypatch) -> None:
    secret = "hf_supersecret_token_value"
    server = StandInHub(hub_models(), token=secret).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        ok = run("trending", "--token", secret, "--format", "json")
        assert ok.code == 0 and ok.json()["source"] == "live"
        bad = run("top", "--token", "hf_wrong_" + secret)
        assert bad.code == 1
        assert "401" in bad.err and secret not in bad.err and secret not in bad.out
    finally:
        server.close()


def test_debug_shows_traceback_only_when_asked(run, monkeypatch, hub: StandInHub) -> None:
    hub.inject(Fault(status=400, body=json.dumps({"error": "bad things"}).encode()))
    plain = run("trending", "--refresh")
    assert plain.code == 1 and "Traceback" not in plain.err and "bad things" in plain.err
    monkeypatch.setenv("HUBRADAR_DEBUG", "1")
    hub.inject(Fault(status=400))
    with pytest.raises(Exception, match="rejected"):
        from hubradar.cli.main import main

        main(["trending", "--refresh"])
