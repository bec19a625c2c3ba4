"""Signals on a listing: rank it by live providers or derivatives, add the derivatives column.

The numbers themselves are `analysis.signals`; the lookups `app.lookups.with_derivatives`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from hubradar.analysis.signals import adoption_value, rank_by
from hubradar.app.options import FetchOptions
from hubradar.core.errors import param
from hubradar.core.listing import Listing
from hubradar.core.query import SignalRequest
from hubradar.core.units import count_of

if TYPE_CHECKING:
    from hubradar.core.adoption import Ram


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


def apply_signals(listing: Listing, request: SignalRequest, options: FetchOptions) -> Listing:
    """Look up, rank and cut a listing as `request` asks, with the RAM of its rows (`Listing.ram`)
    when asked for (empty otherwise); notices go to `options.notify`."""
    records = listing.records
    online = not listing.fell_back
    ram: dict[str, Ram] = {}
    if request.sort == "derivatives" or request.derivatives:
        from hubradar.app.lookups import with_derivatives  # the Hub client and lookups: only when asked
    if request.sort == "derivatives":
        records = with_derivatives(records, options, online=online)
    if request.sort == "ram" or request.ram:
        from hubradar.analysis.ram import rank_by_ram
        from hubradar.app.ram import listing_ram  # peers, sizes and history: only when asked

        ram = listing_ram(listing, records, options)
    if request.sort == "ram":
        unknown = sum(1 for r in records if r.id not in ram)
        if unknown:
            options.notify(f"ram unknown for {unknown} of {count_of(len(records), 'model')} (size, age or a "
                           "full enough size class unknown): ranked last")
        records = rank_by_ram(records, ram)[: request.limit]
    elif request.sort:
        unknown = sum(1 for r in records if adoption_value(r, request.sort) is None)
        if unknown:
            options.notify(f"{request.sort} unknown for {unknown} of {count_of(len(records), 'model')}: ranked last")
        records = rank_by(records, request.sort)[: request.limit]
    if request.derivatives and request.sort != "derivatives":
        records = with_derivatives(records, options, online=online)
    left_out = served_unknown(listing)
    if left_out:
        options.notify(f"the bundled snapshot does not say which models are served: {count_of(left_out, 'model')} of "
                       f"unknown serving are left out of {param('served')}")
    return replace(listing, records=records, ram=ram)
