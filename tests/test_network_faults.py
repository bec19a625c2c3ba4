"""Network faults end to end: the stand-in Hub misbehaves, hubradar retries within bounds, then the
cache or the bundled snapshot answers with one notice. Nothing a fault produced is cached."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import hub_models, quick_options
from hubradar.app.listing import get_listing
from hubradar.core.errors import HubAuthError
from hubradar.core.query import ListingQuery
from hubserver import Fault, StandInHub

QUERY = ListingQuery(sort="trending", limit=5)


def _snapshot_count(cache: Path) -> int:
    conn = sqlite3.connect(cache / "hubradar.sqlite")
    try:
        return conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]
    finally:
        conn.close()


def _listing_body(n: int = 5) -> bytes:
    """A good listing page, in the Hub's JSON shape."""
    return json.dumps(hub_models()[:n]).encode()


@pytest.fixture
def primed(run, hub: StandInHub, _isolated: Path) -> Path:
    """A cache holding one good trending listing; the request log is cleared after it."""
    assert run("trending", "--limit", "5").code == 0
    hub.reset_log()
    return _isolated


# --- retried, then answered live ----------------------------------------------------------------


@pytest.mark.parametrize("statuses", [[500, 502, 503], [408], [504, 429]])
def test_a_short_burst_of_retryable_answers_is_retried(hub: StandInHub, statuses: list[int]) -> None:
    notices: list[str] = []
    hub.inject(*(Fault(status=s) for s in statuses))
    listing = get_listing(QUERY, quick_options(hub.url, notices, retries=3))
    assert listing.source == "live"
    assert len(hub.listing_requests()) == len(statuses) + 1
    assert notices == []


def test_a_short_retry_after_is_honoured_even_when_the_backoff_would_not_fit(hub: StandInHub) -> None:
    # The backoff alone (5 s) does not fit the 3 s budget; the Hub's own Retry-After: 0 does.
    notices: list[str] = []
    hub.inject(Fault(status=429, headers={"Retry-After": "0"}))
    listing = get_listing(QUERY, quick_options(hub.url, notices, base_wait=5, retry_budget=3))
    assert listing.source == "live"
    assert len(hub.listing_requests()) == 2


def test_without_a_retry_after_a_backoff_beyond_the_budget_gives_up_at_once(hub: StandInHub) -> None:
    notices: list[str] = []
    hub.inject(Fault(status=503))
    listing = get_listing(QUERY, quick_options(hub.url, notices, base_wait=5, retry_budget=3))
    assert listing.source == "snapshot"
    assert len(hub.listing_requests()) == 1
    assert notices and "answered 503 (1 attempt)" in notices[0]


def test_a_body_that_arrives_slowly_but_within_the_timeout_is_read(hub: StandInHub) -> None:
    notices: list[str] = []
    hub.inject(Fault(status=200, body=_listing_body(), drip=0.01))
    listing = get_listing(QUERY, quick_options(hub.url, notices, timeout=10, retries=0))
    assert listing.source == "live"
    assert [r.id for r in listing.records] == [m["id"] for m in hub_models()[:5]]


# --- given up, and the cache answers ------------------------------------------------------------


