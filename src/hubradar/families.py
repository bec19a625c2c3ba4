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
from operator import attrgetter
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
            table = self.lineage.family_table() if self.lineage is not None else {}
            links = self.lineage.links if self.lineage is not None else {}
            members = []
            for record in sorted(self.records, key=_download_order):
                root, inferred = table.get(record.id, (record.id, False))
                relation = "base" if root == record.id else links[record.id].relation
                members.append(Member(record.id, relation, record.downloads, inferred))
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



@dataclass
class Grouping:
    """Groups ranked by `rank_by`, with what they were computed from."""

    by: str
    rank_by: str
    groups: list[Group]
    models: int
    total_downloads: int
    concentration: dict[int, float | None]
    inferred_links: int
    broken: list[tuple[str, Link]]


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
    """Records are bucketed per family root in one pass, summed per family (C-level sums for the
    larger ones), then families are rolled up per author or series: 100,000 records in well under a
    second on an idle machine (benchmarks/bench_families.py)."""
    lineage = lineage if lineage is not None else Lineage(records)
    table, links, listed = lineage.family_table(), lineage.links, lineage.records
    buckets: dict[str, list[ModelRecord]] = {}
    for record in records:
        root = table[record.id][0]
        bucket = buckets.get(root)
        if bucket is None:
            buckets[root] = [record]
        else:
            bucket.append(record)
    families: dict[str, Group] = {}
    for root, bucket in buckets.items():
        base = listed.get(root)
        base_downloads = None if base is None else (base.downloads or 0)
        if len(bucket) == 1:
            only = bucket[0]
            downloads = only.downloads or 0
            families[root] = Group(root, bucket, downloads, downloads, 0, base_downloads, only.likes or 0,
                                   only.trending_score or 0.0, only.downloads_all_time or 0, lineage=lineage)
        else:
            downloads = sum(filter(None, map(_DOWNLOADS, bucket)))
            families[root] = Group(root, bucket, downloads, downloads, 0, base_downloads,
                                   sum(filter(None, map(_LIKES, bucket))),
                                   float(sum(filter(None, map(_TRENDING, bucket)))),
                                   sum(filter(None, map(_ALL_TIME, bucket))), lineage=lineage)

    key_of_root = _KEYS[by]
    canonical: dict[str, str] = {}  # lower-case key -> the spelling first seen (the top family's)
    family_key: dict[str, str] = {}

    def key_for(root: str) -> str:
        key = family_key.get(root)
        if key is None:
            display = key_of_root(root, lineage)
            key = family_key[root] = canonical.setdefault(display.lower(), display)
        return key

    groups = families if by == "family" else _merge(families, key_for, lineage)
    _add_ecosystems(families, lineage, groups, key_for)
    if by == "family":
        for key, group in groups.items():
            group.derived_from = links.get(key)

    total = sum(map(_DOWNLOADS, groups.values()))
    if total:
        for group in groups.values():
            group.share = group.downloads / total
    # Three stable C-level sorts: by metric, then downloads, then key (ascending) on ties.
    ranked = sorted(groups.values(), key=_KEY)
    ranked.sort(key=_DOWNLOADS, reverse=True)
    ranked.sort(key=_METRIC[rank_by], reverse=True)
    top = heapq.nlargest(max(CONCENTRATION), map(_DOWNLOADS, groups.values()))
    concentration = {n: (sum(top[:n]) / total if total else None) for n in CONCENTRATION}
    inferred = sum(1 for link in links.values() if link.inferred)
    return Grouping(by, rank_by, ranked, len(records), total, concentration, inferred, lineage.broken)


_DOWNLOADS = attrgetter("downloads")
_LIKES = attrgetter("likes")
_TRENDING = attrgetter("trending_score")
_ALL_TIME = attrgetter("downloads_all_time")
_KEY = attrgetter("key")
_METRIC = {"downloads": _DOWNLOADS, "trending": _TRENDING, "likes": _LIKES, "all-time": _ALL_TIME}


def _download_order(record: ModelRecord) -> tuple[int, str]:
    return -(record.downloads or 0), record.id


def _merge(families: dict[str, Group], key_for: Callable[[str], str], lineage: Lineage) -> dict[str, Group]:
    """Roll families up into author or series groups."""
    groups: dict[str, Group] = {}
    for root, family in families.items():
        key = key_for(root)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key, [], lineage=lineage)
        group.records.extend(family.records)
        group.downloads += family.downloads
        group.ecosystem_downloads += family.downloads
        group.likes += family.likes
        group.trending_score += family.trending_score
        group.downloads_all_time += family.downloads_all_time
        if family.base_downloads is not None:
            group.base_downloads = (group.base_downloads or 0) + family.base_downloads
    return groups


def _add_ecosystems(
    families: dict[str, Group], lineage: Lineage, groups: dict[str, Group], key_for: Callable[[str], str]
) -> None:
    """Credit each family's downloads to every other listed group its lineage passes through.

    A family's way up is its base's own link (a finetune's base, a merge's first parent) to that
    parent's family, and so on; the walk is memoized per family, so shared ancestry is walked once.
    """
    memo: dict[str, tuple[str, ...]] = {}  # family root -> group keys on its way up, its own first
    links, table = lineage.links, lineage.family_table()

    def keys_up(root: str) -> tuple[str, ...]:
        path: list[str] = []
        node: str | None = root
        while node is not None and node not in memo:
            path.append(node)
            link = links.get(node)
            if link is None:
                node = None
            else:
                known = table.get(link.parent)
                node = known[0] if known is not None else lineage.family_root(link.parent)
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
                ancestor.ecosystem_downloads += family.downloads
                ancestor.derivatives += len(family.records)
