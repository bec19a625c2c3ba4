"""Fetching the whole Hub a page at a time, within its rate limit.

A whole-Hub crawl is about 2,300 requests (`/api/models` sorted by downloads, 1,000 models a
page, each page linked to the next by its `Link` header), against a budget of about 500 requests
per 5-minute window anonymous and 1,000 with a token. The Hub says where a client stands in
`RateLimit: "api";r=REMAINING;t=SECONDS` and `RateLimit-Policy: "fixed window";"api";q=LIMIT;w=WINDOW`
(read by huggingface_hub's `parse_ratelimit_headers`). `Pacer` keeps a tenth of the window's
budget for the user's other hubradar commands: once the remaining requests fall to that reserve
it waits for the window to reset, with a countdown, instead of running into 429s. A 429 that the
transport could not wait out within its 20 s (HubRateLimited, with the Hub's `retry_after`) is
waited out here and the same page asked again.

`fetch_page` returns the page's body as the Hub sent it (a JSON list, checked), ready to be
written to disk: the crawl never turns a page into records.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubradar.core.errors import HubBadResponse, HubRateLimited
from hubradar.core.query import ListingQuery
from hubradar.fetch.client import HubClient
from hubradar.fetch.listings import listing_params, listing_url
from hubradar.fetch.settings import PAGE_SIZE

DEFAULT_429_WAIT = 60.0  # seconds to wait after a 429 that says nothing about how long
LONGEST_WAIT = 3600.0  # a 429 asking for more than this ends the crawl (the checkpoint is kept)
RATE_LIMIT_WAITS = 5  # 429s in a row for one page before the crawl gives up on it
RESERVE_SHARE = 10  # keep 1/10 of the window's budget for other commands
MIN_RESERVE = 5

_SURROGATE_RE = re.compile("[\ud800-\udfff]")

Wait = Callable[[float, str], None]
"""Told, once a second, how many seconds of a wait are left and why."""


def crawl_query() -> ListingQuery:
    return ListingQuery(sort="downloads")


def crawl_params() -> dict[str, Any]:
    """The first page's query: every model, by downloads, with the listing's expand fields, no limit."""
    params = listing_params(crawl_query(), PAGE_SIZE)
    params.pop("limit", None)  # a limit caps the whole listing; without one the Hub pages through everything
    return params


def first_url(client: HubClient) -> str:
    return listing_url(client)


@dataclass(frozen=True)
class Budget:
    """The Hub's rate-limit window as its last answer told it."""

    remaining: int
    reset_in: float  # seconds until the window resets, as of `seen_at`
    limit: int | None = None
    window: float | None = None
    seen_at: float = 0.0  # time.monotonic() when read

    @property
    def reserve(self) -> int:
        return max(MIN_RESERVE, (self.limit or 0) // RESERVE_SHARE)


def read_budget(headers: Any, now: float) -> Budget | None:
    """The `RateLimit`/`RateLimit-Policy` headers of a response, or None when it sent none."""
    from huggingface_hub.utils import parse_ratelimit_headers

    info = parse_ratelimit_headers(headers)
    if info is None:
        return None
    return Budget(info.remaining, float(info.reset_in_seconds), info.limit,
                  float(info.window_seconds) if info.window_seconds else None, now)


class Pacer:
    """Waits between requests as the Hub's budget requires; `sleep` and `clock` are injectable for tests."""

    def __init__(self, on_wait: Wait, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.on_wait = on_wait
        self.sleep = sleep
        self.clock = clock
        self.budget: Budget | None = None
        self.waited = 0.0  # seconds spent waiting, in all

    def wait(self, seconds: float, reason: str) -> None:
        """Wait `seconds`, telling `on_wait` the time left about once a second."""
        end = self.clock() + seconds
        while (left := end - self.clock()) > 0:
            self.on_wait(left, reason)
            step = min(1.0, left)
            self.sleep(step)
            self.waited += step
        self.on_wait(0.0, reason)

    def before_request(self) -> None:
        """When the window's budget is down to the reserve, wait for the window to reset."""
        budget = self.budget
        if budget is None or budget.remaining > budget.reserve:
            return
        left = budget.reset_in - (self.clock() - budget.seen_at)
        if left > 0:
            self.wait(min(left + 1.0, LONGEST_WAIT),
                      f"{budget.remaining} requests left in the Hub's rate-limit window: waiting for it to reset")
        self.budget = None  # a new window: the next answer says where it stands

    def after_response(self, headers: Any) -> None:
        self.budget = read_budget(headers, self.clock()) or self.budget


@dataclass(frozen=True)
class CrawlPage:
    """One page as it goes to disk: its body (a JSON list), how many rows, and the link to the next."""

    body: bytes
    rows: int
    next_url: str | None
    budget: Budget | None


def _replace_surrogates(value: Any) -> Any:
    """Lone surrogates (JSON allows "\\ud800") made into U+FFFD, as `record.from_hub_json` does."""
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


def page_body(content: bytes) -> tuple[bytes, int]:
    """The body to store for a page, and its row count: the Hub's bytes, unless they need mending.

    Raises HubBadResponse when the page is not a JSON list. A page with a lone surrogate escape is
    written again with U+FFFD in its place, since DuckDB refuses such JSON.
    """
    try:
        rows = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise HubBadResponse("the Hub sent a listing page that is not valid JSON") from None
    if not isinstance(rows, list):
        raise HubBadResponse(f"the Hub sent a listing page that is not a list of models ({type(rows).__name__})")
    if b"\\ud" in content.lower():
        try:
            json.dumps(rows, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            content = json.dumps(_replace_surrogates(rows), ensure_ascii=False).encode("utf-8")
    return content, len(rows)


def _wait_for(err: HubRateLimited) -> float:
    return DEFAULT_429_WAIT if err.retry_after is None else float(err.retry_after)


def fetch_page(client: HubClient, url: str, params: dict[str, Any] | None, pacer: Pacer) -> CrawlPage:
    """One page of the crawl, 429s waited out (up to RATE_LIMIT_WAITS in a row, LONGEST_WAIT each).

    Raises hubradar's HubError for anything else (the Hub down after the transport's retries, a
    page that is not a list): the caller keeps its checkpoint and stops.
    """
    what = "a page of the whole-Hub listing"
    for attempt in range(RATE_LIMIT_WAITS + 1):
        pacer.before_request()
        try:
            response = client.get(url, params)
        except HubRateLimited as err:
            wait = _wait_for(err)
            if attempt == RATE_LIMIT_WAITS or wait > LONGEST_WAIT:
                raise
            pacer.budget = None
            pacer.wait(wait, "the Hub is rate-limiting requests (429)")
            continue
        except Exception as err:
            raise client.fail(err, what)  # noqa: B904 - fail sets the cause
        pacer.after_response(response.headers)
        body, rows = page_body(response.content)
        next_url = response.links.get("next", {}).get("url")
        return CrawlPage(body, rows, next_url, pacer.budget)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
