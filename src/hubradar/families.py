"""Families: put a model's adoption back together from the many rows the Hub spreads it over.

One popular model is mirrored across dozens of GGUF / AWQ / MLX / FP8 re-uploads, each with its
own download count. `group_models` rolls every listed record up to its family root (the base plus
re-uploads of the same weights, see `Lineage.family_root`) and then, for `author` and `series`,
rolls families up further:

- family: one group per base model (`Qwen/Qwen3.8-27B` with `unsloth/Qwen3.8-27B-GGUF`, ...).
- author: the org whose weights they are (re-uploads count for the original author).
- series: one name series across sizes and variants of one org (`Qwen/Qwen3` holds Qwen3-0.6B,
  Qwen3-4B and Qwen3-32B-Instruct), from the base's name (`series_of`).

Each group has its downloads (the same weights), its ecosystem downloads (plus every listed
finetune, adapter and merge that leads back to it, and their re-uploads), its members and their
share, and the grouping says how concentrated the downloads are (top 1 / 5 / 10 groups).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import NamedTuple

from .lineage import Lineage, Link, gc_paused, strip_markers
from .record import ModelRecord

GROUPINGS = ("family", "author", "series")
RANKINGS = ("downloads", "trending", "likes", "all-time")
CONCENTRATION = (1, 5, 10)

# A size token ends a series name: Qwen3-0.6B, gemma-4-E2B-it, Mixtral-8x7B, Qwen3.6-35B-A3B.
_SIZE_RE = re.compile(r"[-_](?:\d+x)?E?\d+(?:\.\d+)?[BMT](?=$|[-_])", re.IGNORECASE)


def series_of(model_id: str) -> str:
    """`Qwen/Qwen3-32B-Instruct-AWQ` -> `Qwen/Qwen3`: the name before its size, markers stripped.

    A name without a size token is its own series (`zai-org/GLM-5.1`).
    """
    org, _, name = model_id.rpartition("/")
    stem = strip_markers(name)
    match = _SIZE_RE.search(stem)
    series = stem[: match.start()] if match and match.start() > 0 else stem
    return f"{org}/{series}" if org else series


def _author_of(model_id: str, lineage: Lineage) -> str:
    record = lineage.records.get(model_id)
    if record is not None:
        return record.org
    return model_id.split("/", 1)[0]


_KEYS: dict[str, Callable[[str, Lineage], str]] = {
    "family": lambda root, _: root,
    "author": _author_of,
    "series": lambda root, _: series_of(root),
}


class Member(NamedTuple):
    """One listed model in a group; `relation` is `base` for the original weights."""

    id: str
    relation: str
    downloads: int | None
    inferred: bool

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "relation": self.relation, "downloads": self.downloads, "inferred": self.inferred}


@dataclass(slots=True)
class Group:
    """A family (or author, or series) of listed models and its summed numbers.

    `members` (each record with its relation to its family's base) is built when first read, so
    grouping 100,000 records only builds the members of the groups that are shown.
    """

    key: str
    records: list[ModelRecord] = field(default_factory=list, repr=False)
    downloads: int = 0
    ecosystem_downloads: int = 0
    derivatives: int = 0  # listed finetunes/adapters/merges (and their re-uploads) outside the group
    base_downloads: int | None = None  # the originals' own repos; None when none is listed
    likes: int = 0
    trending_score: float = 0.0
    downloads_all_time: int = 0
    share: float | None = None  # of all downloads listed
    derived_from: Link | None = None  # family only: the base's own parent (a finetune's base)
    lineage: Lineage | None = field(default=None, repr=False, compare=False)
    _members: list[Member] | None = field(default=None, repr=False, compare=False)

    @property
    def members(self) -> list[Member]:
        """The group's models, most downloaded first."""
        if self._members is None:
            roots = self.lineage.reupload_roots() if self.lineage is not None else {}
            inferred = self.lineage.inferred_members if self.lineage is not None else set()
            links = self.lineage.links if self.lineage is not None else {}
            members = []
            for record in sorted(self.records, key=_download_order):
                model_id = record.id
                relation = "base" if roots.get(model_id, model_id) == model_id else links[model_id].relation
                members.append(Member(model_id, relation, record.downloads, model_id in inferred))
            self._members = members
        return self._members

    @property
    def member_count(self) -> int:
        return len(self.records)

    @property
    def base_share(self) -> float | None:
        """How much of the group's downloads the original repos hold (the rest: re-uploads)."""
        if self.base_downloads is None or not self.downloads:
            return None
        return self.base_downloads / self.downloads



class Grouping:
    """Groups ranked by `rank_by`, with what they were computed from.

    The numbers of every group are computed up front (shares and concentration need them all);
    the `Group` objects are built when read, so a view showing the top 20 of 50,000 families
    builds 20 (`top(n)`); `groups` builds them all.
    """

    def __init__(self, by: str, rank_by: str, ranking: list[tuple], sums: dict[str, list], models: int,
                 total_downloads: int, lineage: Lineage) -> None:
        self.by = by
        self.rank_by = rank_by
        self.models = models
        self.total_downloads = total_downloads
        self.lineage = lineage
        self.broken: list[tuple[str, Link]] = lineage.broken
        self.inferred_links = sum(map(_INFERRED, lineage.links.values()))
        top = heapq.nlargest(max(CONCENTRATION), map(_FIRST, sums.values()))
        self.concentration: dict[int, float | None] = {
            n: (sum(top[:n]) / total_downloads if total_downloads else None) for n in CONCENTRATION}
        self._ranking = ranking  # (-metric, -downloads, key) per group, sorted only as far as read
        self._order: list[str] = []
        self._sums = sums
        self._built: list[Group] = []

    def __len__(self) -> int:
        return len(self._ranking)

    def _ranked_keys(self, n: int) -> list[str]:
        if len(self._order) < min(n, len(self._ranking)):
            if n <= 1000:  # a view's worth: a partial sort
                self._order = [key for *_, key in heapq.nsmallest(n, self._ranking)]
            else:
                self._order = [key for *_, key in sorted(self._ranking)]
        return self._order

    def top(self, n: int) -> list[Group]:
        """The first `n` groups in rank order."""
        order = self._ranked_keys(n)
        while len(self._built) < min(n, len(order)):
            key = order[len(self._built)]
            d, likes, trending, all_time, base, records, eco, derivatives = self._sums[key]
            self._built.append(Group(
                key, _as_list(records), d, eco, derivatives, base, likes, trending, all_time,
                share=d / self.total_downloads if self.total_downloads else None,
                derived_from=self.lineage.links.get(key) if self.by == "family" else None,
                lineage=self.lineage,
            ))
        return self._built[:n]

    @property
    def groups(self) -> list[Group]:
        """Every group in rank order."""
        return self.top(len(self._ranking))


# Slots of the per-group sums: downloads, likes, trending, all-time, base downloads, records,
# ecosystem downloads, derivatives.
_D, _L, _T, _A, _B, _R, _E, _N = range(8)
_METRIC_SLOT = {"downloads": _D, "trending": _T, "likes": _L, "all-time": _A}


def group_models(
    records: Iterable[ModelRecord],
    by: str = "family",
    rank_by: str = "downloads",
    lineage: Lineage | None = None,
) -> Grouping:
    """Group listed records by family, author or series and rank the groups.

    Downloads that are unknown count as 0 in sums. Ranked by the summed metric of `rank_by`
    (a trending listing ranks families by summed trending score), ties by downloads then key.
    A `lineage` passed in must have been built from the same records.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    if rank_by not in RANKINGS:
        raise ValueError(f"unknown ranking {rank_by!r}")
    with gc_paused():
        return _group(list(records), by, rank_by, lineage)


def _group(records: list[ModelRecord], by: str, rank_by: str, lineage: Lineage | None) -> Grouping:
    """Records are bucketed per family root in one pass and summed per family (C-level sums for the
    larger ones), then families are rolled up per author or series; each step is one pass, and no
    object is built per group until it is read (benchmarks/bench_families.py)."""
    lineage = lineage if lineage is not None else Lineage(records)
    roots, listed = lineage.reupload_roots(), lineage.records
    unique = listed.values()  # a duplicate id counts once (its last row), as in the lineage
    # Per family root: the record itself while it is alone (most families), else a list. Every
    # record that carries no one else's weights starts its own bucket; re-uploads join theirs.
    buckets: dict[str, ModelRecord | list[ModelRecord]] = {r.id: r for r in unique if r.id not in roots}
    for record in unique:
        root = roots.get(record.id)
        if root is None:
            continue
        bucket = buckets.get(root)
        if bucket is None:
            buckets[root] = record
        elif isinstance(bucket, list):
            bucket.append(record)
        else:
            buckets[root] = [bucket, record]
    families: dict[str, list] = {}
    for root, bucket in buckets.items():
        base = listed.get(root)
        base_downloads = None if base is None else (base.downloads or 0)
        if not isinstance(bucket, list):
            downloads = bucket.downloads or 0
            families[root] = [downloads, bucket.likes or 0, bucket.trending_score or 0.0,
                              bucket.downloads_all_time or 0, base_downloads, bucket, downloads, 0]
        else:
            downloads = sum(filter(None, map(_DOWNLOADS, bucket)))
            families[root] = [downloads, sum(filter(None, map(_LIKES, bucket))),
                              float(sum(filter(None, map(_TRENDING, bucket)))),
                              sum(filter(None, map(_ALL_TIME, bucket))), base_downloads, bucket, downloads, 0]

    if by == "family":
        groups = families
        _family_ecosystems(families, lineage)
    else:
        key_of_root = _KEYS[by]
        canonical: dict[str, str] = {}  # lower-case key -> the spelling first seen
        family_key: dict[str, str] = {}

        def key_for(root: str) -> str:
            key = family_key.get(root)
            if key is None:
                display = key_of_root(root, lineage)
                key = family_key[root] = canonical.setdefault(display.lower(), display)
            return key

        groups = _merge(families, key_for)
        _merged_ecosystems(families, lineage, groups, key_for)

    total = sum(map(_FIRST, groups.values()))
    # Ranked by the metric, then downloads (both descending), then key: one sort of plain tuples.
    slot = _METRIC_SLOT[rank_by]
    ranking = [(-acc[slot], -acc[_D], key) for key, acc in groups.items()]
    return Grouping(by, rank_by, ranking, groups, len(listed), total, lineage)


_DOWNLOADS = attrgetter("downloads")
_FIRST = itemgetter(0)  # downloads, the first slot of a group's sums
_INFERRED = itemgetter(2)  # Link.inferred
_LIKES = attrgetter("likes")
_TRENDING = attrgetter("trending_score")
_ALL_TIME = attrgetter("downloads_all_time")


def _as_list(records: ModelRecord | list[ModelRecord]) -> list[ModelRecord]:
    return records if isinstance(records, list) else [records]


def _count(records: ModelRecord | list[ModelRecord]) -> int:
    return len(records) if isinstance(records, list) else 1


def _download_order(record: ModelRecord) -> tuple[int, str]:
    return -(record.downloads or 0), record.id


def _merge(families: dict[str, list], key_for: Callable[[str], str]) -> dict[str, list]:
    """Roll families up into author or series groups."""
    groups: dict[str, list] = {}
    for root, family in families.items():
        key = key_for(root)
        acc = groups.get(key)
        if acc is None:
            groups[key] = [*family[:_R], _as_list(family[_R]), family[_D], 0]
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


def _family_ecosystems(families: dict[str, list], lineage: Lineage) -> None:
    """Credit each family's downloads to every listed family its base descends from.

    A family's way up is its base's own link (a finetune's base, a merge's first parent) to that
    parent's family, and so on (acyclic: Lineage broke every cycle).
    """
    links, roots = lineage.links, lineage.reupload_roots()
    for root, family in families.items():
        link = links.get(root)
        while link is not None:
            parent = roots.get(link.parent, link.parent)
            ancestor = families.get(parent)
            if ancestor is not None:
                ancestor[_E] += family[_D]
                ancestor[_N] += _count(family[_R])
            link = links.get(parent)


def _merged_ecosystems(
    families: dict[str, list], lineage: Lineage, groups: dict[str, list], key_for: Callable[[str], str]
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
            node = None if link is None else roots.get(link.parent, link.parent)
        above = memo[node] if node is not None else ()
        for item in reversed(path):
            own = key_for(item)
            above = (own, *(k for k in above if k != own))
            memo[item] = above
        return memo[root]

    for root, family in families.items():
        if root not in links:
            continue  # an original: nothing above it
        for key in keys_up(root)[1:]:
            ancestor = groups.get(key)
            if ancestor is not None:
                ancestor[_E] += family[_D]
                ancestor[_N] += _count(family[_R])
