"""Answer a listing: from the cache when fresh, else live from the Hub, else the best fallback.

`get_listing` is the cache policy every use case reads the Hub through; `check_task` the one
place an empty answer for an unknown task becomes a typo with suggestions. `ranked` and
`grouped` are `trending`/`top` (see `app.api` for the library's keyword form).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hubradar.analysis.sizes import SizedListing, filter_depth, scan_notice, sized_listing
from hubradar.app.options import FetchOptions
from hubradar.core.errors import HubBadResponse, HubRateLimited, HubUnreachable, OfflineError, UnknownTask
from hubradar.core.listing import Listing, Source
from hubradar.core.query import ListingQuery, SignalRequest, apply_locally, rank
from hubradar.core.record import ModelRecord
from hubradar.core.sizes import SizeFilter
from hubradar.core.snapshot import Snapshot
from hubradar.core.tasks import PIPELINE_TAGS, closest_tasks
from hubradar.core.time import now_utc
from hubradar.core.units import count_of, human_duration
from hubradar.core.vocabulary import SORTS
from hubradar.store.cache import Cache
from hubradar.store.db import Store

if TYPE_CHECKING:
    from hubradar.app.groups import Grouped
    from hubradar.app.ram import FlagHistory

ALL_TIME_DEPTH = 1000  # the Hub cannot sort by all-time downloads: re-rank this many by 30-day downloads
GROUP_DEPTH = 1000  # groups are computed from this many models of the listing


def fetch_depth(query: ListingQuery, depth: int = 0) -> int:
    """How many rows to ask the Hub for: the rows shown, or deeper when a stage needs a pool."""
    wanted = max(query.limit, depth)
    if SORTS[query.sort].rerank:
        wanted = max(wanted, ALL_TIME_DEPTH)
    return wanted


def _finish(query: ListingQuery, pool: list[ModelRecord], source: Source, fetched_at: datetime,
            fell_back: bool = False, snapshot_id: int | None = None) -> Listing:
    """Cut a pool the Hub already filtered for this query down to the rows asked for."""
    return Listing(query, rank(pool, query.sort)[: query.limit], source, fetched_at, pool=pool, fell_back=fell_back,
                   snapshot_id=snapshot_id)


def _newest(store: Store, key: str, *, max_age: timedelta | None, rows: int) -> Snapshot | None:
    info = store.find(key, max_age=max_age, rows=rows)
    return store.load(info) if info is not None else None


def _fallback(query: ListingQuery, depth: int, cache: Cache, reason: str, options: FetchOptions) -> Listing:
    """The freshest cached listing of this query (any age), else the bundled snapshot."""
    from hubradar.fetch.bundled import load_bundled  # gzip + importlib.resources: only when falling back

    now = now_utc()
    snap = cache.read(lambda store: _newest(store, query.key(), max_age=None, rows=0), None)
    if snap is not None:
        info = snap.info
        age = human_duration(now - info.fetched_at)
        short = "" if info.row_count >= depth or info.complete else f", {count_of(info.row_count, 'row')} deep"
        options.notify(f"{reason}; showing the cached listing from {age} ago{short}")
        return _finish(query, snap.records, "cache", info.fetched_at, fell_back=True, snapshot_id=info.id)
    bundled = load_bundled()
    age = human_duration(now - bundled.fetched_at)
    options.notify(
        f"{reason}; showing the snapshot bundled with hubradar, taken {bundled.fetched_at:%Y-%m-%d} "
        f"({age} old)"
    )
    pool = apply_locally(bundled.records, query.with_limit(len(bundled.records)))
    return _finish(query, pool, "snapshot", bundled.fetched_at, fell_back=True)


def _why(err: HubUnreachable | OfflineError) -> str:
    """The start of the fallback notice: what went wrong, in one clause."""
    if isinstance(err, HubRateLimited | HubBadResponse | OfflineError):
        return str(err)
    return f"could not reach the Hub: {err}"


def get_listing(
    query: ListingQuery, options: FetchOptions | None = None, *, depth: int = 0, fallback: bool = True
) -> Listing:
    """Cache hit (no network) -> live fetch (stored as a snapshot) -> cached or bundled fallback.

    No fault of the network, the Hub's data or the cache file raises from here: each becomes a
    notice and the best answer still available. Raised: HubAuthError/HubBadRequest (the user must
    act), StoreError (a newer hubradar's cache, which must not be touched). With `fallback=False`
    (`hubradar record`) a failed fetch raises instead of answering from old data.
    """
    options = options or FetchOptions()
    want = fetch_depth(query, depth)
    key = query.key()
    with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
        if not options.refresh and options.max_age.total_seconds() > 0:
            snap = cache.read(lambda store: _newest(store, key, max_age=options.max_age, rows=want), None)
            if snap is not None:
                return _finish(query, snap.records, "cache", snap.info.fetched_at, snapshot_id=snap.info.id)
        if options.offline:
            if not fallback:
                raise OfflineError("offline mode is on: not contacting the Hub")
            return _fallback(query, want, cache, "offline", options)
        from hubradar.fetch.client import HubClient
        from hubradar.fetch.listings import list_models

        try:
            with options.progress(f"Fetching {want:,} models from the Hub"):
                result = list_models(HubClient(options.hub), query, limit=want)
        except (HubUnreachable, OfflineError) as err:
            if not fallback:
                raise
            return _fallback(query, want, cache, _why(err), options)
        parts = [f"{n} {what}" for n, what in ((result.unreadable, "unreadable"), (result.duplicates, "duplicate"))
                 if n]
        if parts:
            options.notify(f"skipped {' and '.join(parts)} rows from the Hub")
        fetched_at = now_utc()
        saved: list[int] = []
        cache.write(
            lambda store: saved.append(store.save_snapshot(
                key, query.describe() | {"limit": want}, result.records, depth=want,
                fetched_at=fetched_at, complete=result.complete,
            ))
        )
        return _finish(query, result.records, "live", fetched_at, snapshot_id=saved[0] if saved else None)


def check_task(listing: Listing) -> None:
    """An empty listing for a task the Hub does not know is a typo: say so, with the closest tags."""
    task = listing.query.task
    if not listing.records and task and task not in PIPELINE_TAGS:
        raise UnknownTask(task, closest_tasks(task))


def _checked(query: ListingQuery, options: FetchOptions, depth: int) -> Listing:
    """`get_listing`, the task checked, and the all-time re-ranking said once."""
    listing = get_listing(query, options, depth=depth)
    check_task(listing)
    if SORTS[query.sort].rerank:
        options.notify(f"the Hub cannot sort by {SORTS[query.sort].words}: ranked the top {ALL_TIME_DEPTH:,} by "
                       f"{SORTS[SORTS[query.sort].hub].words} instead")
    return listing


@dataclass
class Ranked:
    """`trending`/`top` without groups: the rows shown and how they were chosen."""

    listing: Listing  # `records` are the rows shown, ranked, sized and looked up as asked
    signals: SignalRequest
    sized: SizedListing | None = None  # with a size filter: what the filter looked through
    history: FlagHistory | None = None  # what the `jump` flag compares the rows with


def ranked(query: ListingQuery, options: FetchOptions, *, signals: SignalRequest | None = None,
           sizes: SizeFilter | None = None) -> Ranked:
    """The listing, size-filtered (looking deeper than the rows shown), ranked by a signal if asked."""
    from hubradar.app.ram import RAM_PEERS, flag_history
    from hubradar.app.signals import apply_signals

    signals = signals or SignalRequest(limit=query.limit)
    depth = filter_depth(query.limit) if sizes else 0
    if signals.sort == "ram" or (signals.ram and query.sort in ("downloads", "all-time")):
        depth = max(depth, RAM_PEERS)  # the peers RAM is measured against: the same listing, deeper
    listing = _checked(query, options, depth)
    sized = None
    if sizes is not None:  # the first --limit (or --depth) models of the size asked for, in the Hub's order
        sized = sized_listing(listing, sizes)
        options.notify(scan_notice(sized, query.sort))
        listing = replace(listing, records=[row.record for row in sized.rows])
    shown = apply_signals(listing, signals, options)
    return Ranked(shown, signals, sized, flag_history(shown.records, shown.pool, shown.fetched_at, options))


def grouped(query: ListingQuery, options: FetchOptions, *, by: str, depth: int = GROUP_DEPTH,
            sizes: SizeFilter | None = None, derivatives: bool = False) -> Grouped:
    """The top `depth` models of the listing grouped `by` family, author or series (see app.groups)."""
    from hubradar.app.groups import group_listing  # lineage and families: only when grouping

    return group_listing(_checked(query, options, depth), options, by=by, depth=depth, sizes=sizes,
                         derivatives=derivatives)
