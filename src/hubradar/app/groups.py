"""`--group family|author|series` over a listing: the use case behind grouped `trending`/`top`.

The top `depth` models of the listing's pool (size-filtered first, a re-upload sized through its
base) are grouped (analysis.families) and ranked by the listing's own sort, summed: `top` by family
downloads, `trending` by summed trending score (a family rises when its base and re-uploads rise
together). With derivatives asked for, the members of the groups shown, and only those, are looked
up (top group first, so a cut budget leaves the lower groups unknown rather than every group partial).
"""

from __future__ import annotations

from dataclasses import dataclass

from hubradar.analysis.families import Grouping, group_models
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.sizes import SizeEstimator
from hubradar.app.options import FetchOptions
from hubradar.core.listing import Listing
from hubradar.core.query import rank
from hubradar.core.record import ModelRecord
from hubradar.core.sizes import SizeFilter
from hubradar.core.vocabulary import GROUP_SORTS, GROUPS, check


@dataclass
class Grouped:
    """A listing's groups, and what they were built from."""

    listing: Listing
    grouping: Grouping
    depth: int  # how many of the listing's models were grouped (at most)
    pool_size: int  # how many the listing held
    sizes: SizeFilter | None = None
    sized_models: int = 0  # with a size filter: the models of that size among those grouped
    counts: dict[str, int | None] | None = None  # member id -> childrenModelCount, when derivatives were asked

    @property
    def limit(self) -> int:
        return self.listing.query.limit


def members_to_look_up(grouping: Grouping, limit: int) -> list[ModelRecord]:
    """The records of the groups shown, in rank order, each group's most downloaded first.

    Every member of a shown group counts, whatever the format shows (a table lists the top 3 under
    each group, JSON all of them), so every format gives the same sums.
    """
    records: list[ModelRecord] = []
    for group in grouping.top(limit):
        by_id = {r.id: r for r in group.records}
        records += [by_id[m.id] for m in group.members]
    return records


def group_listing(listing: Listing, options: FetchOptions, *, by: str, depth: int,
                  sizes: SizeFilter | None = None, derivatives: bool = False) -> Grouped:
    """Group the top `depth` models of `listing.pool`; look up the shown members' derivatives if asked."""
    check(by, GROUPS, "grouping")
    sort = listing.query.sort
    pool = rank(listing.pool, sort)[:depth]
    lineage = Lineage(pool)
    if sizes is not None:
        estimate = SizeEstimator(pool, lineage)
        pool = [r for r in pool if sizes.accepts(estimate(r))]
        lineage = Lineage(pool)
    grouping = group_models(pool, by, rank_by=sort if sort in GROUP_SORTS else "downloads", lineage=lineage)
    counts = None
    if derivatives:
        from hubradar.app.lookups import with_derivatives

        looked = with_derivatives(members_to_look_up(grouping, listing.query.limit), options,
                                  online=not listing.fell_back)
        counts = {r.id: r.children_count for r in looked}
    return Grouped(listing, grouping, depth, len(listing.pool), sizes, len(pool) if sizes else 0, counts)
