"""hubradar's vocabulary, one table each: the sorts, the groupings, what adoption means.

Everything else reads these tables: the Hub request, ranking, the CLI's choices (derived from
them, as the hf CLI derives its enums from the library's `Literal`s), titles, notes and history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

Sort = Literal["trending", "downloads", "likes", "all-time", "created", "providers", "derivatives", "ram"]
Group = Literal["family", "author", "series"]
Adoption = Literal["downloads", "derivatives", "providers", "ram"]


class SortSpec(NamedTuple):
    """One way to rank models."""

    name: str
    hub: str  # the Hub's `sort` of the listing fetched for it
    words: str  # how a note names the number: "30-day downloads"
    title: str  # the title of a table ranked by it
    column: str  # the record field (and table column) it ranks by: a table ranked by it always shows it
    history: bool = False  # stored with every snapshot: movers and history can rank by it
    groups: bool = False  # groups (families, authors, series) can be ranked by its sum
    signal: bool = False  # looked up per model and ranked over the top of the downloads listing
    rerank: bool = False  # the Hub cannot sort by it: the top of the `hub` listing is ranked again


SORTS: dict[str, SortSpec] = {spec.name: spec for spec in (
    SortSpec("trending", "trendingScore", "trending score", "Trending on the Hub", "trending_score",
             history=True, groups=True),
    SortSpec("downloads", "downloads", "30-day downloads", "Most downloaded (30 days)", "downloads",
             history=True, groups=True),
    SortSpec("likes", "likes", "likes", "Most liked", "likes", history=True, groups=True),
    SortSpec("all-time", "downloads", "all-time downloads", "Most downloaded (all time)", "downloads_all_time",
             groups=True, rerank=True),
    SortSpec("created", "createdAt", "creation date", "Newest on the Hub", "created_at"),
    SortSpec("providers", "downloads", "live inference providers",
             "Most served (live inference providers, top {depth} by downloads)", "provider_count", signal=True),
    SortSpec("derivatives", "downloads", "derivative models",
             "Most built on (derivative models, top {depth} by downloads)", "derivatives", signal=True),
    SortSpec("ram", "downloads", "relative adoption (RAM)",
             "Ahead of their size class (RAM: relative adoption, top {depth} by downloads)", "ram", signal=True),
)}  # fmt: skip


def sorts(**wanted: bool) -> tuple[str, ...]:
    """The sorts with the given properties, in table order: `sorts(history=True)`."""
    return tuple(s.name for s in SORTS.values() if all(getattr(s, k) == v for k, v in wanted.items()))


LISTING_SORTS = sorts(signal=False, rerank=False)  # what a listing query asks the Hub for directly
SIGNALS = sorts(signal=True)
TOP_SORTS = tuple(name for name in SORTS if name != "created")  # `top --sort`
HISTORY_SORTS = sorts(history=True)
GROUP_SORTS = sorts(groups=True)
SORT_OF_HUB = {s.hub: s.name for s in reversed(SORTS.values()) if not (s.signal or s.rerank)}


class GroupSpec(NamedTuple):
    name: str
    words: str  # what one row of the grouping is
    history: bool = False  # movers and history can roll snapshots up this way


GROUPS: dict[str, GroupSpec] = {spec.name: spec for spec in (
    GroupSpec("family", "a base and its re-uploads (quantizations and mirrors)", history=True),
    GroupSpec("author", "an org or user"),
    GroupSpec("series", "a name series (Qwen3, Llama-3.1)"),
)}  # fmt: skip
HISTORY_GROUPS = tuple(name for name, spec in GROUPS.items() if spec.history)


class AdoptionSpec(NamedTuple):
    name: str
    words: str  # what a family's adoption is, in a note
    looked_up: bool = False  # needs one Hub request per model (only `model_info` serves it)


ADOPTION: dict[str, AdoptionSpec] = {spec.name: spec for spec in (
    AdoptionSpec("downloads", "the family's downloads over the last 30 days"),
    AdoptionSpec("derivatives", "the family's derivatives (models declaring a member as their base)", looked_up=True),
    AdoptionSpec("providers", "the inference providers serving a family member live"),
    AdoptionSpec("ram", "the family base's relative adoption (RAM): its cumulative downloads over those of "
                        "its size class's 10th-ranked model at the same age"),
)}  # fmt: skip
ADOPTION_KINDS = tuple(ADOPTION)


def check(kind: str, table: Mapping[str, object], what: str) -> None:
    """ValueError for a name outside a vocabulary (a library caller's typo; the CLI offers choices)."""
    if kind not in table:
        raise ValueError(f"unknown {what} {kind!r}; expected one of {', '.join(table)}")
