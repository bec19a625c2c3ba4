"""Movers: two ranked snapshots of one listing compared, model by model or family by family.

Pure: `compare` takes the two lists of records (the store's job is to find them, app.history's
to choose which two); `Movers` is the answer `hubradar movers` and the report show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from hubradar.analysis.between import UNKNOWN, Basis, all_known_sum, basis_counts, downloads_between, records_between
from hubradar.analysis.series import known_sum
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord
from hubradar.core.snapshot import SnapshotInfo


@dataclass(frozen=True)
class MoverRow:
    """One model (or family) between two snapshots. Changes are newer minus older; `rank_change`
    is places gained (positive = up). None where a side is not known.

    `downloads`, `likes` and `trending_score` are its numbers in the snapshot where it is in the
    compared ranks: the newer one, or the older one for a row that dropped out. `downloads_change`
    is the downloads between the two snapshots (analysis.between), `downloads_basis` says how they
    were counted: "exact" (all-time downloads differenced) or "30-day window".
    """

    id: str
    status: Literal["new", "dropped", "moved"]
    rank: int | None
    previous_rank: int | None
    rank_change: int | None
    likes_gained: int | None
    downloads_change: int | None
    trending_change: float | None
    members: tuple[str, ...] = ()
    downloads: int | None = None
    likes: int | None = None
    trending_score: float | None = None
    downloads_basis: Basis | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "rank": self.rank,
            "previous_rank": self.previous_rank,
            "rank_change": self.rank_change,
            "likes_gained": self.likes_gained,
            "downloads_change": self.downloads_change,
            "downloads_basis": self.downloads_basis,
            "trending_change": self.trending_change,
            "downloads": self.downloads,
            "likes": self.likes,
            "trending_score": self.trending_score,
        }
        if self.members:
            data["members"] = list(self.members)
        return data


@dataclass(frozen=True)
class Movers:
    """The comparison `hubradar movers` shows."""

    query: ListingQuery
    older: SnapshotInfo
    newer: SnapshotInfo
    asked: datetime  # the moment `since` named
    depth: int  # ranks compared: the shallower list
    rows: list[MoverRow]
    derived: bool = False
    group: str | None = None
    near: bool = True  # False when no snapshot was near the moment asked for (the nearest was used)

    def gain(self, row: MoverRow) -> int:
        """Places gained, counting a side outside the compared ranks as one past the last."""
        outside = self.depth + 1
        return (row.previous_rank or outside) - (row.rank or outside)

    def basis_counts(self) -> dict[str, int]:
        """How many rows' downloads change is exact, from the 30-day window, or unknown."""
        return basis_counts([r.downloads_basis for r in self.rows])

    def by_change(self) -> list[tuple[str, list[MoverRow]]]:
        """The rows by kind of change, biggest first: rising, new, falling, dropped (what a person reads)."""
        return [
            ("rising", [r for r in self.rows if r.status == "moved" and self.gain(r) > 0]),
            ("new", [r for r in self.rows if r.status == "new"]),
            ("falling", [r for r in reversed(self.rows) if r.status == "moved" and self.gain(r) < 0]),
            ("dropped", [r for r in reversed(self.rows) if r.status == "dropped"]),
        ]


@dataclass(frozen=True)
class _Entry:
    rank: int
    downloads: int | None
    likes: int | None
    trending: float | None
    members: tuple[str, ...] = ()
    all_time: int | None = None
    record: ModelRecord | None = None  # a model's own record (None for a family)


def _metric(entry: _Entry, sort: str) -> float:
    return {"downloads": entry.downloads, "likes": entry.likes, "trending": entry.trending}[sort] or 0


