"""Views of listings: the rows `trending` and `top` show, in every output format."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hubradar.analysis.bots import top_names
from hubradar.analysis.flags import FlagContext, flags_for, legend_line
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.signals import provider_count
from hubradar.analysis.sizes import SizedListing, SizedRow, size_listing, sized_listing, unknown_footnote
from hubradar.core.listing import Listing
from hubradar.core.sizes import band_of
from hubradar.core.time import to_iso
from hubradar.core.units import count_of
from hubradar.core.vocabulary import SORTS
from hubradar.views.view import Column, View

if TYPE_CHECKING:
    from hubradar.app.ram import FlagHistory
    from hubradar.core.adoption import Ram

LISTING_COLUMNS = [
    Column("rank", "#", "int"),
    Column("listing_rank", "overall", "int", priority=2),  # shown only under a size filter (else it is `#`)
    Column("id", "model", "id"),
    Column("task", "task", "text", priority=3),
    Column("params", "params", "params", priority=2),
    Column("size_band", "band", "text", priority=3),
    Column("band_rank", "in band", "int", priority=3),
    Column("trending_score", "trending", "score", priority=1),
    Column("downloads", "downloads", "count"),
    Column("likes", "likes", "count", priority=1),
    Column("provider_count", "providers", "count", priority=3),
    Column("created_at", "age", "age", priority=2),
    Column("flags", "flags", "list"),  # never dropped: a row read without its flags is easy to misread
]
SOURCE_TEXT = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
LISTING_KEYS = ["rank", "listing_rank", "id", "author", "task", "library", "params", "params_source", "active_params",
                "size_band", "band_rank", "trending_score", "downloads", "likes", "created_at", "tags",
                "providers", "provider_count", "flags"]
# Only with --derivatives or --sort derivatives: one Hub request per row, so never by default.
DERIVATIVES_COLUMN = Column("derivatives", "derivatives", "count")
# Only with --ram or --sort ram: relative adoption, against the size class's 10th-ranked model.
RAM_COLUMN = Column("ram", "RAM", "multiple")
RAM_KEYS = ["ram", "ram_class", "ram_day", "ram_basis"]
SIGNAL_KEYS = {"providers": "provider_count", "derivatives": "derivatives", "ram": "ram"}
# The listing column that shows a sort's number (all-time downloads are not a listing column).
_SHOWN = {"trending_score": "trending_score", "likes": "likes", "created_at": "created_at"}
SIGNAL_NOTES = {
    "providers": "providers: inference providers serving the model live (staging and error not counted)",
    "derivatives": "derivatives: models on the Hub that name it as their base (finetunes, quantizations, "
                   "adapters, merges)",
    "ram": "RAM: cumulative downloads over those of the 10th-ranked model of its size class at the same age "
           "(above 1: on track for the class's top 10; - when size, age or a full class is unknown)",
}


def _sized_rows(listing: Listing, sized: SizedListing | None) -> list[SizedRow]:
    """One sized row per record of the listing, in its order.

    `sized` is the size-filtered listing the records were cut from: while the records keep its order
    they keep its ranks (positions in the whole listing); re-ranked by a signal, they are ranked anew.
    """
    if sized is None:
        return sized_listing(listing).rows
    by_id = {row.record.id: row for row in sized.rows}
    if [r.id for r in listing.records] == [row.record.id for row in sized.rows]:
        return [by_id[r.id]._replace(record=r) for r in listing.records]
    return size_listing(listing.records, lambda r: by_id[r.id].size).rows


def _row(position: int, row: SizedRow) -> dict[str, Any]:
    r, size = row.record, row.size
    return {
        "rank": position,  # the row's number as shown
        "listing_rank": row.rank,  # its place in the whole listing (a size filter skips models)
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
        "providers": None if r.live_providers is None else list(r.live_providers),
        "provider_count": provider_count(r),
    }


def listing_rows(listing: Listing, sized: SizedListing | None = None) -> list[dict[str, Any]]:
    """The JSON rows of a listing (the keys of LISTING_KEYS, raw numbers)."""
    return [_row(i, row) for i, row in enumerate(_sized_rows(listing, sized), start=1)]


def listing_meta(listing: Listing, sized: SizedListing | None = None) -> dict[str, Any]:
    meta = {"source": listing.source, "fetched_at": to_iso(listing.fetched_at), "query": listing.query.describe()}
    if sized is not None and sized.filter is not None:
        meta["size_filter"] = sized.filter.to_dict() | {
            "scanned": sized.scanned, "matched": sized.matched, "unknown_left_out": sized.unknown_left_out}
    return meta


def listing_view(listing: Listing, title: str | None = None, *, signals: Collection[str] = (),
                 sized: SizedListing | None = None, history: FlagHistory | None = None) -> View:
    """The listing as a View; `signals` (providers, derivatives, ram) are shown and kept at any width.

    `sized` is the size-filtered listing `listing.records` were cut from, when a size filter was asked for;
    `listing.ram` the rows' relative adoption (`app.ram.listing_ram`); `history` what the `jump` flag compares with.
    """
    columns, rows, keys = _with_signals(listing, signals, sized)
    if "ram" in signals:
        _add_ram(columns, rows, keys, listing.ram)
    add_flags(listing, rows, history)
    fetched = f"{listing.fetched_at:%Y-%m-%d %H:%M} UTC"
    footnote = unknown_footnote(sized) if sized is not None else None
    legend = legend_line(flag for row in rows for flag in row["flags"])
    return View(
        columns=columns,
        rows=rows,
        meta=listing_meta(listing, sized),
        title=title,
        notes=[f"{count_of(len(listing.records), 'model')} {SOURCE_TEXT[listing.source]}, fetched {fetched}; "
               "downloads are the last 30 days", *(SIGNAL_NOTES[s] for s in signals),
               *([footnote] if footnote else [])],
        column_notes={"flags": legend} if legend else {},
        now=listing.fetched_at,  # ages as they were when the listing was taken, as the `new` flag reads them
        csv_keys=keys,
    )


def add_flags(listing: Listing, rows: list[dict[str, Any]], history: FlagHistory | None = None) -> None:
    """Give every row its `flags`: judged at the listing's own time, with lineage and the top names from its
    whole pool, and (for `jump`) the rows' earlier sightings in `history`."""
    pool = listing.pool or listing.records
    lineage = Lineage(pool)
    top = top_names(pool, listing.fetched_at)
    seen, since = (history.seen, history.org_since) if history is not None else ({}, {})
    by_id = {r.id: r for r in listing.records}
    for row in rows:
        record = by_id[row["id"]]
        context = FlagContext(listing.fetched_at, lineage.family_root(record.id), row.get("params") is not None,
                              band=band_of(row.get("params")), seen=seen.get(record.id),
                              org_since=since.get(record.org), top=top)
        row["flags"] = flags_for(record, context)


