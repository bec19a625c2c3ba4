"""Views of listings: the rows `trending` and `top` show, in every output format."""

from __future__ import annotations

from typing import Any

from .listing import Listing
from .render import Column, View
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
    Column("created_at", "age", "age", priority=2),
]
SOURCE_TEXT = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
LISTING_KEYS = ["rank", "id", "author", "task", "library", "params", "trending_score", "downloads",
                "likes", "created_at", "tags"]


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
        }
        for rank, r in enumerate(listing.records, start=1)
    ]


def listing_meta(listing: Listing) -> dict[str, Any]:
    return {"source": listing.source, "fetched_at": to_iso(listing.fetched_at), "query": listing.query.describe()}


def listing_view(listing: Listing, title: str | None = None) -> View:
    fetched = f"{listing.fetched_at:%Y-%m-%d %H:%M} UTC"
    return View(
        columns=LISTING_COLUMNS,
        rows=listing_rows(listing),
        meta=listing_meta(listing),
        title=title,
        notes=[f"{len(listing.records)} models {SOURCE_TEXT[listing.source]}, fetched {fetched}; "
               "downloads are the last 30 days"],
        now=now_utc(),
        csv_keys=LISTING_KEYS,
    )
