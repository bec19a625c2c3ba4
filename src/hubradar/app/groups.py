"""`--group family|author|series` over a listing: the use case behind grouped `trending`/`top`.

The top `depth` models of the listing's pool (size-filtered first, a re-upload sized through its
base) are grouped (analysis.families) and ranked by the listing's own sort, summed: `top` by family
downloads, `trending` by summed trending score (a family rises when its base and re-uploads rise
together). With derivatives asked for, the members of the groups shown, and only those, are looked
up (top group first, so a cut budget leaves the lower groups unknown rather than every group partial).

The lineage is most of grouping's time (the tag scans and the name rule: 0.7 s of 1 s at 100,000
records). A deep stored snapshot keeps the one built over it (store/lineage.py): the first grouping
of a live listing of `STORED_LINEAGE_MIN` models or more stores it, and every grouping of the whole
snapshot after that reads it back instead of building it (engine `stored`; `python` builds it).
Grouping fewer models than the snapshot holds, or by a size filter, builds its own: the name rule
matches within the models grouped, so another set of models can link differently.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from hubradar.analysis import lineage as lineage_module
from hubradar.analysis import links as links_module
from hubradar.analysis import names as names_module
from hubradar.analysis.families import Grouping, group_models
from hubradar.analysis.lineage import Lineage, Link
from hubradar.analysis.links import new_link
from hubradar.analysis.sizes import SizeEstimator
from hubradar.app.options import FetchOptions
from hubradar.core import query as query_module
from hubradar.core import record as record_module
from hubradar.core.listing import Listing
from hubradar.core.memory import gc_paused
from hubradar.core.query import rank
from hubradar.core.record import ModelRecord
from hubradar.core.sizes import SizeFilter
from hubradar.core.vocabulary import GROUP_SORTS, GROUPS, check
from hubradar.store.cache import Cache
from hubradar.store.lineage import StoredLinks, load_lineage, save_lineage

ENGINES = ("auto", "python", "stored")
# From this many models a live listing's lineage is stored for the groupings after it. Below it
# building is cheap anyway (~10 ms at 1,000) and a small listing's store stays as it was.
STORED_LINEAGE_MIN = 5000
_PARENT, _RELATION, _INFERRED = itemgetter(0), itemgetter(1), itemgetter(2)  # of a Link


@functools.cache
def lineage_rules() -> str:
    """A digest of the lineage rules' code (and of the ranking they run over): a lineage stored by a
    hubradar whose rules differ is not read, since its links may not be the ones these rules find
    (hubradar's version where the code cannot be read)."""
    import hashlib

    digest = hashlib.sha256()
    for module in (lineage_module, links_module, names_module, record_module, query_module):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:
            from importlib import metadata

            digest.update(f"{module.__name__} {metadata.version('hubradar')}".encode())
    return digest.hexdigest()[:16]


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
    engine: str = "python"  # where the lineage came from: built (`python`) or read with the snapshot (`stored`)

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


def stored_links(lineage: Lineage) -> StoredLinks:
    """A lineage's links as the store keeps them (store/lineage.py)."""
    links = lineage.links
    return StoredLinks(list(links), list(map(_PARENT, links.values())), list(map(_RELATION, links.values())),
                       list(map(_INFERRED, links.values())), [(child, *link) for child, link in lineage.broken])


def stored_lineage(pool: list[ModelRecord], stored: StoredLinks) -> Lineage:
    """The lineage of `pool` (the records it was built over, in that order) from what the store kept."""
    with gc_paused():
        links = dict(zip(stored.children, map(new_link, repeat(Link), zip(
            stored.parents, stored.relations, stored.inferred, strict=True)), strict=True))
        broken = [(child, Link(parent, relation, inferred)) for child, parent, relation, inferred in stored.broken]
        return Lineage.stored(pool, links, broken)


def _lineage(listing: Listing, options: FetchOptions, pool: list[ModelRecord], whole: bool,
             engine: str) -> tuple[Lineage, str]:
    """The lineage of the models grouped: read with the snapshot when it is stored, else built (and
    stored, for a live listing deep enough). `whole`: the pool is every model of the listing."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    snapshot, sort = listing.snapshot_id, listing.query.sort
    if engine != "python" and whole and snapshot is not None:
        with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
            stored = cache.read(lambda store: load_lineage(store, snapshot, sort, lineage_rules()), None)
        if stored is not None:
            return stored_lineage(pool, stored), "stored"
    if engine == "stored":
        raise ValueError("no lineage is stored for this listing")
    lineage = Lineage(pool)
    if engine == "auto" and whole and snapshot is not None and listing.source == "live" \
            and len(pool) >= STORED_LINEAGE_MIN:
        kept = stored_links(lineage)
        with Cache(options.cache_dir, options.notify, busy_timeout=options.cache_wait) as cache:
            cache.write(lambda store: save_lineage(store, snapshot, sort, lineage_rules(), kept))
    return lineage, "python"


def group_listing(listing: Listing, options: FetchOptions, *, by: str, depth: int,
                  sizes: SizeFilter | None = None, derivatives: bool = False, engine: str = "auto") -> Grouped:
    """Group the top `depth` models of `listing.pool`; look up the shown members' derivatives if asked.

    `engine`: `auto` reads the lineage stored with the listing's snapshot when there is one, else
    builds it; `python` always builds it; `stored` must read it (ValueError when none is stored).
    """
    check(by, GROUPS, "grouping")
    sort = listing.query.sort
    pool = rank(listing.pool, sort)[:depth]
    lineage, used = _lineage(listing, options, pool, depth >= len(listing.pool), engine)
    if sizes is not None:
        estimate = SizeEstimator(pool, lineage)
        pool = [r for r in pool if sizes.accepts(estimate(r))]
        lineage, used = Lineage(pool), "python"  # the models of that size link among themselves
    grouping = group_models(pool, by, rank_by=sort if sort in GROUP_SORTS else "downloads", lineage=lineage)
    counts = None
    if derivatives:
        from hubradar.app.lookups import with_derivatives

        looked = with_derivatives(members_to_look_up(grouping, listing.query.limit), options,
                                  online=not listing.fell_back)
        counts = {r.id: r.children_count for r in looked}
    return Grouped(listing, grouping, depth, len(listing.pool), sizes, len(pool) if sizes else 0, counts, used)
