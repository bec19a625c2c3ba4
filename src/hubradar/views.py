"""Views of listings: the rows `trending` and `top` show, in every output format."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from .listing import Listing
from .render import Column, View
from .signals import provider_count
from .sizes import params_of
from .store import now_utc, to_iso

LISTING_COLUMNS = [
    Column("rank", "#", "int"),
    Column("id", "model", "id"),
    Column("task", "task", "text", priority=3),
    Column("params", "params", "params", priority=2),
    Column("trending_score", "trending", "score", priority=1),
    Column("downloads", "downloads", "count"),
    Column("likes", "likes", "count", priority=1),
    Column("provider_count", "providers", "count", priority=2),
    Column("created_at", "age", "age", priority=2),
]
LISTING_KEYS = ["rank", "id", "author", "task", "library", "params", "trending_score", "downloads",
                "likes", "created_at", "tags", "providers", "provider_count"]
# Only with --derivatives or --sort derivatives: one Hub request per row, so never by default.
DERIVATIVES_COLUMN = Column("derivatives", "derivatives", "count")
SIGNAL_KEYS = {"providers": "provider_count", "derivatives": "derivatives"}
SIGNAL_NOTES = {
    "providers": "providers: inference providers serving the model live (staging and error not counted)",
    "derivatives": "derivatives: models on the Hub that name it as their base (finetunes, quantizations, "
                   "adapters, merges)",
}


def listing_rows(listing: Listing) -> list[dict[str, Any]]:
    """The JSON rows of a listing (the keys of LISTING_KEYS, raw numbers)."""
    return [
        {
            "rank": rank,
            "id": r.id,
            "author": r.author,
            "task": r.task,
            "library": r.library,
            "params": params_of(r),
            "trending_score": r.trending_score,
            "downloads": r.downloads,
            "likes": r.likes,
            "created_at": r.created_at,
            "tags": list(r.tags),
            "providers": None if r.live_providers is None else list(r.live_providers),
            "provider_count": provider_count(r),
        }
        for rank, r in enumerate(listing.records, start=1)
    ]


def listing_meta(listing: Listing) -> dict[str, Any]:
    return {"source": listing.source, "fetched_at": to_iso(listing.fetched_at), "query": listing.query.describe()}


def listing_view(listing: Listing, title: str | None = None, *, signals: Collection[str] = ()) -> View:
    """The listing as a View; `signals` (providers, derivatives) are shown and kept at any width."""
    columns, rows, keys = _with_signals(listing, signals)
    source = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
    fetched = f"{listing.fetched_at:%Y-%m-%d %H:%M} UTC"
    return View(
        columns=columns,
        rows=rows,
        meta=listing_meta(listing),
        title=title,
        notes=[f"{len(listing.records)} models {source[listing.source]}, fetched {fetched}; "
               "downloads are the last 30 days", *(SIGNAL_NOTES[s] for s in signals)],
        now=now_utc(),
        csv_keys=keys,
    )


def _with_signals(listing: Listing, signals: Collection[str]) -> tuple[list[Column], list[dict[str, Any]], list[str]]:
    """Columns, rows and CSV keys with the derivatives column added and asked-for signals kept."""
    keep = {SIGNAL_KEYS[s] for s in signals}
    columns = [replace(c, priority=0) if c.key in keep else c for c in LISTING_COLUMNS]
    rows = listing_rows(listing)
    keys = list(LISTING_KEYS)
    if "derivatives" in signals:
        after = next(i for i, c in enumerate(columns) if c.key == "provider_count")
        columns.insert(after + 1, DERIVATIVES_COLUMN)
        keys.append("derivatives")
        for row, record in zip(rows, listing.records, strict=True):
            row["derivatives"] = record.children_count
    return columns, rows, keys
