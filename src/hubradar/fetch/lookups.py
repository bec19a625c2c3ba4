"""Per-model lookups (`model_info`): the one pipeline for what a listing cannot say.

A listing is the cheap way to read the Hub (1,000 models a request); `childrenModelCount`, and a
model outside every listing, cost one request each. `look_up` answers each id from a cache of
earlier answers when they are young enough, asks the Hub a few at a time for the rest within the
request budget shared by all lookups (the Hub's 5-minute window), stops at the first 429 or
outage, and falls back to an answer of any age when asked to. It never raises for a lookup: what
could not be asked is reported (`failed`, `failure`, `why`), never as missing from the Hub.

The cache is anything with the three methods of `LookupCache` (the store's `Cache` in the app),
so this layer needs no store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from hubradar.core.errors import HubError, ModelNotFound
from hubradar.core.progress import Progress, no_progress
from hubradar.core.record import ModelRecord
from hubradar.core.time import now_utc
from hubradar.fetch.client import HubClient
from hubradar.fetch.settings import BUDGET_WINDOW, REQUEST_BUDGET, HubSettings

LOOKUP_MAX_AGE = timedelta(days=1)  # derivative counts and metadata move slowly: a day keeps repeat runs free
LOOKUP_WORKERS = 4  # "a few at a time": fast enough, and gentle with the Hub
ANY_AGE = timedelta(days=365 * 100)
BUDGET_HINT = "the Hub allows about 500 requests per 5 minutes; run again in a few minutes"


class LookupCache(Protocol):
    """Earlier answers, kept per (model id, what was asked)."""

    def get_lookup(self, model_id: str, expand_key: str, max_age: timedelta) -> tuple[bool, ModelRecord | None]:
        """(hit, record): a hit with record None means the Hub said the model does not exist."""
        ...

    def put_lookups(self, expand_key: str, results: Iterable[tuple[str, ModelRecord | None]]) -> None: ...

    def lookups_since(self, moment: datetime) -> int:
        """How many answers were fetched from the Hub since `moment` (the budget's ledger)."""
        ...


@dataclass
class Lookups:
    """What the lookups found: a record per id asked, ids the Hub does not have, ids not asked."""

    found: dict[str, ModelRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    fetched: int = 0  # answers the Hub gave (a record or a 404)
    cached: int = 0  # answers served from the cache
    failure: str | None = None  # why some could not be asked, for a notice
    why: str | None = None  # the same in a few words: offline, Hub unreachable, request budget, ...
    cut: int = 0  # ids left unasked by the request budget


def model_infos(
    client: HubClient, model_ids: Sequence[str], expand: Sequence[str], *, workers: int = LOOKUP_WORKERS
) -> tuple[dict[str, ModelRecord | None], str | None]:
    """Look up many models a few at a time; stop early when the Hub rate-limits or fails.

    Returns (id -> record or None when not found, a notice when the lookups stopped early).
    """
    from concurrent.futures import ThreadPoolExecutor  # (and logging): not on the cache-hit path

    ids = list(dict.fromkeys(model_ids))
    results: dict[str, ModelRecord | None] = {}
    stop = threading.Event()
    notice: list[str] = []

    def one(model_id: str) -> None:
        if stop.is_set():
            return
        try:
            record: ModelRecord | None = client.model_info(model_id, tuple(expand))
        except ModelNotFound:
            record = None
        except HubError as err:  # 429, unreachable, refused or rejected: the rest would fare no better
            if not stop.is_set():
                stop.set()
                notice.append(str(err))
            return
        results[model_id] = record

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, ids))
    message = f"stopped after {len(results)} of {len(ids)} lookups: {notice[0]}" if notice else None
    return results, message


def _from_cache(cache: LookupCache, ids: Iterable[str], key: str, max_age: timedelta, out: Lookups) -> list[str]:
    """Fill `out` from the cache; return the ids it has no answer for that is young enough."""
    left = []
    for model_id in ids:
        hit, record = cache.get_lookup(model_id, key, max_age)
        if not hit:
            left.append(model_id)
            continue
        out.cached += 1
        if record is None:
            out.missing.add(model_id)
        else:
            out.found[model_id] = record
    return left


def look_up(
    ids: Iterable[str],
    expand: Sequence[str],
    settings: HubSettings,
    cache: LookupCache,
    *,
    refresh: bool = False,
    online: bool = True,
    max_age: timedelta = LOOKUP_MAX_AGE,
    stale_ok: bool = True,
    workers: int = LOOKUP_WORKERS,
    progress: Progress = no_progress,
    message: str = "Looking up {n:,} models on the Hub",
) -> Lookups:
    """Look up each id: a fresh cached answer, else the Hub, else (`stale_ok`) a cached answer of any age.

    The Hub is not asked offline, when `online` is False (the listing itself could not be fetched),
    or beyond the request budget. `refresh` asks the Hub again for every id.
    """
    wanted = list(dict.fromkeys(ids))
    out = Lookups()
    if not wanted:
        return out
    key = ",".join(expand)
    left = wanted if refresh else _from_cache(cache, wanted, key, max_age, out)
    if left:
        if settings.offline:
            out.failure, out.why = "offline", "offline"
        elif not online:
            out.failure, out.why = "the Hub did not answer the listing", "Hub unreachable"
        else:
            allowed = max(0, REQUEST_BUDGET - cache.lookups_since(now_utc() - BUDGET_WINDOW))
            ask = left[:allowed]
            out.cut = len(left) - len(ask)
            if out.cut:
                out.failure, out.why = BUDGET_HINT, "request budget"
            results: dict[str, ModelRecord | None] = {}
            if ask:
                try:
                    with progress(message.format(n=len(ask))):
                        results, notice = model_infos(HubClient(settings), ask, expand, workers=workers)
                except HubError as err:
                    notice = str(err)
                if notice:
                    out.failure, out.why = notice, "Hub stopped answering"
            out.fetched += len(results)
            for model_id, record in results.items():
                if record is None:
                    out.missing.add(model_id)
                else:
                    out.found[model_id] = record
            if results:
                cache.put_lookups(key, results.items())
        left = [i for i in left if i not in out.found and i not in out.missing]
        if stale_ok:
            left = _from_cache(cache, left, key, ANY_AGE, out)
        out.failed.update(left)
    return out
