"""Paged listings: the `/api/models` request `HfApi.list_models` sends, one request per 1,000 models.

It follows the `Link: rel="next"` header the way huggingface_hub's `paginate` does, with three
differences that a faulty or hostile server makes necessary: a page that is not a JSON list is an
error (not rows), a next link that repeats or brings nothing new ends the listing (no endless
loop), and a next link to another host is followed without the token (`HubClient.get`). It
reads the raw JSON rows itself: `ModelInfo(**row)` raises on one malformed row (a `safetensors`
object without `parameters`) and that would cost the whole listing, while
`record.from_hub_json` skips and counts such a row. A listing mostly made of unreadable rows is
an error too, so it is never cached as a good one.

`pages` yields each page with the link to the next, so a long crawl can checkpoint between pages
and resume from that link.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hubradar.core.errors import HubBadResponse
from hubradar.core.query import ListingQuery
from hubradar.core.record import BadRecord, ModelRecord, from_hub_json
from hubradar.fetch.client import HubClient

# Every field the later stages read, asked for in the listing request itself (never one call per
# model). `baseModels` and `childrenModelCount` are NOT listing properties: the Hub rejects the
# whole request when they are in a listing's expand; only `model_info` serves them.
LISTING_EXPAND: tuple[str, ...] = (
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "lastModified",
    "tags",
    "safetensors",
    "gguf",
    "cardData",
    "gated",
    "inferenceProviderMapping",
)


@dataclass
class FetchResult:
    """Rows of one listing. `skipped` counts unreadable and duplicate rows (`duplicates` of them)."""

    records: list[ModelRecord]
    skipped: int = 0
    duplicates: int = 0
    complete: bool = False  # the Hub had no more rows than these

    @property
    def unreadable(self) -> int:
        return self.skipped - self.duplicates


@dataclass(frozen=True)
class Page:
    """One page of a listing as the Hub sent it, and the link to the next (None after the last)."""

    rows: list[Any]
    next_url: str | None
    last: bool = False  # the Hub sent no next link (a repeated link ends the listing without that)


def listing_params(query: ListingQuery, limit: int) -> dict[str, Any]:
    """The query parameters `HfApi.list_models` would send for this query."""
    filters = [*([query.library] if query.library else []), *query.filters]
    params: dict[str, Any] = {"sort": query.hub_sort, "limit": limit, "expand": list(LISTING_EXPAND)}
    if filters:
        params["filter"] = filters
    optional = {
        "author": query.author,
        "search": query.search,
        "pipeline_tag": query.task,
        "num_parameters": query.num_parameters,
        "inference_provider": query.inference_provider,
    }
    params.update({k: v for k, v in optional.items() if v})
    return params


def listing_url(client: HubClient) -> str:
    return f"{client.settings.endpoint}/api/models"


def pages(client: HubClient, url: str, params: dict[str, Any] | None = None,
          visited: set[str] | None = None) -> Iterator[Page]:
    """Each page from `url` on, following `Link: rel="next"`; a link already visited ends the listing.

    Raises huggingface_hub's and httpx2's errors as they come (callers translate with `client.fail`),
    and HubBadResponse for a page that is not a list of models.
    """
    visited = set() if visited is None else visited
    next_url: str | None = url
    next_params = params
    while next_url is not None:
        visited.add(next_url)
        response = client.get(next_url, next_params)
        page = response.json()
        if not isinstance(page, list):
            raise HubBadResponse(f"the Hub sent a listing page that is not a list of models ({type(page).__name__})")
        next_url = response.links.get("next", {}).get("url")
        next_params = None  # the next link carries the query
        last = next_url is None
        if next_url in visited:
            next_url = None
        yield Page(page, next_url, last)


def read_rows(page: list[Any], result: FetchResult, seen: set[str], limit: int | None = None) -> int:
    """Normalize one page into `result`, counting skipped rows; returns how many were new."""
    added = 0
    for row in page:
        try:
            record = from_hub_json(row)
        except BadRecord:
            result.skipped += 1
            continue
        if record.id in seen:  # a model that moved between pages while we paged
            result.skipped += 1
            result.duplicates += 1
            continue
        seen.add(record.id)
        result.records.append(record)
        added += 1
        if limit is not None and len(result.records) >= limit:
            break
    return added


def list_models(client: HubClient, query: ListingQuery, limit: int | None = None) -> FetchResult:
    """Fetch up to `limit` (default `query.limit`) models: one request per 1,000 rows.

    Raises HubBadResponse when more than half the rows cannot be read: such a listing says more
    about the server than about the Hub, and must not be cached as an answer.
    """
    client.check_online()
    limit = limit or query.limit
    result = FetchResult([])
    seen: set[str] = set()
    received = 0
    what = "the model listing"
    try:
        for page in pages(client, listing_url(client), listing_params(query, limit)):
            received += len(page.rows)
            added = read_rows(page.rows, result, seen, limit)
            if len(result.records) >= limit:
                break
            if page.next_url is None:
                result.complete = page.last and received < limit
                break
            if not added:  # a page of nothing new: the server is repeating itself
                break
    except Exception as err:
        raise client.fail(err, what)  # noqa: B904 - fail sets the cause
    if result.unreadable and result.unreadable * 2 > received:
        raise HubBadResponse(f"the Hub sent {result.unreadable} unreadable rows out of {received} for {what}")
    return result
