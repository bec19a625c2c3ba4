"""What a listing asks the Hub for, and how to answer the same question from stored rows.

A `ListingQuery` is the cache key (everything but the row count) and the request.
`apply_locally` answers it from a list of records with the Hub's own semantics, for
the bundled snapshot and for cached listings that are deeper than the rows asked for.
`parse_query_spec` and `query_label` name a stored listing as people type it
(`trending task=text-generation`); `query_from_key` reads it back from a cache key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple

from hubradar.core.errors import UsageError, param
from hubradar.core.record import ModelRecord
from hubradar.core.vocabulary import HISTORY_SORTS, SORT_OF_HUB, SORTS, check


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

    def __post_init__(self) -> None:
        check(self.sort, SORTS, "sort")

    @property
    def hub_sort(self) -> str:
        return SORTS[self.sort].hub

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


SIGNAL_DEPTH = 100  # `top --sort providers|derivatives` ranks this many of the downloads listing
SIGNAL_DEPTH_MAX = 1000  # ... at most: one lookup per model, within the Hub's budget


class SignalRequest(NamedTuple):
    """What `trending`/`top` asked for beyond the listing: a signal to rank by, the derivatives and RAM columns."""

    sort: str | None = None  # "providers" | "derivatives" | "ram": rank the fetched depth by it, then cut
    derivatives: bool = False
    limit: int = 20
    depth: int = SIGNAL_DEPTH
    ram: bool = False  # the RAM column (relative adoption), without ranking by it

    @property
    def shown(self) -> tuple[str, ...]:
        """The signals the view must show prominently (ranked by, or asked for)."""
        shown = [self.sort] if self.sort else []
        if self.derivatives and self.sort != "derivatives":
            shown.append("derivatives")
        if self.ram and self.sort != "ram":
            shown.append("ram")
        return tuple(shown)

    def describe(self) -> dict[str, object]:
        """How the request changes the query users see in JSON output."""
        extra: dict[str, object] = {"ram": True} if self.ram and self.sort != "ram" else {}
        if self.sort:
            return {"sort": self.sort, "limit": self.limit, "depth": self.depth} | extra
        return ({"derivatives": True} if self.derivatives else {}) | extra


def sort_value(record: ModelRecord, sort: str) -> float | str:
    """The number a listing ranks by (`SORTS[sort].column`); unknown ranks after every known value."""
    value = getattr(record, SORTS[sort].column)
    if value is None:
        return "" if sort == "created" else -1
    return value


def rank(records: Iterable[ModelRecord], sort: str) -> list[ModelRecord]:
    """Sort descending by the query's metric; ties keep the input (Hub) order."""
    return sorted(records, key=lambda r: sort_value(r, sort), reverse=True)


def apply_locally(records: Iterable[ModelRecord], query: ListingQuery) -> list[ModelRecord]:
    """Filter and rank stored rows as the Hub would, then cut to the limit."""
    return rank((r for r in records if query.matches(r)), query.sort)[: query.limit]


# --- naming a listing as people type it ---------------------------------------------------------

_SPEC_FIELDS = ("task", "author", "search", "library", "num_parameters", "inference_provider")


def parse_query_spec(text: str, name: str = "query") -> ListingQuery:
    """`downloads`, `trending task=text-generation`, `likes author=Qwen filter=gguf`.

    The first word may be a bare sort; the rest are key=value pairs (commas work as separators too).
    Only sorts with a history (`HISTORY_SORTS`) name a stored listing. Raises UsageError naming `name`.
    """
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise UsageError(f"{param(name)}: empty; name a listing such as 'downloads' or 'trending task=text-generation'")
    fields: dict[str, Any] = {}  # str values, for the keys in _SPEC_FIELDS
    filters: list[str] = []
    for i, token in enumerate(tokens):
        key, sep, value = token.partition("=")
        if not sep and i == 0:
            key, value = "sort", token
        key = key.lower()
        if (not sep and i > 0) or key not in ("sort", "filter", *_SPEC_FIELDS) or not value:
            raise UsageError(
                f"{param(name)}: cannot read {token!r}; use a sort ({', '.join(HISTORY_SORTS)}) then key=value "
                f"pairs with keys {', '.join(('sort', *_SPEC_FIELDS, 'filter'))}"
            )
        if key == "filter":
            filters.append(value)
        elif key in fields:
            raise UsageError(f"{param(name)}: {key} is given twice")
        else:
            fields[key] = value
    sort = fields.pop("sort", "downloads").lower()
    if sort not in HISTORY_SORTS:
        raise UsageError(f"{param(name)}: sort {sort!r} has no history; use one of {', '.join(HISTORY_SORTS)}")
    return replace(ListingQuery(sort=sort, filters=tuple(filters)), **fields)  # fields: only known keys


def query_label(query: ListingQuery) -> str:
    """The listing as `parse_query_spec` reads it back: `downloads task=text-generation`."""
    parts = [query.sort]
    parts += [f"{name}={getattr(query, name)}" for name in _SPEC_FIELDS if getattr(query, name)]
    parts += [f"filter={f}" for f in query.filters]
    return " ".join(parts)


def query_from_key(query_key: str) -> ListingQuery | None:
    """The listing a stored snapshot belongs to, from its cache key (None when unreadable)."""
    try:
        data = json.loads(query_key)
        data["sort"] = SORT_OF_HUB[data.get("sort", "trendingScore")]
        data["filters"] = tuple(data.get("filters") or ())
        return ListingQuery(**data)
    except (ValueError, KeyError, TypeError):
        return None


def key_label(query_key: str) -> str:
    """A cache key as people name the listing (the key itself when it cannot be read)."""
    query = query_from_key(query_key)
    return query_label(query) if query else query_key


def listing_name(query: ListingQuery) -> str:
    """`the downloads listing`, `the trending listing (task=text-generation)` — for messages."""
    label = query_label(query)
    sort, _, rest = label.partition(" ")
    return f"the {sort} listing" + (f" ({rest})" if rest else "")
