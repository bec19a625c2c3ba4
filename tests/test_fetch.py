"""fetch/ on its own: the settings, the retrying transport, the client's error mapping, the bundled
snapshot. Driven against the stand-in Hub at the HTTP boundary; what is checked is what the server
saw (requests, headers) and the hubradar error raised. Listings and lookups have their own files
(test_fetch_listings.py, test_fetch_lookups.py)."""

from __future__ import annotations

import gzip
import json
import traceback
from datetime import UTC, datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any

import pytest

from conftest import quick_options
from hubradar.core.errors import (
    HubAuthError,
    HubBadRequest,
    HubBadResponse,
    HubError,
    HubRateLimited,
    HubUnreachable,
    ModelNotFound,
    OfflineError,
)
from hubradar.core.record import ModelRecord
from hubradar.fetch.bundled import load_bundled
from hubradar.fetch.client import HubClient
from hubradar.fetch.settings import BUDGET_WINDOW, DEFAULT_ENDPOINT, REQUEST_BUDGET, HubSettings, env_offline
from hubserver import Fault, Request, StandInHub

MODEL = "sentence-transformers/all-MiniLM-L6-v2"  # in the served day (conftest.HUB_DAY)


def client(url: str, **settings: Any) -> HubClient:
    """A client for `url` with the tests' small retry waits (conftest.quick_options)."""
    return HubClient(quick_options(url, [], **settings).hub)


def header(request: Request, name: str) -> str | None:
    """A header the stand-in Hub received (its log keeps the names as sent)."""
    return {k.lower(): v for k, v in request.headers.items()}.get(name.lower())


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "offline"), [("1", True), ("true", True), (" YES ", True), ("on", True),
                                                 ("0", False), ("", False), ("no", False)])
def test_hf_hub_offline_is_read_when_the_settings_are_made(monkeypatch, value: str, offline: bool) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert env_offline() is offline
    assert HubSettings().offline is offline
    assert HubSettings.from_env().offline is offline


