"""A model's (or a family's) numbers over a listing's snapshots: the pure part of `history`.

The store hands over the rows it holds of the wanted models, snapshot by snapshot; `series_points`
makes one point per snapshot of them (a family: summed numbers, the best-placed member's rank).
Downloads between two points are analysis.between's: all-time downloads differenced where both
points know them (a family's only when every listed member's is known), else the 30-day window's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubradar.analysis.between import UNKNOWN, Between, all_known_sum, downloads_between
from hubradar.core.query import ListingQuery
from hubradar.core.snapshot import SnapshotInfo

# One stored row of a wanted model in a snapshot: (rank, downloads, likes, trending score, all-time downloads).
Row = tuple[int, int | None, int | None, float | None, int | None]


@dataclass(frozen=True)
class Point:
    """One snapshot of a series. `listed`: members in the snapshot (0 = not in the listing)."""

    fetched_at: datetime
    rank: int | None
    downloads: int | None
    likes: int | None
    trending_score: float | None
    listed: int
    downloads_all_time: int | None = None


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

    def downloads_between(self) -> Between:
        """Downloads between the first and the last snapshot that list it."""
        listed = self.listed_points
        return between_points(listed[0], listed[-1]) if len(listed) > 1 else UNKNOWN

    def since_previous(self) -> list[Between]:
        """For each point, the downloads since the previous point that lists it (unknown for the first)."""
        found: list[Between] = []
        previous: Point | None = None
        for point in self.points:
            found.append(between_points(previous, point) if previous and point.listed else UNKNOWN)
            previous = point if point.listed else previous
        return found


def between_points(old: Point, new: Point) -> Between:
    return downloads_between(old.downloads_all_time, new.downloads_all_time, old.downloads, new.downloads)


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
                downloads_all_time=all_known_sum([r[4] for r in got]),
            )
        )
    return points
