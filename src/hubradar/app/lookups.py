"""Single-model lookups (`model_info`) for models a listing does not reach, cached for a day.

A listing is the cheap way to read the Hub (1,000 models a request); a model outside it costs one
request of its own. `lookup_models` asks for those few at a time, remembers each answer (a
record, or "not on the Hub") in the store's `lookups` table, and never lets a rate limit or an
outage cost the command: what could not be asked is reported, not raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from hubradar.app.listing import FetchOptions
from hubradar.app.signals import LOOKUP_MAX_AGE, LOOKUP_WORKERS, budget_left
from hubradar.core.errors import HubError
from hubradar.core.record import ModelRecord
from hubradar.fetch.client import LISTING_EXPAND, HubClient, env_offline
from hubradar.store.db import Store, open_or_recover

_ANY_AGE = timedelta(days=365 * 100)
EXPAND_KEY = ",".join(LISTING_EXPAND)


@dataclass
class Lookups:
    """What the lookups found: a record per id asked, ids the Hub does not have, ids not asked."""

    found: dict[str, ModelRecord] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    fetched: int = 0  # answers the Hub gave (a record or a 404)
    cached: int = 0  # answers served from the store
    failure: str | None = None  # why some could not be asked, for a notice
    why: str | None = None  # the same in a few words, for a row: offline, Hub unreachable, ...


def _from_cache(store: Store | None, ids: Iterable[str], max_age: timedelta, out: Lookups) -> list[str]:
    """Fill `out` from the store; return the ids it has no answer for that is young enough."""
    left = []
    for model_id in ids:
        hit, record = store.get_lookup(model_id, EXPAND_KEY, max_age) if store else (False, None)
        if not hit:
            left.append(model_id)
            continue
        out.cached += 1
        if record is None:
            out.missing.add(model_id)
        else:
            out.found[model_id] = record
    return left


def lookup_models(ids: Iterable[str], options: FetchOptions, *, online: bool = True,
                  max_age: timedelta = LOOKUP_MAX_AGE, workers: int = LOOKUP_WORKERS) -> Lookups:
    """Look up each id: a fresh cached answer, else the Hub, else a cached answer of any age.

    The Hub is not asked offline, when `online` is False (the listing itself could not be fetched),
    or beyond the request budget shared with every other lookup (`signals.budget_left`). The ids
    left without any cached answer end in `failed`, with the reason in `failure`; they are never
    reported as missing from the Hub.
    """
    wanted = list(dict.fromkeys(ids))
    out = Lookups()
    if not wanted:
        return out
    store = open_or_recover(options.cache_dir, options.notify)
    try:
        left = wanted if options.refresh else _from_cache(store, wanted, max_age, out)
        if left:
            settings = options.settings()
            if settings.offline or env_offline():
                out.failure, out.why = "offline", "offline"
            elif not online:
                out.failure, out.why = "the Hub did not answer the listing", "Hub unreachable"
            else:
                ask = left[:budget_left(store)]
                if len(ask) < len(left):
                    out.failure = "the Hub allows about 500 requests per 5 minutes; run again in a few minutes"
                    out.why = "request budget"
                try:
                    with options.progress(f"Looking up {len(ask):,} models on the Hub"):
                        results, notice = HubClient(settings).model_infos(ask, LISTING_EXPAND, workers=workers)
                except HubError as err:
                    results, notice = {}, str(err)
                out.fetched += len(results)
                if notice:
                    out.failure, out.why = notice, "Hub stopped answering"
                for model_id, record in results.items():
                    if record is None:
                        out.missing.add(model_id)
                    else:
                        out.found[model_id] = record
                if store is not None and results:
                    store.put_lookups(EXPAND_KEY, results.items())
            left = [i for i in left if i not in out.found and i not in out.missing]
            left = _from_cache(store, left, _ANY_AGE, out)
            out.failed.update(left)
        return out
    finally:
        if store is not None:
            store.close()
