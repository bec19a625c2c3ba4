"""The statistics of `gaps`: percentiles, Wilson intervals, labels, and the rows they label.

Each matched row of a score sheet has its family's adoption; quality and adoption are turned into
percentiles among the matched rows, and the label follows the two: `opportunity` (measured at or
above the median, adopted below it), `warning` (the reverse), `consensus` (both at or above),
`neither`; with a count of tasks, a pass rate whose 95% Wilson interval includes the median score
is `uncertain` instead of an opportunity or a warning. docs/methodology.md ("Gaps") explains every
rule. Everything here is pure: the rows come matched (`analysis.matching`) and the records known
(`app.gaps` lists and looks them up).
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hubradar.analysis.lineage import Lineage
from hubradar.analysis.matching import Found
from hubradar.analysis.scores import ScoreRow, ScoreSheet
from hubradar.analysis.signals import adoption_value, sum_known
from hubradar.core.errors import UsageError
from hubradar.core.record import ModelRecord

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval

OPPORTUNITY, WARNING, CONSENSUS, NEITHER, UNCERTAIN, UNKNOWN = (
    "opportunity", "warning", "consensus", "neither", "uncertain", "unknown")  # fmt: skip


# --- statistics -----------------------------------------------------------------------------


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """The midrank percentile of each value among `values`: 100 × (below + ½ × equal) / N.

    50 is the median; ties share the mean of the ranks they span, so the percentiles of any
    list average exactly 50 and no order of equal values is invented.
    """
    ordered = sorted(values)
    total = len(ordered)
    out = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        out.append(100.0 * (2 * below + equal) / (2 * total))
    return out


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a pass rate `p` measured on `n` tasks (95% by default).

    Unlike p ± z·sqrt(p(1-p)/n) it stays inside 0–1 and does not collapse to a point at 0% or
    100%, which matters for the small task counts teams actually run.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(max(0.0, p * (1 - p) / n + z2 / (4 * n * n))) / denominator
    # the interval always contains p; min/max only absorb rounding (0 of n gives exactly 0)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def label_for(quality_pct: float, adoption_pct: float | None, interval: tuple[float, float] | None = None,
              median_score: float | None = None) -> str:
    """opportunity / warning / consensus / neither, or uncertain when the interval includes the median."""
    if adoption_pct is None:
        return UNKNOWN
    good, adopted = quality_pct >= 50, adoption_pct >= 50
    if good == adopted:
        return CONSENSUS if good else NEITHER
    if interval is not None and median_score is not None and interval[0] <= median_score <= interval[1]:
        return UNCERTAIN
    return OPPORTUNITY if good else WARNING


# --- the rows -------------------------------------------------------------------------------


@dataclass
class Unmatched:
    """A row that did not end in the comparison, and why."""

    row: ScoreRow
    reason: str
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.row.line, "model": self.row.model, "score": self.row.score,
                "reason": self.reason, "suggestions": self.suggestions}


@dataclass
class GapRow:
    """One matched row: the measurement, the family's adoption, both percentiles and the label."""

    row: ScoreRow
    id: str  # the family base whose adoption counts
    named: str  # the Hub model the row names
    match: str  # exact | renamed | org--name | name | reupload
    downloads: int | None
    adoption: float | None  # the value the adoption percentile is taken over (downloads by default; RAM a ratio)
    own_downloads: int | None
    family_size: int
    likes: int | None
    trending_score: float | None
    task: str | None
    interval: tuple[float, float] | None = None
    quality_pct: float = 50.0
    adoption_pct: float | None = None
    label: str = UNKNOWN

    @property
    def gap(self) -> float | None:
        return None if self.adoption_pct is None else self.quality_pct - self.adoption_pct

    def to_dict(self) -> dict[str, Any]:
        def one(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "model": self.row.model,
            "id": self.id,
            "match": self.match,
            "score": self.row.score,
            "quality_pct": one(self.quality_pct),
            "downloads": self.downloads,
            "adoption": self.adoption,
            "adoption_pct": one(self.adoption_pct),
            "label": self.label,
            "gap": one(self.gap),
            "named": self.named,
            "n": self.row.n,
            "interval": [round(v, 4) for v in self.interval] if self.interval else None,
            "cost": self.row.cost,
            "likes": self.likes,
            "trending_score": self.trending_score,
            "own_downloads": self.own_downloads,
            "family_size": self.family_size,
            "task": self.task,
            "line": self.row.line,
        }


