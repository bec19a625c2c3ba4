"""Signals beyond downloads: who serves a model, and how much the ecosystem builds on it.

- Serving: `inferenceProviderMapping`, asked for in the listing request itself, names the inference
  providers mapped to a model. Only `live` entries serve traffic; `staging` and `error` do not count.
- Derivatives: `childrenModelCount`, how many models on the Hub declare this one as their base
  (finetunes, quantizations, adapters, merges). The listing endpoint cannot expand it (the Hub
  rejects the whole request), so it is looked up with one `model_info(expand=["childrenModelCount"])`
  request per model: a few at a time, cached for a day in the store's `lookups` table, within a
  request budget, and stopping early (with a notice) when the Hub rate-limits.

Unknown is never zero: a record whose listing did not say (an old cached listing, the bundled
snapshot, a lookup that did not happen) has None, which tables show as "-", JSON as null, and every
ranking puts after the known values.

Library use (what `trending`/`top` call, and what `gaps --adoption` and `--group family` build on):

    from hubradar.app.signals import adoption_value, rank_by, sum_known, with_adoption
    records = with_adoption(listing.records, "derivatives", FetchOptions())  # looks up what is needed
    adoption_value(records[0], "providers")                # live providers, None when unknown
    rank_by(records, "derivatives")                        # known values first, descending
    sum_known(m.children_count for m in family_members)    # a family's derivatives
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

from hubradar.app.listing import FetchOptions, Listing
from hubradar.core.record import ModelRecord
from hubradar.fetch.client import HubClient, env_offline
from hubradar.store.cache import Cache
from hubradar.store.db import Store, now_utc

Signal = Literal["providers", "derivatives"]
Adoption = Literal["downloads", "derivatives", "providers"]
SIGNALS: tuple[str, ...] = ("providers", "derivatives")
ADOPTION_KINDS: tuple[str, ...] = ("downloads", "derivatives", "providers")

DERIVATIVES_EXPAND = "childrenModelCount"  # also the `lookups` cache key for these lookups
LOOKUP_MAX_AGE = timedelta(days=1)  # derivative counts move slowly; a day keeps repeat runs free
# The Hub allows about 500 anonymous requests per 5 minutes; lookups keep some room for listings.
REQUEST_BUDGET = 450
BUDGET_WINDOW = timedelta(minutes=5)
LOOKUP_WORKERS = 4  # "a few at a time": fast enough, and gentle with the Hub
DEFAULT_DEPTH = 100  # `top --sort providers|derivatives` ranks this many of the downloads listing


def provider_count(record: ModelRecord) -> int | None:
    """How many providers serve the model live; None when the listing did not say."""
    live = record.live_providers
    return None if live is None else len(live)


def adoption_value(record: ModelRecord, kind: str) -> int | None:
    """What adoption means for `kind`: 30-day downloads, derivative models, or live providers.

    None means unknown (derivatives are known only after `with_derivatives`/`with_adoption`).
    """
    if kind == "downloads":
        return record.downloads
    if kind == "derivatives":
        return record.children_count
    if kind == "providers":
        return provider_count(record)
    raise ValueError(f"unknown adoption kind {kind!r}; expected one of {', '.join(ADOPTION_KINDS)}")


def rank_by(records: Iterable[ModelRecord], kind: str) -> list[ModelRecord]:
    """Descending by `adoption_value`; unknown after every known value; ties keep the input order."""

    def key(record: ModelRecord) -> tuple[bool, int]:
        value = adoption_value(record, kind)
        return value is None, -(value or 0)

    return sorted(records, key=key)


def sum_known(values: Iterable[int | None]) -> int | None:
    """The sum of the known values (a lower bound when some are unknown); None when none is known.

    `--group family|author|series --derivatives` sums a group's members this way
    (`family_views.member_derivatives`), as `gaps --adoption derivatives` sums a family's.
    """
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def budget_left(store: Store | None) -> int:
    """Lookups still allowed in the Hub's 5-minute window, counted from the lookups made recently."""
    if store is None:
        return REQUEST_BUDGET
    return max(0, REQUEST_BUDGET - store.lookups_since(now_utc() - BUDGET_WINDOW))


