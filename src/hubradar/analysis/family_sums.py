"""The sums behind grouping: each family's own numbers, rolled up into groups, and the
ecosystem sums (what the listed families below a family or group add to it).

A family's (or group's) sums are one list of slots (`_D` to `_N` below), filled in C-level passes
where it can (`map`, `compress`, `zip` over whole columns) so that grouping 100,000 records stays
under a second (benchmarks/bench_families.py). The ecosystem sums add into the same slot lists,
which is why they live here with the family sums, behind the slot layout. `group_models`
(analysis/families.py) is what uses them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, repeat
from operator import attrgetter, getitem, itemgetter, not_
from typing import Any, cast

from hubradar.analysis.lineage import Lineage
from hubradar.core.record import ModelRecord

# Slots of the per-group sums: downloads, likes, trending, all-time, base downloads, records,
# ecosystem downloads, derivatives.
_D, _L, _T, _A, _B, _R, _E, _N = range(8)
DOWNLOADS_SLOT = _D
METRIC_SLOT = {"downloads": _D, "trending": _T, "likes": _L, "all-time": _A}

_ZERO = {None: 0, 0: 0}  # `.get(v, v)` is `v or 0` for None, 0 and the numbers
_ZERO_FLOAT = {None: 0.0, 0: 0.0}
_DOWNLOADS = attrgetter("downloads")
_PARENT = itemgetter(0)  # Link.parent
_LIKES = attrgetter("likes")
_TRENDING = attrgetter("trending_score")
_ALL_TIME = attrgetter("downloads_all_time")
_FIELDS: dict[int, tuple[Callable[[ModelRecord], Any], dict[Any, Any]]] = {
    _D: (_DOWNLOADS, _ZERO), _L: (_LIKES, _ZERO), _T: (_TRENDING, _ZERO_FLOAT), _A: (_ALL_TIME, _ZERO)}


# --- a family's own sums, rolled up into groups ---------------------------------------------


def family_buckets(listed: dict[str, ModelRecord],
                   roots: dict[str, str]) -> dict[str, ModelRecord | list[ModelRecord]]:
    """Per family root: the record itself while it is alone (most families), else a list.

    Every record that carries no one else's weights starts its own bucket (one C-level pass); the
    re-uploads then join theirs, in listing order. A duplicate id counts once (its last row), as
    in the lineage.
    """
    reupload = list(map(roots.__contains__, listed))
    buckets: dict[str, ModelRecord | list[ModelRecord]] = dict(compress(listed.items(), map(not_, reupload)))
    for root, record in zip(map(roots.__getitem__, compress(listed, reupload)),
                            compress(listed.values(), reupload), strict=True):
        bucket = buckets.get(root)
        if bucket is None:
            buckets[root] = record
        elif isinstance(bucket, list):
            bucket.append(record)
        else:
            buckets[root] = [bucket, record]
    return buckets


def family_sums(buckets: dict[str, ModelRecord | list[ModelRecord]],
                listed: dict[str, ModelRecord]) -> dict[str, list[Any]]:
    """Each family's sums (slots `_D` to `_N`) in bucket order, to roll families up into groups.

    The families of one record (most) are read in C-level passes per slot (`_values`; the base's
    downloads are the record's own when it is listed); the larger ones one by one.
    """
    # The order of the buckets; every value is filled below.
    families = cast("dict[str, list[Any]]", dict.fromkeys(buckets))
    alone = list(map(not_, map(isinstance, buckets.values(), repeat(list))))
    roots = list(compress(buckets, alone))
    rows = cast("list[ModelRecord]", list(compress(buckets.values(), alone)))
    columns = [_values(rows, slot) for slot in (_D, _L, _T, _A)]
    base = map(getitem, zip(repeat(None), columns[0]), map(listed.__contains__, roots))
    families.update(zip(roots, map(list, zip(*columns, base, rows, columns[0], repeat(0))), strict=True))
    for root, bucket in cast("Iterator[tuple[str, list[ModelRecord]]]", compress(buckets.items(), map(not_, alone))):
        downloads = sum(filter(None, map(_DOWNLOADS, bucket)))
        families[root] = [downloads, *family_numbers(root, bucket, listed), bucket, downloads, 0]
    return families


def family_totals(listed: dict[str, ModelRecord], roots: dict[str, str], slot: int) -> dict[str, float]:
    """One slot (downloads, likes, trending score or all-time downloads) summed per family root.

    Every record starts as its own family with its own value (one C-level pass); then each
    re-upload moves its value to its root (unknown counts as 0). Listed roots keep their listing
    order; roots that are not listed follow.
    """
    totals = dict(zip(listed, _values(listed.values(), slot), strict=True))
    pop, get = totals.pop, totals.get
    for model_id, root in roots.items():
        totals[root] = get(root, 0) + pop(model_id)
    return totals


def _values(records: Iterable[ModelRecord], slot: int) -> list[Any]:
    """Each record's value of a slot, unknown as 0, in C-level passes (`zero.get(v, v)` is `v or 0`)."""
    field, zero = _FIELDS[slot]
    values = list(map(field, records))
    return list(map(zero.get, values, values))


def family_numbers(root: str, records: ModelRecord | list[ModelRecord],
                   listed: dict[str, ModelRecord]) -> tuple[int, float, int, int | None]:
    """A family's likes, trending score, all-time downloads and base downloads (slots `_L` to `_B`)."""
    base = listed.get(root)
    base_downloads = None if base is None else (base.downloads or 0)
    if not isinstance(records, list):
        return (records.likes or 0, records.trending_score or 0.0, records.downloads_all_time or 0,
                base_downloads)
    return (sum(filter(None, map(_LIKES, records))), float(sum(filter(None, map(_TRENDING, records)))),
            sum(filter(None, map(_ALL_TIME, records))), base_downloads)


def _as_list(records: ModelRecord | list[ModelRecord]) -> list[ModelRecord]:
    return records if isinstance(records, list) else [records]


def _count(records: ModelRecord | list[ModelRecord]) -> int:
    return len(records) if isinstance(records, list) else 1


def merge_families(families: dict[str, list[Any]], keys: Iterable[str]) -> dict[str, list[Any]]:
    """Roll families up into author or series groups (`keys`: each family's, in family order)."""
    groups: dict[str, list[Any]] = {}
    for key, family in zip(keys, families.values(), strict=True):
        acc = groups.get(key)
        if acc is None:
            # A copy: the family's own list must keep its records (`merged_ecosystems` counts them).
            groups[key] = [*family[:_R], list(_as_list(family[_R])), family[_D], 0]
            continue
        acc[_D] += family[_D]
        acc[_L] += family[_L]
        acc[_T] += family[_T]
        acc[_A] += family[_A]
        if family[_B] is not None:
            acc[_B] = (acc[_B] or 0) + family[_B]
        acc[_R].extend(_as_list(family[_R]))
        acc[_E] += family[_D]
    return groups


# --- ecosystem sums: what the listed families below add ---------------------------------------


def family_parents(downloads: dict[str, int], lineage: Lineage) -> dict[str, str]:
    """Each listed family with a way up -> the listed family one level up, in C-level passes.

    A family's way up is its base's own link (a finetune's base, a merge's first parent) to that
    parent's family. Each family has one such parent, so the families form a forest (Lineage
    broke every cycle). `downloads` has every family.
    """
    links, roots = lineage.links, lineage.reupload_roots()
    families = list(compress(links, map(not_, map(roots.__contains__, links))))  # listed bases with a link
    parents = list(map(_PARENT, map(links.__getitem__, families)))
    parent_families = cast("list[str]", list(map(roots.get, parents, parents)))  # a parent is its own family
    return dict(compress(zip(families, parent_families, strict=True), map(downloads.__contains__, parent_families)))


def family_ecosystems(keys: list[str], downloads: dict[str, int], up: dict[str, str],
                      sizes: Counter[str]) -> dict[str, list[int]]:
    """What each family of `keys` gets from the listed families below it: their downloads and
    their number of records ([added downloads, derivatives]).

    Walks down from the families asked for, one level per round (each round one C-level pass over
    `up`), so the families shown cost what lies below them, not a walk up from every family.
    `sizes`: the re-uploads of each family (its base is listed when it has a way up).
    """
    wanted = set(keys)
    extra = {key: [0, 0] for key in keys}
    frontier: dict[str, tuple[str, ...]] = {}  # family -> the families asked for at or above it
    for key in wanted:  # one asked for below another one is reached from that one
        node = up.get(key)
        while node is not None and node not in wanted:
            node = up.get(node)
        if node is None:
            frontier[key] = (key,)
    while frontier:
        below: dict[str, tuple[str, ...]] = {}
        for child in compress(up, map(frontier.__contains__, up.values())):
            above = frontier[up[child]]
            family_downloads, count = downloads[child], sizes.get(child, 0) + 1
            for key in above:
                added = extra[key]
                added[0] += family_downloads
                added[1] += count
            below[child] = (*above, child) if child in wanted else above
        frontier = below
    return extra


def merged_ecosystems(
    families: dict[str, list[Any]], lineage: Lineage, groups: dict[str, list[Any]], key_for: Callable[[str], str]
) -> None:
    """Credit each family's downloads to every other listed group its lineage passes through
    (once per group, however many of its families the way up crosses); memoized per family."""
    links, roots = lineage.links, lineage.reupload_roots()
    memo: dict[str, tuple[str, ...]] = {}  # family root -> group keys on its way up, its own first

    def keys_up(root: str) -> tuple[str, ...]:
        path: list[str] = []
        node: str | None = root
        while node is not None and node not in memo:
            path.append(node)
            link = links.get(node)
            node = None if link is None else roots.get(link[0], link[0])
        above = memo[node] if node is not None else ()
        for item in reversed(path):
            own = key_for(item)
            above = (own, *(k for k in above if k != own)) if own in above else (own, *above)
            memo[item] = above
        return above  # memo[root]

    # Only a family whose base has a link has a way up (an original has nothing above it).
    for root, family in compress(families.items(), map(links.__contains__, families)):
        up = keys_up(root)
        for position in range(1, len(up)):
            ancestor = groups.get(up[position])
            if ancestor is not None:
                ancestor[_E] += family[_D]
                ancestor[_N] += _count(family[_R])
