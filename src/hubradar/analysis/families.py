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
share, and the grouping says how concentrated the downloads are (top 1 / 5 / 10 groups). The
sums themselves, per family and up the ecosystem, are in analysis/family_sums.py.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import contains, itemgetter, le, methodcaller, not_
from typing import NamedTuple, cast

from hubradar.analysis.family_sums import (
    DOWNLOADS_SLOT,
    METRIC_SLOT,
    family_buckets,
    family_ecosystems,
    family_numbers,
    family_parents,
    family_sums,
    family_totals,
    merge_families,
    merged_ecosystems,
)
from hubradar.analysis.lineage import Lineage, Link, strip_markers
from hubradar.core.memory import gc_paused
from hubradar.core.record import ModelRecord

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


def _display_keys(by: str, roots: list[str], listed: dict[str, ModelRecord]) -> list[str]:
    """`_KEYS[by]` of each root (author or series), in C-level passes where it can."""
    if by == "series":
        return list(map(series_of, roots))
    # The org: the part before the first "/" (`record.org`), else a listed record's author.
    keys = list(map(itemgetter(0), map(methodcaller("partition", "/"), roots)))
    for position in compress(range(len(roots)), map(not_, map(contains, roots, repeat("/")))):
        record = listed.get(roots[position])
        if record is not None:
            keys[position] = record.org
    return keys