def with_derivatives(
    records: Sequence[ModelRecord],
    options: FetchOptions,
    *,
    online: bool = True,
    workers: int = LOOKUP_WORKERS,
) -> list[ModelRecord]:
    """The records with `children_count` filled in: from the lookup cache (a day), else the Hub.

    Never raises for a lookup that fails: the Hub's 429 (or any error) stops the remaining lookups
    with one notice, a model the Hub no longer has stays unknown, and so does everything beyond the
    request budget. With `online` False (or offline mode) only the cache answers. `--refresh`
    (`options.refresh`) looks everything up again.
    """
    notify = options.notify
    ids = list(dict.fromkeys(r.id for r in records if r.children_count is None))
    found: dict[str, int | None] = {}
    cache = Cache(options.cache_dir, notify, busy_timeout=options.cache_wait) if ids else None
    try:
        missing = ids
        if cache is not None and not options.refresh:
            missing = []
            for model_id in ids:
                hit, cached = cache.read(
                    lambda store, mid=model_id: store.get_lookup(mid, DERIVATIVES_EXPAND, LOOKUP_MAX_AGE), (False, None)
                )
                if hit:
                    found[model_id] = cached.children_count if cached else None
                else:
                    missing.append(model_id)
        settings = options.settings()
        if missing and (not online or settings.offline or env_offline()):
            notify(f"derivatives unknown for {len(missing)} models: not looked up in the last day, "
                   "and the Hub is not being asked (offline or unreachable)")
        elif missing:
            allowed = cache.read(budget_left, REQUEST_BUDGET) if cache is not None else REQUEST_BUDGET
            ask = missing[:allowed]
            if len(ask) < len(missing):
                notify(f"derivatives unknown for {len(missing) - len(ask)} models: the Hub allows about 500 "
                       "requests per 5 minutes and the recent lookups used that up; run again in a few minutes")
            if ask:
                with options.progress(f"Looking up the derivatives of {len(ask):,} models on the Hub"):
                    results, stopped = HubClient(settings).model_infos(ask, [DERIVATIVES_EXPAND], workers=workers)
                if cache is not None and results:
                    cache.write(lambda store: store.put_lookups(DERIVATIVES_EXPAND, results.items()))
                found.update({mid: (rec.children_count if rec else None) for mid, rec in results.items()})
                if stopped:
                    notify(f"derivatives: {stopped}; the rest are shown as unknown")
    finally:
        if cache is not None:
            cache.close()
    return [replace(r, children_count=found[r.id]) if r.id in found else r for r in records]


def with_adoption(records: Sequence[ModelRecord], kind: str, options: FetchOptions) -> list[ModelRecord]:
    """Records ready for `adoption_value(record, kind)`: derivatives need lookups, the rest came with the listing.

    The entry point for `gaps --adoption downloads|derivatives|providers`.
    """
    if kind not in ADOPTION_KINDS:
        raise ValueError(f"unknown adoption kind {kind!r}; expected one of {', '.join(ADOPTION_KINDS)}")
    if kind == "derivatives":
        return with_derivatives(records, options)
    return list(records)


def served_unknown(listing: Listing) -> int:
    """How many models a `--served` answer from the bundled snapshot left out for want of serving data.

    A live or cached `--served` listing was filtered by the Hub itself (`inference_provider=all`, the
    same definition: at least one live provider). The bundled snapshot is filtered locally, and a
    record there that does not say whether it is served is left out: that is unknown, not unserved.
    """
    if not listing.query.inference_provider or listing.source != "snapshot":
        return 0
    from hubradar.fetch.bundled import load_bundled  # gzip + importlib.resources: not on the cache-hit path

    rest = replace(listing.query, inference_provider=None)
    return sum(1 for r in load_bundled().records if r.providers is None and rest.matches(r))


@dataclass(frozen=True)
class SignalRequest:
    """What `trending`/`top` asked for beyond the listing: a signal to rank by, the derivatives column."""

    sort: str | None = None  # "providers" | "derivatives": rank the fetched depth by it, then cut
    derivatives: bool = False
    limit: int = 20
    depth: int = DEFAULT_DEPTH

    @property
    def shown(self) -> tuple[str, ...]:
        """The signals the view must show prominently (ranked by, or asked for)."""
        shown = [self.sort] if self.sort else []
        if self.derivatives and self.sort != "derivatives":
            shown.append("derivatives")
        return tuple(shown)

    def describe(self) -> dict[str, object]:
        """How the request changes the query users see in JSON output."""
        if self.sort:
            return {"sort": self.sort, "limit": self.limit, "depth": self.depth}
        return {"derivatives": True} if self.derivatives else {}


def hub_answered(listing: Listing, options: FetchOptions) -> bool:
    """Did the Hub answer (or could it have: a fresh cache hit)? A fallback listing means it did not.

    get_listing serves a cached listing instead of asking only when it is younger than --max-age and
    --refresh was not given; any other cached or bundled answer is a fallback, so per-model lookups
    would only fail the same way, slower.
    """
    if listing.source == "live":
        return True
    fresh = now_utc() - listing.fetched_at <= options.max_age
    return listing.source == "cache" and fresh and not options.refresh


def apply_signals(listing: Listing, request: SignalRequest, options: FetchOptions) -> Listing:
    """Look up, rank and cut a listing as `request` asks; notices go to `options.notify`."""
    records = listing.records
    online = hub_answered(listing, options)
    if request.sort == "derivatives":
        records = with_derivatives(records, options, online=online)
    if request.sort:
        unknown = sum(1 for r in records if adoption_value(r, request.sort) is None)
        if unknown:
            options.notify(f"{request.sort} unknown for {unknown} of {len(records)} models: ranked last")
        records = rank_by(records, request.sort)[: request.limit]
    if request.derivatives and request.sort != "derivatives":
        records = with_derivatives(records, options, online=online)
    left_out = served_unknown(listing)
    if left_out:
        options.notify(f"the bundled snapshot does not say which models are served: {left_out} models of "
                       "unknown serving are left out of --served")
    return replace(listing, records=records)
