"""fetch/listings.py on its own: paged `/api/models` requests against the stand-in Hub, counted at the
server (one request per 1,000 models, the Link header followed, the expand fields asked for), and
what `list_models` makes of the rows (skipped and duplicate rows counted, `complete`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import hub_models, quick_options
from hubgen import GeneratedHub, generated_row
from hubradar.core.errors import HubBadRequest, HubBadResponse, OfflineError
from hubradar.core.query import ListingQuery
from hubradar.fetch.client import HubClient
from hubradar.fetch.listings import LISTING_EXPAND, list_models, listing_params, listing_url, pages
from hubradar.fetch.settings import HubSettings
from hubserver import Fault, StandInHub


@pytest.fixture
def generated() -> Any:
    """A stand-in Hub serving 2,500 generated models in download order (pages of 1,000)."""
    server = StandInHub(GeneratedHub(2500), lazy=True).serve()
    yield server
    server.close()


def client(url: str) -> HubClient:
    return HubClient(quick_options(url, []).hub)


def page_of(rows: list[Any], next_url: str | None = None, query_contains: str = "") -> Fault:
    """One listing page served as is (a 200 with these rows, and a next link when given)."""
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return Fault(status=200, body=json.dumps(rows).encode(), headers=headers, query_contains=query_contains)


# --- pages and requests ------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "requests"), [(1, 1), (999, 1), (1000, 1), (1001, 2), (2500, 3)])
def test_one_request_per_thousand_models(generated: StandInHub, limit: int, requests: int) -> None:
    result = list_models(client(generated.url), ListingQuery(sort="downloads"), limit)
    assert [r.id for r in result.records] == [generated_row(i)["id"] for i in range(limit)]
    assert len(generated.listing_requests()) == requests
    assert result.skipped == 0 and not result.complete  # the Hub has more than was asked


def test_the_next_link_is_followed_with_the_query_it_carries(generated: StandInHub) -> None:
    list_models(client(generated.url), ListingQuery(sort="downloads", limit=2500))
    first, *rest = generated.listing_requests()
    assert "cursor" not in first.query
    assert [r.query["cursor"] for r in rest] == [["1000"], ["2000"]]
    for request in (first, *rest):  # the Link carries sort, limit and expand: nothing is lost on page 2
        assert request.query["sort"] == ["downloads"] and request.query["limit"] == ["2500"]
        assert request.query["expand"] == list(LISTING_EXPAND)


def test_a_listing_shorter_than_the_limit_is_complete(generated: StandInHub) -> None:
    result = list_models(client(generated.url), ListingQuery(sort="downloads"), 4000)
    assert len(result.records) == 2500 and result.complete
    assert len(generated.listing_requests()) == 3


def test_pages_yields_each_page_with_the_link_to_the_next(generated: StandInHub) -> None:
    hub_client = client(generated.url)
    got = list(pages(hub_client, listing_url(hub_client), {"sort": "downloads", "limit": 2500}))
    assert [len(p.rows) for p in got] == [1000, 1000, 500]
    assert [p.last for p in got] == [False, False, True]
    assert got[0].next_url is not None and "cursor=1000" in got[0].next_url and got[-1].next_url is None
    # A crawl resumes from a page's link: the rest of the listing, and nothing before it.
    resumed = list(pages(hub_client, got[0].next_url))
    assert [p.rows for p in resumed] == [p.rows for p in got[1:]]


def test_a_next_link_already_visited_ends_the_pages(hub: StandInHub) -> None:
    rows = hub_models()[:3]
    again = f"{hub.url}/api/models?again=1"
    hub.inject(page_of(rows, again), page_of(rows, again, query_contains="again=1"))
    hub_client = client(hub.url)
    got = list(pages(hub_client, listing_url(hub_client)))
    assert [(p.next_url, p.last) for p in got] == [(again, False), (None, False)]  # ended, not the Hub's last
    assert len(hub.listing_requests()) == 2


def test_a_page_that_is_not_a_list_is_a_bad_response(hub: StandInHub) -> None:
    hub.inject(Fault(status=200, body=b'{"models": []}'))
    with pytest.raises(HubBadResponse, match=r"not a list of models \(dict\)"):
        list_models(client(hub.url), ListingQuery(limit=5))


# --- the request itself ------------------------------------------------------------------------


def test_the_request_asks_for_every_field_the_later_stages_read(hub: StandInHub) -> None:
    query = ListingQuery(sort="likes", task="text-generation", author="Qwen", search="qwen", library="transformers",
                         filters=("license:apache-2.0",), num_parameters="min:1B", inference_provider="all", limit=7)
    params = listing_params(query, 7)
    assert params["expand"] == list(LISTING_EXPAND)
    assert {"baseModels", "childrenModelCount"}.isdisjoint(LISTING_EXPAND)  # the Hub rejects them in a listing
    assert (params["sort"], params["limit"], params["filter"]) == ("likes", 7, ["transformers", "license:apache-2.0"])
    assert (params["pipeline_tag"], params["author"], params["search"]) == ("text-generation", "Qwen", "qwen")
    assert (params["num_parameters"], params["inference_provider"]) == ("min:1B", "all")
    assert set(listing_params(ListingQuery(), 20)) == {"sort", "limit", "expand"}  # nothing unasked is sent
    result = list_models(client(hub.url), ListingQuery(task="text-generation", library="transformers", limit=5))
    (request,) = hub.listing_requests()
    assert request.query["pipeline_tag"] == ["text-generation"] and request.query["filter"] == ["transformers"]
    assert request.query["expand"] == list(LISTING_EXPAND)
    assert len(result.records) == 5
    assert all(r.task == "text-generation" and r.library == "transformers" for r in result.records)
    # An expanded field arrives (safetensors is not in a default row).
    served = {m["id"]: m for m in hub_models()}
    totals = [r.safetensors_total for r in result.records]
    assert totals == [(served[r.id].get("safetensors") or {}).get("total") for r in result.records]
    assert any(totals)


def test_a_listing_the_hub_rejects_is_a_bad_request(hub: StandInHub) -> None:
    with pytest.raises(HubBadRequest, match=r"rejected the model listing \(400\)"):
        list_models(client(hub.url), ListingQuery(num_parameters="lots", limit=5))
    assert len(hub.listing_requests()) == 1


def test_an_offline_listing_sends_nothing(hub: StandInHub) -> None:
    with pytest.raises(OfflineError):
        list_models(HubClient(HubSettings(endpoint=hub.url, offline=True)), ListingQuery(limit=5))
    assert hub.requests == []


# --- rows --------------------------------------------------------------------------------------


def test_a_bad_row_is_skipped_and_counted(hub: StandInHub) -> None:
    good = hub_models()[:5]
    sent = [good[0], {"id": None}, good[1], 42, {"id": "no spaces in ids"}, *good[2:]]
    hub.inject(page_of(sent), page_of(sent))
    result = list_models(client(hub.url), ListingQuery(limit=20))
    assert [r.id for r in result.records] == [m["id"] for m in good]
    assert (result.skipped, result.duplicates, result.unreadable) == (3, 0, 3)
    assert result.complete  # 8 rows for 20 asked and no next link: the Hub has no more
    # 8 rows for 8 asked: the Hub may have more, however few of them could be read.
    assert not list_models(client(hub.url), ListingQuery(limit=8)).complete


def test_duplicates_across_pages_are_skipped_and_counted_apart(hub: StandInHub) -> None:
    rows = hub_models()[:10]
    hub.inject(page_of(rows[:6], f"{hub.url}/api/models?page=2"), page_of(rows[4:], query_contains="page=2"))
    result = list_models(client(hub.url), ListingQuery(limit=50))
    assert [r.id for r in result.records] == [m["id"] for m in rows]
    assert (result.skipped, result.duplicates, result.unreadable) == (2, 2, 0)


def test_a_mostly_unreadable_listing_is_a_bad_response(hub: StandInHub) -> None:
    hub.inject(page_of([hub_models()[0], {"id": None}, {"id": None}]))
    with pytest.raises(HubBadResponse, match="2 unreadable rows out of 3"):
        list_models(client(hub.url), ListingQuery(limit=20))