# The key of a family root when rolling families up (grouped by family, the root is the key).
_KEYS: dict[str, Callable[[str, Lineage], str]] = {
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

    Every group's downloads and ranking metric are computed up front (shares, concentration and
    the ranking need them all); the ranking is sorted only as far as it is read, and a group's
    other numbers and its `Group` object only when it is read, so a view showing the top 20 of
    50,000 families builds 20 (`top(n)`); `groups` builds them all. `rest` gets the keys of the
    groups to build, in rank order, and returns their other numbers.
    """

    def __init__(self, by: str, rank_by: str, downloads: dict[str, int], metric: Mapping[str, float],
                 rest: Callable[[list[str]], list[_Rest]], models: int, lineage: Lineage) -> None:
        self.by = by
        self.rank_by = rank_by
        self.models = models
        self.total_downloads = total_downloads = sum(downloads.values())
        self.lineage = lineage
        self.broken: list[tuple[str, Link]] = lineage.broken
        self.inferred_links = sum(map(_INFERRED, lineage.links.values()))
        top = heapq.nlargest(max(CONCENTRATION), downloads.values())
        self.concentration: dict[int, float | None] = {
            n: (sum(top[:n]) / total_downloads if total_downloads else None) for n in CONCENTRATION}
        self._downloads = downloads
        self._metric = metric
        self._rest = rest
        self._order: list[str] = []
        self._built: list[Group] = []

    def __len__(self) -> int:
        return len(self._downloads)

    def _ranked_keys(self, n: int) -> list[str]:
        """Keys by the metric, then downloads (both descending), then key."""
        if len(self._order) < min(n, len(self._downloads)):
            downloads, metric = self._downloads, self._metric
            keys: Iterable[str] = metric
            if n <= 1000 and n < len(metric):  # a view's worth: only groups whose metric reaches the n-th largest
                keys = compress(metric, map(le, repeat(heapq.nlargest(n, metric.values())[-1]), metric.values()))
            ranking = sorted((-metric[key], -downloads[key], key) for key in keys)
            self._order = [key for *_, key in ranking[:n]]
        return self._order

    def top(self, n: int) -> list[Group]:
        """The first `n` groups in rank order."""
        order = self._ranked_keys(n)
        keys = order[len(self._built):n]
        with gc_paused():  # the first read builds the forest of families (see `gc_paused`)
            rest = self._rest(keys) if keys else []
        for key, (records, eco, derivatives, base, likes, trending, all_time) in zip(keys, rest, strict=True):
            d = self._downloads[key]
            self._built.append(Group(
                key, records, d, eco, derivatives, base, likes, trending, all_time,
                share=d / self.total_downloads if self.total_downloads else None,
                derived_from=self.lineage.links.get(key) if self.by == "family" else None,
                lineage=self.lineage,
            ))
        return self._built[:n]

    @property
    def groups(self) -> list[Group]:
        """Every group in rank order."""
        return self.top(len(self._downloads))


# A group's numbers besides its downloads: records, ecosystem downloads, derivatives, base
# downloads, likes, trending score, all-time downloads.
_Rest = tuple[list[ModelRecord], int, int, "int | None", int, float, int]
_FIRST = itemgetter(0)  # downloads, the first slot of a group's sums
_INFERRED = itemgetter(2)  # Link.inferred


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
    """Grouped by family, each family's downloads (and ranking metric) are summed per root, and no
    object is built per family: the members and other numbers of a family are read when it is
    shown, its ecosystem when the first one is (benchmarks/bench_families.py). For author and
    series, records are bucketed per family root and the families rolled up per key."""
    lineage = lineage if lineage is not None else Lineage(records)
    roots, listed = lineage.reupload_roots(), lineage.records
    slot = METRIC_SLOT[rank_by]
    if by == "family":
        downloads = cast("dict[str, int]", family_totals(listed, roots, DOWNLOADS_SLOT))
        metric = downloads if slot == DOWNLOADS_SLOT else family_totals(listed, roots, slot)
        forest: list[tuple[dict[str, str], Counter[str]]] = []  # built when the first family is read

        def rest(keys: list[str]) -> list[_Rest]:
            """The families shown: their records (base first, then re-uploads in lineage order)."""
            if not forest:
                forest.append((family_parents(downloads, lineage), Counter(roots.values())))
            extra = family_ecosystems(keys, downloads, *forest[0])
            wanted = set(keys)
            reuploads: dict[str, list[ModelRecord]] = {}
            for model_id, root in compress(roots.items(), map(wanted.__contains__, roots.values())):
                reuploads.setdefault(root, []).append(listed[model_id])
            out: list[_Rest] = []
            for root in keys:
                records = [listed[root], *reuploads.get(root, ())] if root in listed else reuploads[root]
                added, derivatives = extra[root]
                likes, trending, all_time, base = family_numbers(root, records, listed)
                out.append((records, downloads[root] + added, derivatives, base, likes, trending, all_time))
            return out

        return Grouping(by, rank_by, downloads, metric, rest, len(listed), lineage)

    buckets = family_buckets(listed, roots)
    families = family_sums(buckets, listed)
    key_of_root = _KEYS[by]
    # Each family's key, in family order (C-level passes); a key differing only in case is the one
    # first seen. Roots met later on the way up (`merged_ecosystems`) get theirs when asked.
    canonical: dict[str, str] = {}  # lower-case key -> the spelling first seen
    displays = _display_keys(by, list(families), listed)
    family_key = dict(zip(families, map(canonical.setdefault, map(str.lower, displays), displays), strict=True))

    def key_for(root: str) -> str:
        key = family_key.get(root)
        if key is None:
            display = key_of_root(root, lineage)
            key = family_key[root] = canonical.setdefault(display.lower(), display)
        return key

    groups = merge_families(families, family_key.values())
    merged_ecosystems(families, lineage, groups, key_for)

    def merged(keys: list[str]) -> list[_Rest]:
        """The groups shown, their sums reordered (the slot order of analysis/family_sums.py)."""
        return [(members, eco, derivatives, base, likes, trending, all_time)
                for _, likes, trending, all_time, base, members, eco, derivatives in map(groups.__getitem__, keys)]

    values = list(groups.values())
    return Grouping(by, rank_by, dict(zip(groups, map(_FIRST, values), strict=True)),
                    dict(zip(groups, map(itemgetter(slot), values), strict=True)), merged, len(listed), lineage)


def _download_order(record: ModelRecord) -> tuple[int, str]:
    return -(record.downloads or 0), record.id