def _add_ram(columns: list[Column], rows: list[dict[str, Any]], keys: list[str], ram: Mapping[str, Ram]) -> None:
    """The RAM column after downloads, and its keys (value, size class, day, basis) in every row."""
    after = next(i for i, c in enumerate(columns) if c.key == "downloads")
    columns.insert(after + 1, replace(RAM_COLUMN, priority=0))
    keys.extend(RAM_KEYS)
    for row in rows:
        value = ram.get(row["id"])
        row.update(dict.fromkeys(RAM_KEYS) if value is None else {
            "ram": round(value.value, 4), "ram_class": value.size_class, "ram_day": value.day,
            "ram_basis": value.basis})


def _with_signals(
    listing: Listing, signals: Collection[str], sized: SizedListing | None = None
) -> tuple[list[Column], list[dict[str, Any]], list[str]]:
    """Columns, rows and CSV keys with the derivatives column added and asked-for signals kept."""
    # What the question was about stays at any width: the number ranked by, the signals asked for,
    # and what was filtered on (the task; the size, and the overall rank a size filter skips through).
    query = listing.query
    keep = {SIGNAL_KEYS[s] for s in signals} | {_SHOWN.get(SORTS[query.sort].column, "downloads")}
    if query.task:
        keep.add("task")
    if sized is not None and sized.filter is not None:
        keep |= {"params", "listing_rank"} | ({"size_band"} if sized.filter.band else set())
    columns = [replace(c, priority=0) if c.key in keep else c for c in LISTING_COLUMNS
               if c.key != "listing_rank" or (sized is not None and sized.filter is not None)]
    rows = listing_rows(listing, sized)
    keys = list(LISTING_KEYS)
    if "derivatives" in signals:
        after = next(i for i, c in enumerate(columns) if c.key == "provider_count")
        columns.insert(after + 1, DERIVATIVES_COLUMN)
        keys.append("derivatives")
        for row, record in zip(rows, listing.records, strict=True):
            row["derivatives"] = record.children_count
    return columns, rows, keys