def task_mismatch(record: ModelRecord, task: str | None) -> bool:
    """True when the model's task is known and is not the one asked for (unknown is kept)."""
    return bool(task) and record.task is not None and record.task != task and task not in record.tags


def check_repeats(sheet: ScoreSheet, matched: list[tuple[ScoreRow, Found]], notify: Callable[[str], None]
                  ) -> list[tuple[ScoreRow, Found]]:
    """Two rows naming the same Hub model: an error with different scores, counted once otherwise."""
    first: dict[str, ScoreRow] = {}
    kept = []
    column = sheet.column_index(sheet.score_col)
    for row, hit in matched:
        earlier = first.get(hit.record.id)
        if earlier is None:
            first[hit.record.id] = row
            kept.append((row, hit))
        elif not math.isclose(earlier.score, row.score, abs_tol=1e-12):
            raise UsageError(
                f"{sheet.path}, line {row.line}, column {column} ({sheet.score_col}): {row.model} is "
                f"{hit.record.id}, already scored {earlier.raw_score} on line {earlier.line} ({earlier.model}); "
                "keep one row per model"
            )
        else:
            notify(f"line {row.line} ({row.model}) is {hit.record.id} again, with the same score: counted once")
    return kept


def families_of(records: Iterable[ModelRecord], lineage: Lineage) -> dict[str, list[ModelRecord]]:
    """Every known record under its family base."""
    families: dict[str, list[ModelRecord]] = {}
    for record in records:
        families.setdefault(lineage.family_root(record.id), []).append(record)
    return families


def family_adoption(members: Sequence[ModelRecord], kind: str) -> int | None:
    """A family's adoption: summed downloads or derivatives; distinct live providers. None if unknown."""
    if kind == "providers":
        served = [m.live_providers for m in members if m.live_providers is not None]
        return len(set().union(*served)) if served else None
    return sum_known(adoption_value(m, kind) for m in members)


def gap_rows(matched: Sequence[tuple[ScoreRow, Found]], families: Mapping[str, list[ModelRecord]],
             records: Mapping[str, ModelRecord], lineage: Lineage, kind: str) -> list[GapRow]:
    """Each matched row with its family's adoption (not yet ranked: see `label_rows`)."""
    out = []
    for row, hit in matched:
        base = lineage.family_root(hit.record.id)
        members = families.get(base, [hit.record])
        base_record = records.get(base)
        out.append(GapRow(
            row=row,
            id=base,
            named=hit.record.id,
            match="reupload" if base != hit.record.id else hit.how,
            downloads=family_adoption(members, "downloads"),
            adoption=family_adoption(members, kind),
            own_downloads=hit.record.downloads,
            family_size=len(members),
            likes=base_record.likes if base_record else None,
            trending_score=base_record.trending_score if base_record else None,
            task=(base_record or hit.record).task,
        ))
    return out


def label_rows(rows: Sequence[GapRow]) -> tuple[float | None, float | None]:
    """Percentiles among the rows, Wilson intervals and labels, set on each row; the two medians."""
    if not rows:
        return None, None
    scores = [g.row.score for g in rows]
    median_score = statistics.median(scores)
    for g, pct in zip(rows, percentile_ranks(scores), strict=True):
        g.quality_pct = pct
    adopted = [g for g in rows if g.adoption is not None]
    median_adoption = None
    if adopted:
        median_adoption = statistics.median(g.adoption or 0 for g in adopted)
        for g, pct in zip(adopted, percentile_ranks([float(g.adoption or 0) for g in adopted]), strict=True):
            g.adoption_pct = pct
    for g in rows:
        g.interval = wilson(g.row.score, g.row.n) if g.row.n else None
        g.label = label_for(g.quality_pct, g.adoption_pct, g.interval, median_score)
    return median_score, median_adoption


def by_gap(rows: Iterable[GapRow]) -> list[GapRow]:
    """Largest gap first; unknown adoption last; then by quality and the file's order."""
    return sorted(rows, key=lambda g: (g.gap is None, -(g.gap or 0.0), -g.quality_pct, g.row.line))