def test_offline_is_decided_once_and_an_offline_client_sends_nothing(monkeypatch, hub: StandInHub) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    decided_offline = HubSettings(endpoint=hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    decided_online = HubSettings(endpoint=hub.url)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert decided_offline.offline and not decided_online.offline  # the later environment changes neither
    monkeypatch.delenv("HF_HUB_OFFLINE")  # (huggingface_hub reads it once, at import: keep it unset there)
    with pytest.raises(OfflineError):
        HubClient(decided_offline).check_online()
    with pytest.raises(OfflineError):
        HubClient(decided_offline).model_info(MODEL)
    assert hub.requests == []
    assert HubClient(decided_online).model_info(MODEL).id == MODEL
    assert HubSettings.from_env(offline=True).offline  # the flag alone is enough


def test_the_endpoint_and_token_come_from_the_environment_unless_given(monkeypatch) -> None:
    assert HubSettings.from_env().endpoint == DEFAULT_ENDPOINT
    assert HubSettings.from_env().token is None
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.example:8080/")
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    settings = HubSettings.from_env()
    assert (settings.endpoint, settings.token) == ("http://mirror.example:8080", "hf_from_env")
    given = HubSettings.from_env(endpoint="http://other.example", token="hf_given", timeout=0.5, retries=0)
    assert (given.endpoint, given.token, given.timeout, given.retries) == ("http://other.example", "hf_given", 0.5, 0)
    monkeypatch.setenv("HF_TOKEN", "")
    assert HubSettings.from_env().token is None  # an empty HF_TOKEN is no token
    assert "hf_from_env" not in repr(settings)


def test_the_token_from_hf_token_reaches_the_hub(monkeypatch) -> None:
    guarded = StandInHub([{"id": MODEL, "downloads": 7}], token="hf_secret").serve()
    try:
        monkeypatch.setenv("HF_ENDPOINT", guarded.url)
        monkeypatch.setenv("HF_TOKEN", "hf_secret")
        assert HubClient().model_info(MODEL).downloads == 7
        assert header(guarded.requests[-1], "Authorization") == "Bearer hf_secret"
        assert (header(guarded.requests[-1], "User-Agent") or "").startswith("hubradar/")
        monkeypatch.delenv("HF_TOKEN")
        with pytest.raises(HubAuthError, match="asks for a token"):
            HubClient().model_info(MODEL)
        assert header(guarded.requests[-1], "Authorization") is None
        monkeypatch.setenv("HF_TOKEN", "hf_wrong")
        with pytest.raises(HubAuthError, match="rejected the token"):
            HubClient().model_info(MODEL)
    finally:
        guarded.close()


def test_the_token_goes_only_to_the_endpoints_own_host(serve) -> None:
    home, elsewhere = serve([]), serve([])
    hub = HubClient(HubSettings(endpoint=home.url, token="hf_secret"))
    hub.get(f"{home.url}/api/models")
    hub.get(f"{elsewhere.url}/api/models")
    assert header(home.requests[-1], "Authorization") == "Bearer hf_secret"
    assert header(elsewhere.requests[-1], "Authorization") is None


def test_the_request_budget_stays_inside_the_hubs_anonymous_window() -> None:
    # About 500 anonymous requests per 5 minutes (docs: hub-api notes); the lookups leave room for listings.
    assert BUDGET_WINDOW.total_seconds() == 300
    assert 0 < REQUEST_BUDGET < 500


# --- transport: what is retried, how often, and what is not -------------------------------------


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_a_retryable_status_is_retried_within_the_retries(hub: StandInHub, status: int) -> None:
    hub.inject(*(Fault(status=status) for _ in range(3)))
    assert client(hub.url, retries=3).model_info(MODEL).id == MODEL
    assert len(hub.info_requests()) == 4


def test_past_the_retries_a_5xx_is_hub_unreachable(hub: StandInHub) -> None:
    hub.inject(*(Fault(status=503) for _ in range(5)))
    with pytest.raises(HubUnreachable, match=r"answered 503 \(3 attempts\)") as info:
        client(hub.url, retries=2).model_info(MODEL)
    assert info.value.status == 503 and not isinstance(info.value, HubRateLimited)
    assert len(hub.info_requests()) == 3
    hub.reset_log()
    with pytest.raises(HubUnreachable, match=r"\(1 attempt\)"):
        client(hub.url, retries=0).model_info(MODEL)
    assert len(hub.info_requests()) == 1


@pytest.mark.parametrize(("status", "error"), [(400, HubBadRequest), (401, HubAuthError), (403, HubAuthError),
                                               (404, ModelNotFound), (422, HubBadRequest), (418, HubUnreachable)])
def test_a_4xx_is_not_retried_and_maps_to_hubradars_error(hub: StandInHub, status: int, error: type) -> None:
    hub.inject(Fault(status=status, body=b'{"error": "nope"}'))
    with pytest.raises(error) as info:
        client(hub.url, retries=3).model_info(MODEL)
    assert type(info.value) is error
    assert len(hub.info_requests()) == 1
    assert info.value.__cause__ is not None  # the Hub's own error stays behind it for a debug traceback


def test_a_dropped_or_cut_answer_is_retried(hub: StandInHub) -> None:
    hub.inject(Fault(status=200, body=b"[", content_length=1000))  # a body cut short of its length
    assert client(hub.url).model_info(MODEL).id == MODEL
    assert len(hub.info_requests()) == 2


def test_an_answer_slower_than_the_timeout_is_retried_then_given_up(hub: StandInHub) -> None:
    hub.inject(Fault(status=200, delay=0.5))
    assert client(hub.url, timeout=0.2).model_info(MODEL).id == MODEL
    hub.inject(Fault(status=200, delay=0.5), Fault(status=200, delay=0.5))
    with pytest.raises(HubUnreachable, match=r"did not answer within 0\.2s \(2 attempts\)"):
        client(hub.url, timeout=0.2, retries=1).model_info(MODEL)


def test_a_hub_that_cannot_be_connected_to_is_tried_twice_at_most(dead_hub: str) -> None:
    with pytest.raises(HubUnreachable, match=r"could not be connected to \(2 attempts\)") as info:
        client(dead_hub, retries=3).model_info(MODEL)
    assert info.value.status is None


def test_an_oversized_answer_is_refused_without_retrying(hub: StandInHub) -> None:
    with pytest.raises(HubBadResponse, match="more than 100 bytes"):
        client(hub.url, max_response_bytes=100).model_info(MODEL)
    assert len(hub.info_requests()) == 1


def test_a_429_with_a_short_retry_after_is_waited_out(hub: StandInHub) -> None:
    hub.inject(Fault(status=429, headers={"Retry-After": "0"}))
    assert client(hub.url, base_wait=5, retry_budget=1).model_info(MODEL).id == MODEL
    assert len(hub.info_requests()) == 2


def test_a_retry_after_sets_one_wait_not_the_backoff_after_it(hub: StandInHub) -> None:
    # The Hub's "retry now" is for that retry only: a 503 after it waits the backoff again (5 s, 10 s),
    # which this 1 s budget cannot hold, rather than retrying at once from then on.
    hub.inject(Fault(status=503, headers={"Retry-After": "0"}), Fault(status=503))
    with pytest.raises(HubUnreachable, match=r"answered 503 \(2 attempts\)"):
        client(hub.url, base_wait=5, retry_budget=1, retries=3).model_info(MODEL)
    assert len(hub.info_requests()) == 2


@pytest.mark.parametrize("headers", [
    {"Retry-After": "3600"},
    {"Retry-After": "@DATE@"},  # an HTTP date an hour from now
    {"RateLimit": '"api";r=0;t=3600', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'},
])
def test_a_429_asking_for_longer_than_the_budget_gives_up_at_once(hub: StandInHub, headers: dict) -> None:
    later = format_datetime(datetime.fromtimestamp(datetime.now(UTC).timestamp() + 3600, UTC), usegmt=True)
    hub.inject(Fault(status=429, headers={k: v.replace("@DATE@", later) for k, v in headers.items()}))
    with pytest.raises(HubRateLimited, match=r"rate-limiting requests .*asks to wait") as info:
        client(hub.url, retries=3).model_info(MODEL)
    assert info.value.status == 429
    assert info.value.retry_after is not None and 3500 < info.value.retry_after <= 3600
    assert len(hub.info_requests()) == 1


def test_a_429_without_a_hint_is_retried_then_rate_limited(hub: StandInHub) -> None:
    hub.inject(*(Fault(status=429) for _ in range(3)))
    with pytest.raises(HubRateLimited, match=r"\(429, 3 attempts\)$"):
        client(hub.url, retries=2).model_info(MODEL)
    assert len(hub.info_requests()) == 3


def test_huggingface_hubs_own_side_requests_get_one_attempt(hub: StandInHub) -> None:
    from huggingface_hub.utils import get_session

    client(hub.url, retries=3).check_online()  # installs the transport without a request
    assert hub.requests == []
    hub.inject(Fault(status=503, path_prefix="/api/agent-harnesses"))
    assert get_session().get(f"{hub.url}/api/agent-harnesses", headers={"user-agent": "other"}).status_code == 503
    assert len(hub.requests) == 1


# --- the client: answers and errors --------------------------------------------------------------


def test_model_info_reads_one_model_and_asks_for_what_is_expanded(serve) -> None:
    hub = serve([{"id": "org/a.b-c_d", "downloads": 3, "childrenModelCount": 12, "likes": 1}])
    record = client(hub.url).model_info("org/a.b-c_d", ("childrenModelCount", "downloads"))
    assert isinstance(record, ModelRecord)
    assert (record.id, record.children_count, record.downloads, record.likes) == ("org/a.b-c_d", 12, 3, None)
    (request,) = hub.info_requests()
    assert request.path == "/api/models/org/a.b-c_d"
    assert request.query["expand"] == ["childrenModelCount", "downloads"]
    assert "expand" not in [*client(hub.url).get(f"{hub.url}/api/models/org/a.b-c_d").json()]


def test_get_returns_the_response_and_raises_what_fail_translates(hub: StandInHub) -> None:
    hub_client = client(hub.url)
    assert isinstance(hub_client.get(f"{hub.url}/api/models", {"limit": 2}).json(), list)
    with pytest.raises(Exception) as info:  # huggingface_hub's own HTTP error
        hub_client.get(f"{hub.url}/api/models/org/nothing-here")
    assert not isinstance(info.value, HubError)
    translated = hub_client.fail(info.value, "org/nothing-here")
    assert isinstance(translated, ModelNotFound) and "org/nothing-here" in str(translated)
    assert translated.__cause__ is info.value


@pytest.mark.parametrize(("body", "says"), [(b"<html>busy</html>", "not valid JSON"),
                                            (b'{"id": 42}', "unreadable record"),
                                            (b"[1, 2]", "unreadable record")])
def test_an_unreadable_model_answer_is_a_bad_response(hub: StandInHub, body: bytes, says: str) -> None:
    hub.inject(Fault(status=200, body=body))
    with pytest.raises(HubBadResponse, match=says):
        client(hub.url).model_info(MODEL)


def test_a_rejected_request_carries_the_hubs_reason(hub: StandInHub) -> None:
    hub.inject(Fault(status=400, body=b'{"error": "invalid expand"}'))
    with pytest.raises(HubBadRequest, match=r"rejected org/x \(400\): invalid expand"):
        client(hub.url).model_info("org/x")
    with pytest.raises(HubBadRequest, match="invalid"):  # the stand-in's own 400 for a bad expand
        client(hub.url).model_info(MODEL, ("notAProperty",))


def test_an_error_that_echoes_the_token_does_not_show_it(hub: StandInHub) -> None:
    hub.inject(Fault(status=400, body=b'{"error": "bad token hf_secret"}'))
    hub_client = HubClient(HubSettings(endpoint=hub.url, token="hf_secret", base_wait=0.01))
    with pytest.raises(HubBadRequest) as info:
        hub_client.model_info(MODEL)
    shown = "".join(traceback.format_exception(info.value))
    assert "***" in str(info.value) and "hf_secret" not in shown


# --- the bundled snapshot ------------------------------------------------------------------------


def test_the_bundled_snapshot_loads_with_its_header() -> None:
    raw = json.loads(gzip.decompress(resources.files("hubradar").joinpath("data/snapshot.json.gz").read_bytes()))
    bundled = load_bundled()
    assert bundled.fetched_at == datetime.fromisoformat(raw["fetched_at"].replace("Z", "+00:00"))
    assert bundled.fetched_at.tzinfo is not None and bundled.fetched_at < datetime.now(UTC)
    assert bundled.source == raw["source"] and "data-provenance" in bundled.source
    assert [r.id for r in bundled.records] == [m["id"] for m in raw["models"]]  # every row readable, in order
    assert all(isinstance(r, ModelRecord) for r in bundled.records)
    assert load_bundled() is bundled  # read once per process
