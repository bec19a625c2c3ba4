"""Views of listings: the rows `trending` and `top` show, in every output format."""

from __future__ import annotations

from typing import Any

from .listing import Listing
from .query import rank
from .render import Column, View
from .sizes import SizedListing, SizedRow, SizeEstimator, SizeFilter, size_listing, unknown_footnote
from .store import now_utc, to_iso

LISTING_COLUMNS = [
    Column("rank", "#", "int"),
    Column("id", "model", "id"),
    Column("task", "task", "text", priority=3),
    Column("params", "params", "params", priority=2),
    Column("size_band", "band", "text", priority=3),
    Column("band_rank", "in band", "int", priority=3),
    Column("trending_score", "trending", "score", priority=1),
    Column("downloads", "downloads", "count"),
    Column("likes", "likes", "count", priority=1),
    Column("created_at", "age", "age", priority=2),
]
LISTING_KEYS = ["rank", "id", "author", "task", "library", "params", "params_source", "active_params",
                "size_band", "band_rank", "trending_score", "downloads", "likes", "created_at", "tags"]


def sized_listing(listing: Listing, size_filter: SizeFilter | None = None) -> SizedListing:
    """Size a listing's rows (bases found in its whole pool); with a filter, filter the ranked pool."""
    pool = listing.pool or listing.records
    sizes = SizeEstimator(pool)
    if size_filter is None:
        return size_listing(listing.records, sizes)
    return size_listing(rank(pool, listing.query.sort), sizes, size_filter, listing.query.limit)


def _row(row: SizedRow) -> dict[str, Any]:
    r, size = row.record, row.size
    return {
        "rank": row.rank,
        "id": r.id,
        "author": r.author,
        "task": r.task,
        "library": r.library,
        "params": size.params,
        "params_source": size.source,
        "active_params": size.active_params,
        "size_band": str(size.band) if size.band else None,
        "band_rank": row.band_rank,
        "trending_score": r.trending_score,
        "downloads": r.downloads,
        "likes": r.likes,
        "created_at": r.created_at,
        "tags": list(r.tags),
    }


def listing_rows(listing: Listing, sized: SizedListing | None = None) -> list[dict[str, Any]]:
    """The JSON rows of a listing (the keys of LISTING_KEYS, raw numbers)."""
    return [_row(row) for row in (sized or sized_listing(listing)).rows]


def listing_meta(listing: Listing, sized: SizedListing | None = None) -> dict[str, Any]:
    meta = {"source": listing.source, "fetched_at": to_iso(listing.fetched_at), "query": listing.query.describe()}
    if sized is not None and sized.filter is not None:
        meta["size_filter"] = sized.filter.to_dict() | {
            "scanned": sized.scanned, "matched": sized.matched, "unknown_left_out": sized.unknown_left_out}
    return meta


def listing_view(listing: Listing, title: str | None = None, sized: SizedListing | None = None) -> View:
    source = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
    fetched = f"{listing.fetched_at:%Y-%m-%d %H:%M} UTC"
    sized = sized or sized_listing(listing)
    footnote = unknown_footnote(sized)
    return View(
        columns=LISTING_COLUMNS,
        rows=listing_rows(listing, sized),
        meta=listing_meta(listing, sized),
        title=title,
        notes=[f"{len(sized.rows)} models {source[listing.source]}, fetched {fetched}; "
               "downloads are the last 30 days", *([footnote] if footnote else [])],
        now=now_utc(),
        csv_keys=LISTING_KEYS,
    )
