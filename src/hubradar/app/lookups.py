"""The lookups a use case needs, through the one pipeline (`fetch.lookups.look_up`) and the store's cache.

- `lookup_models`: whole records for models no listing reached (gaps' ids, `hubradar family`'s model).
- `with_derivatives`: `childrenModelCount` for records (`--derivatives`, `--sort derivatives`,
  `gaps --adoption derivatives`, a family tree's second level), with the notices the user sees.

A fault in the cache costs the cache, never the answer (`store.cache.Cache`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import timedelta

from hubradar.app.options import FetchOptions
from hubradar.core.record import ModelRecord
from hubradar.core.units import count_of
from hubradar.core.vocabulary import ADOPTION, check
from hubradar.fetch.listings import LISTING_EXPAND
from hubradar.fetch.lookups import LOOKUP_MAX_AGE, LOOKUP_WORKERS, Lookups, look_up
from hubradar.store.cache import Cache

DERIVATIVES_EXPAND = ("childrenModelCount",)


def lookup_models(ids: Iterable[str], options: FetchOptions, *, online: bool = True,
                  max_age: timedelta = LOOKUP_MAX_AGE, workers: int = LOOKUP_WORKERS) -> Lookups:
    """Each id's whole record: a fresh cached answer, else the Hub, else a cached answer of any age."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return Lookups()
    with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
        return look_up(wanted, LISTING_EXPAND, options.hub, cache, refresh=options.refresh, online=online,
                       max_age=max_age, workers=workers, progress=options.progress)


def with_derivatives(records: Sequence[ModelRecord], options: FetchOptions, *, online: bool = True,
                     workers: int = LOOKUP_WORKERS) -> list[ModelRecord]:
    """The records with `children_count` filled in: from the lookup cache (a day), else the Hub.

    Never raises for a lookup that fails: the Hub's 429 (or any error) stops the remaining lookups
    with one notice, a model the Hub no longer has stays unknown, and so does everything beyond the
    request budget. With `online` False (or offline) only the cache answers. `options.refresh` looks
    everything up again.
    """
    ids = list(dict.fromkeys(r.id for r in records if r.children_count is None))
    if not ids:
        return list(records)
    with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
        got = look_up(ids, DERIVATIVES_EXPAND, options.hub, cache, refresh=options.refresh, online=online,
                      stale_ok=False, workers=workers, progress=options.progress,
                      message="Looking up the derivatives of {n:,} models on the Hub")
    notify = options.notify
    if got.why in ("offline", "Hub unreachable"):
        notify(f"derivatives unknown for {count_of(len(got.failed), 'model')}: not looked up in the last day, "
               "and the Hub is not being asked (offline or unreachable)")
    else:
        if got.cut:
            notify(f"derivatives unknown for {count_of(got.cut, 'model')}: the Hub allows about 500 requests per "
                   "5 minutes and the recent lookups used that up; run again in a few minutes")
        if got.why == "Hub stopped answering":
            notify(f"derivatives: {got.failure}; the rest are shown as unknown")
    counts = {mid: rec.children_count for mid, rec in got.found.items()} | dict.fromkeys(got.missing)
    return [replace(r, children_count=counts[r.id]) if r.id in counts else r for r in records]


def with_adoption(records: Sequence[ModelRecord], kind: str, options: FetchOptions) -> list[ModelRecord]:
    """Records ready for `adoption_value(record, kind)`: derivatives need lookups, the rest came with the listing."""
    check(kind, ADOPTION, "adoption kind")
    if ADOPTION[kind].looked_up:
        return with_derivatives(records, options)
    return list(records)
