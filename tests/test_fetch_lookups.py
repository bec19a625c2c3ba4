"""fetch/lookups.py on its own: the one per-model pipeline (`look_up`) against the stand-in Hub, with
an in-memory `LookupCache` written here (a second implementation of the protocol, not a stand-in
for hubradar code). Requests are counted at the server: cached answers are not asked again, the
request budget is shared through the cache's ledger, the lookups stop at the first 429."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from conftest import quick_options
from hubradar.core.record import ModelRecord
from hubradar.core.time import now_utc
from hubradar.fetch.client import HubClient
from hubradar.fetch.lookups import BUDGET_HINT, LookupCache, Lookups, look_up, model_infos
from hubradar.fetch.settings import BUDGET_WINDOW, REQUEST_BUDGET, HubSettings
from hubserver import Fault, StandInHub

IDS = [f"org/m{i}" for i in range(6)]
MODELS = [{"id": model_id, "downloads": 100 + i, "childrenModelCount": i} for i, model_id in enumerate(IDS)]
KIDS = ("childrenModelCount",)


class MemoryCache:
    """A LookupCache in a dict: answers per (id, expand key) with when they were fetched, and the ledger."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[ModelRecord | None, datetime]] = {}
        self.ledger: list[datetime] = []  # when each answer was fetched from the Hub

    def get_lookup(self, model_id: str, expand_key: str, max_age: timedelta) -> tuple[bool, ModelRecord | None]:
        record, at = self.answers.get((model_id, expand_key), (None, None))
        if at is None or now_utc() - at > max_age:
            return False, None
        return True, record

    def put_lookups(self, expand_key: str, results: Iterable[tuple[str, ModelRecord | None]]) -> None:
        for model_id, record in results:
            self.keep(model_id, expand_key, record)

    def lookups_since(self, moment: datetime) -> int:
        return sum(1 for at in self.ledger if at >= moment)

    def keep(self, model_id: str, expand_key: str, record: ModelRecord | None, age: timedelta = timedelta()) -> None:
        at = now_utc() - age
        self.answers[(model_id, expand_key)] = (record, at)
        self.ledger.append(at)


@pytest.fixture
def hub(serve) -> StandInHub:
    """A stand-in Hub serving IDS (each with a childrenModelCount)."""
    return serve(MODELS)


@pytest.fixture
def cache() -> MemoryCache:
    return MemoryCache()


def settings(url: str, **kw: Any) -> HubSettings:
    return quick_options(url, [], **kw).hub


def asked(hub: StandInHub) -> list[str]:
    """The model ids the Hub was asked about, in order."""
    return [r.path.removeprefix("/api/models/") for r in hub.info_requests()]


def test_the_memory_cache_is_a_lookup_cache() -> None:
    cache: LookupCache = MemoryCache()  # mypy checks the protocol; this checks it is not empty
    assert cache.lookups_since(now_utc()) == 0


def test_each_id_is_asked_once_and_answers_are_cached(hub: StandInHub, cache: MemoryCache) -> None:
    wanted = [IDS[0], "org/gone", IDS[1], IDS[0], IDS[2]]  # a repeat, and one the Hub does not have
    got = look_up(wanted, KIDS, settings(hub.url), cache)
    assert sorted(asked(hub)) == sorted({*IDS[:3], "org/gone"})
    assert {k: r.children_count for k, r in got.found.items()} == {IDS[0]: 0, IDS[1]: 1, IDS[2]: 2}
    assert got.missing == {"org/gone"} and got.failed == set()
    assert (got.fetched, got.cached, got.failure, got.why, got.cut) == (4, 0, None, None, 0)
    assert cache.answers[("org/gone", "childrenModelCount")][0] is None  # "not on the Hub" is an answer too
    for r in hub.info_requests():
        assert r.query["expand"] == ["childrenModelCount"]
    hub.reset_log()
    again = look_up(wanted, KIDS, settings(hub.url), cache)
    assert asked(hub) == []
    assert (again.found, again.missing, again.fetched, again.cached) == (got.found, got.missing, 0, 4)


def test_refresh_asks_again_and_an_old_answer_is_asked_again(hub: StandInHub, cache: MemoryCache) -> None:
    old = ModelRecord(id=IDS[0], children_count=99)
    cache.keep(IDS[0], "childrenModelCount", old, age=timedelta(days=2))
    cache.keep(IDS[1], "childrenModelCount", ModelRecord(id=IDS[1], children_count=98), age=timedelta(hours=1))
    got = look_up(IDS[:2], KIDS, settings(hub.url), cache)
    assert asked(hub) == [IDS[0]]  # older than LOOKUP_MAX_AGE (a day); the other is young enough
    assert (got.found[IDS[0]].children_count, got.found[IDS[1]].children_count) == (0, 98)
    hub.reset_log()
    refreshed = look_up(IDS[:2], KIDS, settings(hub.url), cache, refresh=True)
    assert sorted(asked(hub)) == IDS[:2] and refreshed.found[IDS[1]].children_count == 1


def test_what_was_asked_is_part_of_the_cache_key(hub: StandInHub, cache: MemoryCache) -> None:
    look_up([IDS[3]], KIDS, settings(hub.url), cache)
    other = look_up([IDS[3]], ("downloads", "likes"), settings(hub.url), cache)
    assert asked(hub) == [IDS[3], IDS[3]]
    assert hub.info_requests()[-1].query["expand"] == ["downloads", "likes"]
    assert set(cache.answers) == {(IDS[3], "childrenModelCount"), (IDS[3], "downloads,likes")}
    assert (other.found[IDS[3]].downloads, other.found[IDS[3]].children_count) == (103, None)