def test_a_5xx_burst_longer_than_the_retries_falls_back_to_the_cache(run, hub: StandInHub, primed: Path) -> None:
    hub.inject(*(Fault(status=503) for _ in range(3)))
    result = run("trending", "--limit", "5", "--refresh", "--retries", "2", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 3
    [line] = result.err.splitlines()
    assert "could not reach the Hub" in line and "answered 503 (3 attempts)" in line and "cached listing" in line
    assert _snapshot_count(primed) == 1


def test_retries_zero_means_one_request(run, hub: StandInHub, primed: Path) -> None:
    hub.inject(Fault(status=500))
    result = run("trending", "--limit", "5", "--refresh", "--retries", "0", "--format", "json")
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 1


def test_a_long_retry_after_gives_up_at_once_and_says_how_long(run, hub: StandInHub, primed: Path) -> None:
    hub.inject(Fault(status=429, headers={"Retry-After": "120"}))
    result = run("trending", "--limit", "5", "--refresh", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 1  # default budget is 20 s: no point waiting 120
    [line] = result.err.splitlines()
    assert "rate-limiting" in line and "429" in line and "2m" in line


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"},  # the HTTP-date form
        {"Retry-After": "1e30"},  # longer than any clock can count
        {"Retry-After": "inf"},
        {"RateLimit": '"api";r=0;t=300', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'},  # the Hub's own
    ],
)
def test_other_forms_of_a_long_wait_give_up_at_once(run, hub: StandInHub, primed: Path, headers) -> None:
    hub.inject(Fault(status=429, headers=headers))
    result = run("trending", "--limit", "5", "--refresh", "--format", "json")
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 1
    assert "rate-limiting" in result.err


def test_answers_slower_than_the_timeout_fall_back(run, hub: StandInHub, primed: Path) -> None:
    hub.inject(Fault(status=200, body=_listing_body(), delay=2), Fault(status=200, body=_listing_body(), delay=2))
    result = run("trending", "--limit", "5", "--refresh", "--timeout", "0.2", "--retries", "1", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 2
    assert "did not answer within 0.2s (2 attempts)" in result.err


def test_a_body_that_trickles_in_beyond_the_timeout_times_out(run, hub: StandInHub, primed: Path) -> None:
    # Every piece arrives well within 0.4 s of the last (httpx's read timeout alone would wait
    # forever); the whole body takes 16 x 0.1 s, which is what --timeout bounds.
    hub.inject(Fault(status=200, body=_listing_body(), drip=0.1))
    result = run("trending", "--limit", "5", "--refresh", "--timeout", "0.4", "--retries", "0", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert "did not answer within 0.4s" in result.err


def test_a_body_cut_short_is_retried_then_falls_back(run, hub: StandInHub, primed: Path) -> None:
    body = _listing_body()
    cut = [Fault(status=200, body=body[:40], content_length=len(body)) for _ in range(2)]
    hub.inject(*cut)
    result = run("trending", "--limit", "5", "--refresh", "--retries", "1", "--format", "json")
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 2
    assert "broke off its answer (2 attempts)" in result.err


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<html><body>Please log in to the Wi-Fi</body></html>", "not valid JSON"),
        (b'[{"id": "Qwen/Qwen3-8B", "downloads": 1}, {"id": "Qwen/Qw', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"error": "something"}', "not a list of models (dict)"),
        (b"null", "not a list of models (NoneType)"),
        (b"42", "not a list of models (int)"),
    ],
)
def test_a_body_that_is_not_a_listing_falls_back_and_is_not_cached(
    run, hub: StandInHub, primed: Path, body: bytes, needle: str
) -> None:
    hub.inject(Fault(status=200, body=body))
    result = run("trending", "--limit", "5", "--refresh", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "cache"
    assert len(hub.listing_requests()) == 1  # a broken answer is not worth retrying
    [line] = result.err.splitlines()
    assert needle in line and "cached listing" in line
    assert _snapshot_count(primed) == 1


def test_a_hub_nothing_answers_at_is_tried_twice_not_four_times(run, dead_hub: str) -> None:
    # Connection refused (or no DNS, no route): one retry for a blip, then the fallback at once.
    result = run("trending", "--limit", "5", "--retries", "3", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "snapshot"
    [line] = result.err.splitlines()
    assert "could not be connected to (2 attempts)" in line and "bundled" in line


def test_a_failure_on_a_later_page_costs_the_whole_fetch_not_the_cache(run, monkeypatch, _isolated: Path) -> None:
    base = hub_models()
    models = [dict(m, id=f"{m['id']}-{i}", downloads=m["downloads"] + i) for i in range(3) for m in base][:1500]
    server = StandInHub(models).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        assert run("top", "--limit", "1500").code == 0
        server.inject(*(Fault(status=502, query_contains="cursor=1000") for _ in range(2)))
        result = run("top", "--limit", "1500", "--refresh", "--retries", "1", "--format", "json")
        assert result.code == 0
        assert result.json()["source"] == "cache"
        assert len(result.json()["rows"]) == 1500
        assert _snapshot_count(_isolated) == 1  # the first page alone was not saved as a listing
    finally:
        server.close()


def test_an_oversized_answer_is_refused(hub: StandInHub) -> None:
    notices: list[str] = []
    listing = get_listing(QUERY, quick_options(hub.url, notices, max_response_bytes=1000))
    assert listing.source == "snapshot"
    assert "more than 1,000 bytes" in notices[0]


def test_a_next_link_that_loops_ends_the_listing(hub: StandInHub) -> None:
    rows = hub_models()[:3]
    again = {"Link": f'<{hub.url}/api/models?again=1>; rel="next"'}
    hub.inject(
        Fault(status=200, body=json.dumps(rows).encode(), headers=again, query_contains="sort="),
        Fault(status=200, body=json.dumps(rows).encode(), headers=again, query_contains="again=1"),
    )
    notices: list[str] = []
    listing = get_listing(ListingQuery(limit=50), quick_options(hub.url, notices))
    assert [r.id for r in listing.records] == [m["id"] for m in rows]
    assert len(hub.listing_requests()) == 2
    assert notices == ["skipped 3 duplicate rows from the Hub"]


# --- said plainly, exit 1 -----------------------------------------------------------------------


def test_a_listing_that_needs_a_token_says_so(run, monkeypatch) -> None:
    server = StandInHub(hub_models(), token="hf_right").serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        result = run("trending")
        assert result.code == 1
        assert result.out == ""
        [line] = result.err.splitlines()
        assert "401" in line and "set HF_TOKEN or pass --token" in line
        wrong = run("trending", "--token", "hf_wrong")
        assert wrong.code == 1
        assert "rejected the token" in wrong.err and "invalid or expired" in wrong.err
    finally:
        server.close()


def test_a_403_says_the_token_has_no_access(run, hub: StandInHub) -> None:
    hub.inject(Fault(status=403, body=b'{"error": "Access to model is restricted"}'))
    result = run("top", "--token", "hf_some_token")
    assert result.code == 1
    [line] = result.err.splitlines()
    assert "403" in line and "has no access" in line
    assert "Traceback" not in result.err


def test_auth_errors_raise_from_the_library(hub: StandInHub) -> None:
    hub.inject(Fault(status=401))
    with pytest.raises(HubAuthError, match="401"):
        get_listing(QUERY, quick_options(hub.url, []))
