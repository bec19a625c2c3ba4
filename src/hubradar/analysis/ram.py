"""Adoption relative to size and age: the Relative Adoption Metric (RAM), after the ATOM Project.

A model's RAM is its cumulative downloads at day `t` after its creation divided by those of the
10th-ranked model of its size class at the same day `t`. Above 1, the model is on track for its
class's top 10; 0.1 is a tenth of the 10th's pace. docs/methodology.md ("Relative adoption") gives
the definition, its source and its limits.

What the Hub says is a 30-day count (`downloads`) and, when asked, the all-time count
(`downloads_all_time`). A model's cumulative downloads at its current age are:

- exact: `downloads_all_time`, or `downloads` when the model is at most 30 days old (its 30-day
  window is its whole life);
- approximate: `downloads * age / 30` otherwise (its current pace, as if it had always had it).

A peer's cumulative downloads at an earlier age `t` come from hubradar's history when the stored
snapshots saw it at that age with an exact count (`AgeCurve`), and otherwise from one snapshot:
`cumulative_now * t / age` (an even pace over its life). A RAM is `history`-based when the model's
own count and every count of the class's top 10 at day `t` are exact; otherwise it is a `snapshot`
approximation, and says so. Pure functions; the app reads the store (`app.ram`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from hubradar.core.adoption import Ram
from hubradar.core.record import ModelRecord

WINDOW_DAYS = 30  # the Hub's `downloads` window
RANK = 10  # the class's 10th-ranked model is the yardstick
# ... among at least this many models of the class at least as old, else unknown: with fewer the 10th is
# near the bottom of a thin class (on the captures, 10 peers gave RAMs up to 22,770; 15 give at most 18).
MIN_PEERS = 15
AGE_SLACK_DAYS = 1.0  # a stored point this close to day t counts as seen at t

# Size classes, contiguous (inclusive lower bound, exclusive upper bound, in parameters). The ATOM
# Project's classes are <1B, 1-5B, 7-9B, 10-50B, 50-100B, 100-250B, 250B+; hubradar closes their
# gaps at 6B (a 5.x B model is run like a 4B, a 6B like a 7B) and at 10B (a 9.x B model with the 7-9B).
B = 10**9
RAM_CLASSES: tuple[tuple[str, int, int | None], ...] = (
    ("<1B", 0, 1 * B),
    ("1-6B", 1 * B, 6 * B),
    ("6-10B", 6 * B, 10 * B),
    ("10-50B", 10 * B, 50 * B),
    ("50-100B", 50 * B, 100 * B),
    ("100-250B", 100 * B, 250 * B),
    ("250B+", 250 * B, None),
)

def ram_class(params: int | None) -> str | None:
    """The size class of a parameter count; None when unknown."""
    if params is None:
        return None
    for name, low, high in RAM_CLASSES:
        if params >= low and (high is None or params < high):
            return name
    return None


def age_days(record: ModelRecord, reference: datetime) -> float | None:
    """Days since the repo was created (at least 1); None without a creation date."""
    created = record.created
    if created is None:
        return None
    return max(1.0, (reference - created).total_seconds() / 86400)


def cumulative(record: ModelRecord, age: float) -> tuple[float, bool] | None:
    """Cumulative downloads at the record's age, and whether the count is exact (see the module)."""
    if record.downloads_all_time is not None:
        return float(record.downloads_all_time), True
    if record.downloads is None:
        return None
    if age <= WINDOW_DAYS:
        return float(record.downloads), True
    return record.downloads * age / WINDOW_DAYS, False


class AgeCurve:
    """One model's exact cumulative downloads at the ages stored snapshots saw it (from history)."""

    def __init__(self, points: Iterable[tuple[float, float]]) -> None:
        pairs = sorted(points)
        self.ages = [a for a, _ in pairs]
        self.values = [v for _, v in pairs]

    def at(self, age: float) -> float | None:
        """The count at `age`, interpolated between stored points; None outside what was seen."""
        if not self.ages or age < self.ages[0] - AGE_SLACK_DAYS or age > self.ages[-1] + AGE_SLACK_DAYS:
            return None
        i = bisect.bisect_left(self.ages, age)
        if i == 0:
            return self.values[0]
        if i == len(self.ages):
            return self.values[-1]
        a0, a1, v0, v1 = self.ages[i - 1], self.ages[i], self.values[i - 1], self.values[i]
        if a1 - a0 > 2 * AGE_SLACK_DAYS + WINDOW_DAYS:  # too long unseen to draw a line through
            return None
        return v0 + (v1 - v0) * (age - a0) / (a1 - a0) if a1 > a0 else v1


class _Peer(NamedTuple):
    id: str
    age: float
    now: float  # cumulative downloads at its current age
    exact: bool


class RamTable:
    """RAM for any record of a set of peers (the listing's pool) at one moment.

    `params` gives each record's size; `curves` (from history) each model's exact counts by age.
    """

    def __init__(self, peers: Iterable[ModelRecord], params: Mapping[str, int | None], reference: datetime,
                 curves: Mapping[str, AgeCurve] | None = None) -> None:
        self.reference = reference
        self.params = params
        self.curves = curves or {}
        self.classes: dict[str, list[_Peer]] = {}
        for record in peers:
            peer = self._peer(record)
            cls = ram_class(params.get(record.id))
            if peer is not None and cls is not None:
                self.classes.setdefault(cls, []).append(peer)
        for members in self.classes.values():
            members.sort(key=lambda p: p.age)

    def _peer(self, record: ModelRecord) -> _Peer | None:
        age = age_days(record, self.reference)
        if age is None:
            return None
        got = cumulative(record, age)
        return None if got is None else _Peer(record.id, age, got[0], got[1])

    def _at(self, peer: _Peer, day: float) -> tuple[float, bool]:
        """A peer's cumulative downloads at `day` (not after its current age): history, else even pace."""
        if day >= peer.age:
            return peer.now, peer.exact
        seen = self.curves.get(peer.id)
        value = seen.at(day) if seen is not None else None
        if value is not None:
            return value, True
        return peer.now * day / peer.age, False

    def ram(self, record: ModelRecord) -> Ram | None:
        """The record's RAM; None when its size, age or downloads are unknown, or its class has fewer
        than 10 models at least as old as it."""
        cls = ram_class(self.params.get(record.id))
        own = self._peer(record)
        if cls is None or own is None:
            return None
        members = self.classes.get(cls, [])
        start = bisect.bisect_left([p.age for p in members], own.age - AGE_SLACK_DAYS)
        older = members[start:]
        if len(older) < MIN_PEERS:
            return None
        counts = sorted((self._at(p, own.age) for p in older), key=lambda c: -c[0])[:RANK]
        yardstick, _ = counts[-1]
        if yardstick <= 0:
            return None
        exact = own.exact and all(ok for _, ok in counts)
        return Ram(own.now / yardstick, cls, round(own.age), yardstick, "history" if exact else "snapshot")


def rams(records: Sequence[ModelRecord], table: RamTable) -> dict[str, Ram]:
    """The RAM of each record that has one."""
    out = {}
    for record in records:
        value = table.ram(record)
        if value is not None:
            out[record.id] = value
    return out


def rank_by_ram(records: Iterable[ModelRecord], values: Mapping[str, Ram]) -> list[ModelRecord]:
    """Descending RAM; unknown after every known value; ties keep the input order."""
    return sorted(records, key=lambda r: (r.id not in values, -(values[r.id].value if r.id in values else 0.0)))