def test_nothing_to_look_up_asks_nothing(hub: StandInHub, cache: MemoryCache) -> None:
    assert look_up([], KIDS, settings(hub.url), cache) == Lookups()
    assert hub.requests == []


# --- when the Hub is not asked -------------------------------------------------------------------


@pytest.mark.parametrize(("how", "why", "failure"), [
    ({"offline": True}, "offline", "offline"),
    ({"online": False}, "Hub unreachable", "the Hub did not answer the listing"),
])
def test_offline_or_after_a_failed_listing_nothing_is_sent(hub: StandInHub, cache: MemoryCache, how: dict,
                                                           why: str, failure: str) -> None:
    stale = ModelRecord(id=IDS[0], children_count=7)
    cache.keep(IDS[0], "childrenModelCount", stale, age=timedelta(days=30))
    hub_settings = settings(hub.url, offline=how.get("offline", False))
    got = look_up(IDS[:3], KIDS, hub_settings, cache, online=how.get("online", True))
    assert hub.requests == []
    assert (got.why, got.failure, got.fetched) == (why, failure, 0)
    assert got.found == {IDS[0]: stale} and got.cached == 1  # an answer of any age, when allowed
    assert got.failed == set(IDS[1:3]) and got.missing == set()  # not asked is not "not on the Hub"
    strict = look_up(IDS[:3], KIDS, hub_settings, cache, online=how.get("online", True), stale_ok=False)
    assert strict.found == {} and strict.failed == set(IDS[:3])


def test_a_hub_that_cannot_be_reached_leaves_the_ids_failed(dead_hub: str, cache: MemoryCache) -> None:
    cache.keep(IDS[0], "childrenModelCount", ModelRecord(id=IDS[0]), age=timedelta(days=30))
    got = look_up(IDS[:3], KIDS, settings(dead_hub, retries=0), cache, workers=1)
    assert got.why == "Hub stopped answering"
    # The 30-day-old answer is asked for again, then served when the Hub cannot answer.
    assert got.failure == "stopped after 0 of 3 lookups: 127.0.0.1 could not be connected to (1 attempt)"
    assert set(got.found) == {IDS[0]} and got.failed == set(IDS[1:3]) and got.fetched == 0


# --- the request budget and the rate limit --------------------------------------------------------


def test_the_request_budget_is_shared_through_the_cache_ledger(hub: StandInHub, cache: MemoryCache) -> None:
    cache.ledger += [now_utc() - BUDGET_WINDOW - timedelta(minutes=1)] * 50  # outside the window: free again
    cache.ledger += [now_utc() - timedelta(minutes=1)] * (REQUEST_BUDGET - 3)
    first = look_up(IDS[:2], KIDS, settings(hub.url), cache)
    assert sorted(asked(hub)) == IDS[:2] and first.cut == 0 and first.why is None
    second = look_up(IDS[2:5], KIDS, settings(hub.url), cache)  # one request left in the window
    assert sorted(asked(hub)) == IDS[:3]
    assert set(second.found) == {IDS[2]} and second.failed == set(IDS[3:5]) and second.cut == 2
    assert (second.failure, second.why) == (BUDGET_HINT, "request budget")
    hub.reset_log()
    spent = look_up(IDS[3:], KIDS, settings(hub.url), cache)
    assert asked(hub) == [] and spent.cut == 3 and spent.failed == set(IDS[3:])


def test_the_lookups_stop_at_the_first_429(hub: StandInHub, cache: MemoryCache) -> None:
    hub.inject(Fault(status=429, headers={"Retry-After": "3600"}, path_prefix=f"/api/models/{IDS[1]}"))
    got = look_up(IDS[:4], KIDS, settings(hub.url, retries=3), cache, workers=1)
    assert asked(hub) == IDS[:2]  # the 429 is not retried (it asks for an hour) and nothing after it is asked
    assert set(got.found) == {IDS[0]} and got.failed == set(IDS[1:4]) and got.missing == set()
    assert got.why == "Hub stopped answering"
    assert got.failure is not None and got.failure.startswith("stopped after 1 of 4 lookups: ")
    assert "rate-limiting" in got.failure
    assert set(cache.answers) == {(IDS[0], "childrenModelCount")}  # what failed is not cached as an answer


def test_the_progress_wraps_the_requests_with_their_count(hub: StandInHub, cache: MemoryCache) -> None:
    shown: list[str] = []

    @contextmanager
    def progress(message: str) -> Iterator[None]:
        shown.append(message)
        yield

    cache.keep(IDS[0], "childrenModelCount", ModelRecord(id=IDS[0]))
    look_up(IDS[:3], KIDS, settings(hub.url), cache, progress=progress, message="asking {n:,}")
    assert shown == ["asking 2"]
    look_up(IDS[:3], KIDS, settings(hub.url), cache, progress=progress)
    assert shown == ["asking 2"]  # all cached: nothing to wait for


# --- model_infos ------------------------------------------------------------------------------------


def test_model_infos_asks_each_model_once_a_few_at_a_time(serve) -> None:
    many = [f"org/x{i}" for i in range(40)]
    hub = serve([{"id": model_id, "likes": i} for i, model_id in enumerate(many)])
    results, notice = model_infos(HubClient(settings(hub.url)), [*many, "org/gone", many[0]], ("likes",), workers=4)
    assert notice is None
    assert results == {**{m: ModelRecord(id=m, author="org", likes=i) for i, m in enumerate(many)}, "org/gone": None}
    assert sorted(asked(hub)) == sorted([*many, "org/gone"])
