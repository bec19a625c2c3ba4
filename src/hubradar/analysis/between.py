"""Downloads between two snapshots: the one definition history, movers and the report use.

The Hub counts a model's downloads two ways: `downloads`, the last 30 days (a sliding window), and
`downloadsAllTime`, a counter that only grows. Between two snapshots a and b:

- **exact**: all-time(b) − all-time(a), when both snapshots know the counter. These are the
  downloads that happened between the two moments, nothing else.
- **30-day window**: otherwise window(b) − window(a), the change in the 30-day figure. That is
  the downloads between a and b *minus* those of the same stretch 30 days earlier: a model steady
  at 1,000 a day shows 0, a launch shows its downloads only while its first month lasts. It is
  kept because older snapshots (and captures without `downloadsAllTime`) have nothing else.

A model absent from snapshot a that was created after a was taken had no downloads at a: its
figures at a are 0 (an absent model created before a stays unknown). `analysis/sql/between.py`
is the same rule in DuckDB SQL, for whole-Hub snapshots; a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from hubradar.core.record import ModelRecord
from hubradar.core.units import count_of

Basis = Literal["exact", "30-day window"]
EXACT: Basis = "exact"
WINDOW: Basis = "30-day window"
BASES: tuple[Basis, ...] = (EXACT, WINDOW)


@dataclass(frozen=True)
class Between:
    """Downloads between two snapshots and how they were counted; both None when neither side knows."""

    downloads: int | None
    basis: Basis | None


UNKNOWN = Between(None, None)


def downloads_between(old_all_time: int | None, new_all_time: int | None,
                      old_window: int | None, new_window: int | None) -> Between:
    """The exact difference of the all-time counters when both are known, else that of the 30-day windows."""
    if old_all_time is not None and new_all_time is not None:
        return Between(new_all_time - old_all_time, EXACT)
    if old_window is not None and new_window is not None:
        return Between(new_window - old_window, WINDOW)
    return UNKNOWN


def created_after(record: ModelRecord, moment: datetime | None) -> bool:
    """True when the model was created after `moment` (so it had no downloads then)."""
    created = record.created
    return moment is not None and created is not None and created > moment


def records_between(old: ModelRecord | None, new: ModelRecord | None, older_at: datetime | None = None) -> Between:
    """`downloads_between` of one model's records in snapshots a (`old`, taken at `older_at`) and b (`new`)."""
    if new is None:
        return UNKNOWN
    if old is None:
        if not created_after(new, older_at):
            return UNKNOWN
        return downloads_between(0, new.downloads_all_time, 0, new.downloads)
    return downloads_between(old.downloads_all_time, new.downloads_all_time, old.downloads, new.downloads)


def all_known_sum(values: Sequence[int | None]) -> int | None:
    """The sum when every value is known (a family's counter is exact only if each member's is)."""
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def basis_counts(bases: Sequence[Basis | None]) -> dict[str, int]:
    """How many rows used each basis, and how many had none ("unknown")."""
    counts = {basis: 0 for basis in BASES} | {"unknown": 0}
    for basis in bases:
        counts[basis or "unknown"] += 1
    return counts


def describe_bases(counts: dict[str, int], noun: str = "row") -> str:
    """`exact (...) for 18 of 20 rows, the change in 30-day downloads for 2`: what a footer says."""
    total = sum(counts.values())
    words = {EXACT: "exact (all-time downloads differenced)", WINDOW: "the change in 30-day downloads",
             "unknown": "unknown"}
    parts = [f"{words[key]} for {n:,}" for key, n in counts.items() if n]
    if not parts:
        return "no rows"
    parts[0] += f" of {count_of(total, noun)}"
    return ", ".join(parts)
