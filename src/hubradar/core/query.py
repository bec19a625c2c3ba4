"""What a listing asks the Hub for, and how to answer the same question from stored rows.

A `ListingQuery` is the cache key (everything but the row count) and the request.
`apply_locally` answers it from a list of records with the Hub's own semantics, for
the bundled snapshot and for cached listings that are deeper than the rows asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Literal

from hubradar.core.record import ModelRecord

# hubradar's sort names -> the Hub's `sort` parameter. `all-time` has no Hub sort: it is
# re-ranked locally from the downloads listing (see `hub_sort`).
Sort = Literal["trending", "downloads", "likes", "all-time", "created"]
SORTS: tuple[str, ...] = ("trending", "downloads", "likes", "all-time", "created")
_HUB_SORT = {
    "trending": "trendingScore",
    "downloads": "downloads",
    "likes": "likes",
    "all-time": "downloads",
    "created": "createdAt",
}


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """A Hub listing request; `limit` is how many rows are wanted, the rest is the cache key."""

    sort: str = "trending"
    task: str | None = None
    author: str | None = None
    search: str | None = None
    library: str | None = None
    filters: tuple[str, ...] = ()
    num_parameters: str | None = None
    inference_provider: str | None = None
    limit: int = 20

    @property
    def hub_sort(self) -> str:
        return _HUB_SORT[self.sort]

    def key(self) -> str:
        """A stable cache key: the Hub request without its limit (deeper listings serve shallower ones).

        `all-time` shares the downloads listing, since that is what is fetched for it.
        """
        data = asdict(self)
        data.pop("limit")
        data["sort"] = self.hub_sort
        data["filters"] = sorted(self.filters)
        return json.dumps({k: v for k, v in data.items() if v not in (None, [], ())}, sort_keys=True)

    def describe(self) -> dict[str, object]:
        """The query as shown to users in JSON output."""
        data = asdict(self)
        data["filters"] = list(self.filters)
        return {k: v for k, v in data.items() if v not in (None, [], ())}

    def with_limit(self, limit: int) -> ListingQuery:
        return replace(self, limit=limit)

    def matches(self, record: ModelRecord) -> bool:
        """Does the record belong to this listing, as the Hub would decide from the same fields?"""
        tags = set(record.tags)
        if self.task and record.task != self.task:  # the Hub's `pipeline_tag=` reads the field, not the tags
            return False
        if self.author and (record.author or record.org).lower() != self.author.lower():
            return False
        if self.search and self.search.lower() not in record.id.lower():
            return False
        if self.library and record.library != self.library and self.library not in tags:
            return False
        if any(f not in tags for f in self.filters):
            return False
        if self.inference_provider:
            live = record.live_providers
            if live is None:
                return False
            if self.inference_provider != "all" and self.inference_provider not in live:
                return False
        return True


def _sort_value(record: ModelRecord, sort: str) -> float | str:
    if sort == "trending":
        return record.trending_score or 0.0
    if sort == "downloads":
        return record.downloads or 0
    if sort == "likes":
        return record.likes or 0
    if sort == "all-time":
        return record.downloads_all_time if record.downloads_all_time is not None else -1
    return record.created_at or ""


def rank(records: Iterable[ModelRecord], sort: str) -> list[ModelRecord]:
    """Sort descending by the query's metric; ties keep the input (Hub) order."""
    return sorted(records, key=lambda r: _sort_value(r, sort), reverse=True)


def apply_locally(records: Iterable[ModelRecord], query: ListingQuery) -> list[ModelRecord]:
    """Filter and rank stored rows as the Hub would, then cut to the limit."""
    return rank((r for r in records if query.matches(r)), query.sort)[: query.limit]
