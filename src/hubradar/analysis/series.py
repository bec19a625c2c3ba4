"""A model's (or a family's) numbers over a listing's snapshots: the pure part of `history`.

The store hands over the rows it holds of the wanted models, snapshot by snapshot; `series_points`
makes one point per snapshot of them (a family: summed numbers, the best-placed member's rank).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubradar.core.query import ListingQuery
from hubradar.core.snapshot import SnapshotInfo

# One stored row of a wanted model in a snapshot: (rank, downloads, likes, trending score).
Row = tuple[int, int | None, int | None, float | None]


@dataclass(frozen=True)
class Point:
    """One snapshot of a series. `listed`: members in the snapshot (0 = not in the listing)."""

    fetched_at: datetime
    rank: int | None
    downloads: int | None
    likes: int | None
    trending_score: float | None
    listed: int


@dataclass(frozen=True)
class Series:
    """A model's (or a family's: summed numbers, best member's rank) history in one listing."""

    id: str
    query: ListingQuery
    points: list[Point]
    members: tuple[str, ...] = ()
    group: str | None = None
    derived: bool = False

    @property
    def listed_points(self) -> list[Point]:
        return [p for p in self.points if p.listed]


def known_sum(values: Sequence[float | None]) -> Any:
    """The sum of the known values; None when none is known (unknown is never zero)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def resolve_id(model_id: str, known: Sequence[str]) -> str | None:
    """The stored id a person meant: exact, else the one that differs only in case."""
    if model_id in known:
        return model_id
    folded = {k.lower(): k for k in known}
    return folded.get(model_id.lower())


def series_points(infos: Sequence[SnapshotInfo], rows: Mapping[int, Sequence[Row]]) -> list[Point]:
    """One point per snapshot (oldest first) from the wanted models' rows in it, by snapshot id."""
    points = []
    for info in infos:
        got = rows.get(info.id, ())
        points.append(
            Point(
                fetched_at=info.fetched_at,
                rank=min((r[0] for r in got), default=None),
                downloads=known_sum([r[1] for r in got]),
                likes=known_sum([r[2] for r in got]),
                trending_score=known_sum([r[3] for r in got]),
                listed=len(got),
            )
        )
    return points
