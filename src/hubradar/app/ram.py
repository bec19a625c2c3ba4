"""The history-backed signals of a listing: RAM (relative adoption) and what the `jump` flag compares.

`listing_ram` gives each listed model its RAM (`analysis.ram`) against the peers of the downloads
listing (1,000 deep, one Hub page; the listing itself when it is that listing), with the exact
counts by age that hubradar's history holds for them (`store.signals.exact_counts`). Offline it
works on the cached or bundled listing, as every listing does.

`flag_history` reads what `jump` needs for a listing's young repos: each one's previous sighting
and its org's oldest known model. Nothing is read when no row is young (the warm path stays light).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from hubradar.analysis.bots import JUMP_MIN_GAP, YOUNG_ORG, YOUNG_REPO, Seen, is_young
from hubradar.app.listing import get_listing
from hubradar.app.options import FetchOptions
from hubradar.core.listing import Listing
from hubradar.core.progress import ignore
from hubradar.core.record import ModelRecord
from hubradar.core.units import count_of
from hubradar.store.cache import Cache
from hubradar.store.db import Store

if TYPE_CHECKING:  # the RAM's modules load only when a RAM is asked for (`trending` stays light)
    from hubradar.analysis.ram import AgeCurve, Ram, RamTable
    from hubradar.analysis.sizes import SizeEstimator

RAM_PEERS = 1000  # the downloads listing the yardsticks are read from: one Hub page


def _peers(listing: Listing, options: FetchOptions) -> list[ModelRecord]:
    """The downloads listing of the same filters (the listing's own pool when it is that listing)."""
    pool = listing.pool or listing.records
    if listing.query.sort in ("downloads", "all-time"):  # `ranked` fetched it RAM_PEERS deep
        peers = pool
    else:
        query = replace(listing.query, sort="downloads", limit=RAM_PEERS)
        # After a fallback the peers fall back the same way: the notice was given once already.
        quiet = replace(options, notify=ignore) if listing.fell_back else options
        peers = get_listing(query, quiet, depth=RAM_PEERS).pool
    known = {r.id for r in peers}
    return list(peers) + [r for r in listing.records if r.id not in known]


def curves(rows: list[tuple[str, datetime, datetime, int]]) -> dict[str, AgeCurve]:
    """Each model's exact counts by age (days at the snapshot) from `exact_counts` rows."""
    from hubradar.analysis.ram import AgeCurve

    points: dict[str, list[tuple[float, float]]] = {}
    for model_id, created, at, count in rows:
        points.setdefault(model_id, []).append((max(1.0, (at - created).total_seconds() / 86400), float(count)))
    return {model_id: AgeCurve(p) for model_id, p in points.items()}


def ram_table(peers: list[ModelRecord], reference: datetime, options: FetchOptions,
              sizes: SizeEstimator | None = None) -> RamTable:
    """The RAM yardsticks of `peers` at `reference`, with the exact counts by age history holds for them."""
    from hubradar.analysis.ram import RamTable
    from hubradar.analysis.sizes import SizeEstimator
    from hubradar.store.signals import exact_counts

    sizes = sizes or SizeEstimator(peers)
    params = {r.id: sizes(r).params for r in peers}
    ids = [r.id for r in peers]
    with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
        none: list[tuple[str, datetime, datetime, int]] = []
        stored = cache.read(lambda store: exact_counts(store, ids), none)
    return RamTable(peers, params, reference, curves(stored))


def say_basis(values: Iterable[Ram], options: FetchOptions) -> None:
    """One notice when some RAMs are approximations from one snapshot."""
    values = list(values)
    approx = sum(1 for v in values if v.basis == "snapshot")
    if approx:
        options.notify(f"ram: {count_of(approx, 'model')} of {len(values):,} approximated from one snapshot "
                       "(history does not hold the ages needed; see docs/methodology.md)")


def listing_ram(listing: Listing, records: list[ModelRecord], options: FetchOptions) -> dict[str, Ram]:
    """The RAM of each of `records` (rows of `listing`) that has one; notices say how it was found."""
    from hubradar.analysis.ram import rams

    values = rams(records, ram_table(_peers(listing, options), listing.fetched_at, options))
    say_basis(values.values(), options)
    return values


class FlagHistory(NamedTuple):
    """What `jump` reads from history for a listing's young repos."""

    seen: dict[str, Seen]
    org_since: dict[str, datetime]


def flag_history(records: list[ModelRecord], pool: list[ModelRecord], moment: datetime,
                 options: FetchOptions) -> FlagHistory:
    """The sighting of each young repo of a possibly young org at least `JUMP_MIN_GAP` before `moment`,
    and its org's oldest model (stored or in `pool`); empty (nothing read) when there is none."""
    # An org with a model in the listing older than YOUNG_ORG is no young org: its rows need no read.
    established = {r.org for r in [*pool, *records] if r.created is not None and not is_young(r, moment, YOUNG_ORG)}
    young = [r for r in records if is_young(r, moment, YOUNG_REPO) and r.org not in established]
    if not young:
        return FlagHistory({}, {})
    ids = [r.id for r in young]
    orgs = {r.org for r in young}

    from hubradar.store.signals import last_seen, oldest_created

    def read(store: Store) -> FlagHistory:
        seen = {k: Seen(*v) for k, v in last_seen(store, ids, moment - JUMP_MIN_GAP).items()}
        return FlagHistory(seen, oldest_created(store, sorted(orgs)))

    with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
        found = cache.read(read, FlagHistory({}, {}))
    since = dict(found.org_since)
    for r in [*pool, *records]:  # the listing's own models count too (the store may not hold them)
        if r.org not in orgs:
            continue
        created = r.created
        if created is not None and (r.org not in since or created < since[r.org]):
            since[r.org] = created
    return FlagHistory(found.seen, since)