def _entries(records: Sequence[ModelRecord], sort: str, root: Callable[[str], str] | None) -> dict[str, _Entry]:
    """Rank by id, or (with `root`) families ranked by their members' summed number."""
    if root is None:
        return {
            r.id: _Entry(i, r.downloads, r.likes, r.trending_score, all_time=r.downloads_all_time, record=r)
            for i, r in enumerate(records, start=1)
        }
    groups: dict[str, list[tuple[int, ModelRecord]]] = {}
    for i, record in enumerate(records, start=1):
        groups.setdefault(root(record.id), []).append((i, record))
    families = {
        key: _Entry(
            rank=min(i for i, _ in members),
            downloads=known_sum([r.downloads for _, r in members]),
            likes=known_sum([r.likes for _, r in members]),
            trending=known_sum([r.trending_score for _, r in members]),
            members=tuple(r.id for _, r in members),
            all_time=all_known_sum([r.downloads_all_time for _, r in members]),
        )
        for key, members in groups.items()
    }
    order = sorted(families, key=lambda key: (-_metric(families[key], sort), families[key].rank))
    return {key: replace(families[key], rank=i) for i, key in enumerate(order, start=1)}


def _change(new: float | None, old: float | None) -> Any:
    return None if new is None or old is None else new - old


def _between(a: _Entry | None, b: _Entry | None, older_at: datetime | None) -> tuple[int | None, Basis | None]:
    """Downloads between the snapshots: a model by its records, a family by its members' sums."""
    if b is not None and b.record is not None:
        found = records_between(a.record if a else None, b.record, older_at)
    elif a is not None and b is not None:
        found = downloads_between(a.all_time, b.all_time, a.downloads, b.downloads)
    else:
        found = UNKNOWN
    return found.downloads, found.basis


def compare(
    older: Sequence[ModelRecord],
    newer: Sequence[ModelRecord],
    sort: str = "downloads",
    root: Callable[[str], str] | None = None,
    older_at: datetime | None = None,
) -> tuple[int, list[MoverRow]]:
    """Diff two ranked lists over the ranks both cover; returns (ranks compared, rows by rank gained).

    A model is in a list when it ranks within the shallower list's depth; when the deeper list
    places it beyond that, the rank is still reported (a `new` entrant that came from rank 555).
    Families (`root`) are formed after cutting both lists to that depth, so their sums compare.
    `older_at` (when the older list was taken) lets a model created since count from zero.
    """
    depth = min(len(older), len(newer))
    if root is not None:
        older, newer = older[:depth], newer[:depth]
    old, new = _entries(older, sort, root), _entries(newer, sort, root)
    window = min(len(old), len(new))
    rows: list[MoverRow] = []
    for key in dict.fromkeys([*new, *old]):
        a, b = old.get(key), new.get(key)
        was_in = a is not None and a.rank <= window
        is_in = b is not None and b.rank <= window
        if not (was_in or is_in):
            continue
        status: Literal["new", "dropped", "moved"] = "moved" if was_in and is_in else ("new" if is_in else "dropped")
        present = a if status == "dropped" else b
        assert present is not None  # in the compared ranks on that side
        downloads_change, basis = _between(a, b, older_at)
        rows.append(
            MoverRow(
                id=key,
                status=status,
                rank=b.rank if b else None,
                previous_rank=a.rank if a else None,
                rank_change=a.rank - b.rank if a and b else None,
                likes_gained=_change(b.likes, a.likes) if a and b else None,
                downloads_change=downloads_change,
                downloads_basis=basis,
                trending_change=_change(b.trending, a.trending) if a and b else None,
                # Everyone summed on either side (a re-upload may be listed in one snapshot only).
                members=tuple(dict.fromkeys([*(b.members if b else ()), *(a.members if a else ())])) if root else (),
                downloads=present.downloads,
                likes=present.likes,
                trending_score=present.trending,
            )
        )
    outside = window + 1

    def order(row: MoverRow) -> tuple[int, int, str]:
        gained = (row.previous_rank or outside) - (row.rank or outside)
        return -gained, row.rank or outside + (row.previous_rank or 0), row.id

    rows.sort(key=order)
    return window, rows
