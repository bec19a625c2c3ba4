"""Answer a listing: from the cache when fresh, else live from the Hub, else the best fallback.

This is the library entry point for listings (the CLI is a thin layer over it):

    from hubradar.app.listing import FetchOptions, get_listing
    from hubradar.core.query import ListingQuery
    listing = get_listing(ListingQuery(sort="trending", task="text-generation"), FetchOptions())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from hubradar.core.errors import HubBadResponse, HubRateLimited, HubUnreachable, OfflineError
from hubradar.core.query import ListingQuery, apply_locally, rank
from hubradar.core.record import ModelRecord
from hubradar.core.units import human_duration
from hubradar.fetch.client import FetchResult, HubClient, HubSettings, env_offline
from hubradar.render.progress import Progress, no_progress
from hubradar.store.cache import Cache
from hubradar.store.db import BUSY_TIMEOUT, Snapshot, Store, now_utc

Source = Literal["live", "cache", "snapshot"]
PAGE = 1000
ALL_TIME_DEPTH = 1000  # the Hub cannot sort by all-time downloads: re-rank this many by 30-day downloads


def _ignore(_: str) -> None:
    return None


@dataclass
class FetchOptions:
    """How a listing may be answered. Defaults: cache for an hour, live otherwise."""

    max_age: timedelta = timedelta(hours=1)
    refresh: bool = False
    offline: bool = False
    cache_dir: Path | None = None
    hub: HubSettings | None = None
    notify: Callable[[str], None] = field(default=_ignore)
    progress: Progress = field(default=no_progress)  # wraps each wait for the Hub (the CLI's spinner)
    cache_wait: float = BUSY_TIMEOUT  # seconds to wait for another hubradar writing the cache

    def settings(self) -> HubSettings:
        return self.hub or HubSettings.from_env(offline=self.offline)


@dataclass
class Listing:
    """Rows of one query and where they came from. `pool` is the deeper set families group over."""

    query: ListingQuery
    records: list[ModelRecord]
    source: Source
    fetched_at: datetime
    pool: list[ModelRecord] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def fetch_depth(query: ListingQuery, depth: int = 0) -> int:
    """How many rows to ask the Hub for: the rows shown, or deeper when a stage needs a pool."""
    wanted = max(query.limit, depth)
    if query.sort == "all-time":
        wanted = max(wanted, ALL_TIME_DEPTH)
    return wanted


def _finish(query: ListingQuery, pool: list[ModelRecord], source: Source, fetched_at: datetime) -> Listing:
    """Cut a pool the Hub already filtered for this query down to the rows asked for."""
    return Listing(query, rank(pool, query.sort)[: query.limit], source, fetched_at, pool=pool)


def _newest(store: Store, key: str, *, max_age: timedelta | None, rows: int) -> Snapshot | None:
    info = store.find(key, max_age=max_age, rows=rows)
    return store.load(info) if info is not None else None


def _fallback(
    query: ListingQuery, depth: int, cache: Cache, reason: str, notify: Callable[[str], None]
) -> Listing:
    """The freshest cached listing of this query (any age), else the bundled snapshot."""
    from hubradar.fetch.bundled import load_bundled  # gzip + importlib.resources: only when falling back

    now = now_utc()
    snap = cache.read(lambda store: _newest(store, query.key(), max_age=None, rows=0), None)
    if snap is not None:
        info = snap.info
        age = human_duration(now - info.fetched_at)
        short = "" if info.row_count >= depth or info.complete else f", {info.row_count} rows deep"
        notify(f"{reason}; showing the cached listing from {age} ago{short}")
        return _finish(query, snap.records, "cache", info.fetched_at)
    bundled = load_bundled()
    age = human_duration(now - bundled.fetched_at)
    notify(
        f"{reason}; showing the snapshot bundled with hubradar, taken {bundled.fetched_at:%Y-%m-%d} "
        f"({age} old)"
    )
    pool = apply_locally(bundled.records, query.with_limit(len(bundled.records)))
    return _finish(query, pool, "snapshot", bundled.fetched_at)


def _why(err: HubUnreachable | OfflineError) -> str:
    """The start of the fallback notice: what went wrong, in one clause."""
    if isinstance(err, HubRateLimited | HubBadResponse | OfflineError):
        return str(err)
    return f"could not reach the Hub: {err}"


def _skipped_notice(result: FetchResult) -> str | None:
    parts = [f"{n} {what}" for n, what in ((result.unreadable, "unreadable"), (result.duplicates, "duplicate")) if n]
    return f"skipped {' and '.join(parts)} rows from the Hub" if parts else None


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
    notify = options.notify
    want = fetch_depth(query, depth)
    key = query.key()
    with Cache(options.cache_dir, notify, busy_timeout=options.cache_wait) as cache:
        if not options.refresh and options.max_age.total_seconds() > 0:
            snap = cache.read(lambda store: _newest(store, key, max_age=options.max_age, rows=want), None)
            if snap is not None:
                return _finish(query, snap.records, "cache", snap.info.fetched_at)
        settings = options.settings()
        if settings.offline or env_offline():
            if not fallback:
                raise OfflineError("offline mode is on: not contacting the Hub")
            return _fallback(query, want, cache, "offline", notify)
        try:
            with options.progress(f"Fetching {want:,} models from the Hub"):
                result = HubClient(settings).list_models(query, limit=want)
        except (HubUnreachable, OfflineError) as err:
            if not fallback:
                raise
            return _fallback(query, want, cache, _why(err), notify)
        if notice := _skipped_notice(result):
            notify(notice)
        fetched_at = now_utc()
        cache.write(
            lambda store: store.save_snapshot(
                key, query.describe() | {"limit": want}, result.records, depth=want,
                fetched_at=fetched_at, complete=result.complete,
            )
        )
        return _finish(query, result.records, "live", fetched_at)
