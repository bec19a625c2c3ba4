"""One scatter, two outputs: the geometry of a plot, and its drawing in terminal characters.

`frame(plot)` works out where everything of a `views.chart.ScatterPlot` goes, in percent of the
plot: the axes (linear, or log10 with a slot at the left for zero), their ticks, each point, and
the quadrant lines (the medians unless the plot says otherwise). `Scatter.of(plot)` draws that
frame as characters; `render.html.svg.scatter_chart` draws the same frame as SVG.

`Scatter.render(width, height)` returns lines as lists of (text, style) segments, so the same
drawing can become Rich text for a terminal (`to_rich`) or plain text for Markdown (`to_plain`).
Points that land in the same cell show as `+`; their markers stay in the caller's legend.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hubradar.core.units import human_count
from hubradar.views.chart import Point, Quadrants, ScatterPlot

__all__ = ["Axis", "Frame", "Point", "Quadrants", "Scatter", "ScatterPlot", "frame", "nice_ticks", "percent",
           "to_plain", "to_rich"]

Segment = tuple[str, str]
COLLISION = "+"
# How many ticks each output has room for, as (decades labelled at most on a log axis, round steps
# on a linear one): a page's plot (a phone is narrow), and a terminal's.
SVG_TICKS = (6, 5)
TEXT_TICKS = (8, 10)


def finite(value: float, what: str) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def percent(value: float) -> str:
    """A share as people read it: 0.123 -> 12.3%, 0.004 -> 0.4%, 1 -> 100%."""
    return f"{value * 100:.1f}".removesuffix(".0") + "%"


def whole_percent(value: float) -> str:
    """0.713 -> 71%: a terminal's y ticks, one character apart from the next row's."""
    return f"{value * 100:.0f}%"


# --- the geometry ---------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(n * step, 12) for n in range(first, last + 1)]


class Axis:
    """Maps data to a percentage along an axis: linear, or log10 with a slot at the start for 0.

    A log axis spans whole decades, `ticks[0]` of them labelled at most; a linear one spans about
    `ticks[1]` round steps (`nice_ticks`) unless `bounds` fix it.
    """

    ZERO_SLOT = 8.0

    def __init__(self, values: Sequence[float], *, log: bool, bounds: tuple[float, float] | None = None,
                 ticks: tuple[int, int] = SVG_TICKS) -> None:
        self.log = log
        if log:
            positive = [v for v in values if v > 0]
            low = math.floor(math.log10(min(positive))) if positive else 0
            high = math.ceil(math.log10(max(positive))) if positive else 1
            self.low, self.high = float(low), float(max(high, low + 1))
            self.zero = any(v <= 0 for v in values)
            decades = int(self.high - self.low)
            step = max(1, math.ceil(decades / ticks[0]))
            self.ticks = [10.0 ** e for e in range(int(self.low), int(self.high) + 1, step)]
            if self.zero:
                self.ticks.insert(0, 0.0)
        else:
            lo, hi = bounds or (min(values, default=0.0), max(values, default=1.0))
            self.ticks = nice_ticks(lo, hi, ticks[1])
            self.low, self.high = (lo, hi) if bounds else (self.ticks[0], self.ticks[-1])
            if self.high <= self.low:
                self.high = self.low + 1.0
            self.ticks = [t for t in self.ticks if self.low - 1e-9 <= t <= self.high + 1e-9]
            self.zero = False

    def at(self, value: float) -> float:
        """0..100: where `value` sits along the axis."""
        if not self.log:
            return max(0.0, min(100.0, 100.0 * (value - self.low) / (self.high - self.low)))
        if value <= 0:
            return 0.0
        start = self.ZERO_SLOT if self.zero else 0.0
        share = (math.log10(value) - self.low) / (self.high - self.low)
        return max(start, min(100.0, start + (100.0 - start) * share))

    @property
    def bounds(self) -> tuple[float, float]:
        """The values at the two ends (for a log axis, the decades; 0 at the start with a zero slot)."""
        if self.log:
            return (0.0 if self.zero else 10.0 ** self.low), 10.0 ** self.high
        return self.low, self.high


@dataclass(frozen=True)
class Frame:
    """Where a plot's parts go, in percent: across from the left, up from the bottom."""

    x: Axis
    y: Axis
    xs: list[float]  # the points' values, checked
    ys: list[float]
    spots: list[tuple[float, float]]  # each point, (across, up)
    split: tuple[float, float] | None  # the lines' values (None without points) ...
    split_at: tuple[float, float] | None  # ... and where they are (across, up)


def frame(plot: ScatterPlot, *, ticks: tuple[int, int] = SVG_TICKS) -> Frame:
    """The geometry of `plot`; a log x refuses negative values, and no value may be NaN or infinite."""
    xs = [finite(p.x, "x") for p in plot.points]
    ys = [finite(p.y, "y") for p in plot.points]
    if plot.x_log and any(x < 0 for x in xs):
        raise ValueError("a log-scale x needs values >= 0")
    x_axis = Axis(xs, log=plot.x_log, ticks=ticks)
    y_axis = Axis(ys, log=False, bounds=plot.y_range, ticks=ticks)
    spots = [(x_axis.at(x), y_axis.at(y)) for x, y in zip(xs, ys, strict=True)]
    split = split_at = None
    if xs:
        split = (plot.x_split if plot.x_split is not None else statistics.median(xs),
                 plot.y_split if plot.y_split is not None else statistics.median(ys))
        split_at = (x_axis.at(split[0]), y_axis.at(split[1]))
    return Frame(x_axis, y_axis, xs, ys, spots, split, split_at)


# --- the terminal drawing -------------------------------------------------------------------


@dataclass
class Scatter:
    """Points in plot coordinates, with ticks, quadrant lines at (x_split, y_split) and corner names."""

    points: Sequence[Point]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    x_ticks: Sequence[tuple[float, str]] = ()
    y_ticks: Sequence[tuple[float, str]] = ()
    x_split: float | None = None
    y_split: float | None = None
    corners: dict[str, str] = field(default_factory=dict)  # "tl", "tr", "bl", "br" -> label
    x_title: str = ""
    y_title: str = ""

    @classmethod
    def of(cls, plot: ScatterPlot, *, x_text: Callable[[float], str] = human_count,
           y_text: Callable[[float], str] = whole_percent) -> Scatter:
        """The plot's frame in characters: x ticks at the decades, y ticks at both ends and at the line."""
        shape = frame(plot, ticks=TEXT_TICKS)
        y_low, y_high = shape.y.bounds
        y_ticks = [(100.0, y_text(y_high))]
        if shape.split is not None and shape.split_at is not None:
            y_ticks.append((shape.split_at[1], y_text(shape.split[1])))
        y_ticks.append((0.0, y_text(y_low)))
        q = plot.quadrants
        scale = " (log scale)" if plot.x_log else ""
        return cls(
            points=[replace(p, x=x, y=y) for p, (x, y) in zip(plot.points, shape.spots, strict=True)],
            x_range=(0.0, 100.0),
            y_range=(0.0, 100.0),
            x_ticks=[(shape.x.at(t), x_text(t)) for t in shape.x.ticks],
            y_ticks=y_ticks,
            x_split=shape.split_at[0] if shape.split_at else None,
            y_split=shape.split_at[1] if shape.split_at else None,
            corners={"tl": q.top_left, "tr": q.top_right, "bl": q.bottom_left, "br": q.bottom_right},
            x_title=f"{plot.x_title}{scale}; lines at {plot.lines}" if plot.lines else f"{plot.x_title}{scale}",
            y_title=plot.y_title,
        )

    def _col(self, x: float, width: int) -> int:
        lo, hi = self.x_range
        span = hi - lo or 1.0
        return min(width - 1, max(0, round((x - lo) / span * (width - 1))))

    def _row(self, y: float, height: int) -> int:
        lo, hi = self.y_range
        span = hi - lo or 1.0
        return min(height - 1, max(0, round((hi - y) / span * (height - 1))))

    def render(self, width: int, height: int) -> list[list[Segment]]:
        """Lines of segments: the y title, the plot with its y axis, the x axis, tick labels, x title."""
        label_w = max([len(t) for _, t in self.y_ticks], default=0)
        plot_w = max(10, width - label_w - 2)
        height = max(5, height)
        grid: list[list[Segment]] = [[(" ", "")] * plot_w for _ in range(height)]
        split_col = self._col(self.x_split, plot_w) if self.x_split is not None else None
        split_row = self._row(self.y_split, height) if self.y_split is not None else None
        for r in range(height):
            for c in range(plot_w):
                char = ""
                if r == split_row and c == split_col:
                    char = "┼"
                elif r == split_row:
                    char = "─"
                elif c == split_col:
                    char = "│"
                if char:
                    grid[r][c] = (char, "dim")
        self._corners(grid, plot_w, height, split_col, split_row)
        taken: set[tuple[int, int]] = set()
        for point in self.points:
            r, c = self._row(point.y, height), self._col(point.x, plot_w)
            if (r, c) in taken:
                grid[r][c] = (COLLISION, "bold")
            else:
                grid[r][c] = (point.marker or point.label[:1], point.style)
                taken.add((r, c))
        tick_rows = {self._row(v, height): t for v, t in self.y_ticks}
        lines: list[list[Segment]] = []
        if self.y_title:
            lines.append([(self.y_title, "")])
        for r in range(height):
            label = tick_rows.get(r, "")
            axis = "┤" if r in tick_rows else "│"
            lines.append([(label.rjust(label_w) + " " + axis, "dim"), *grid[r]])
        axis_cells = ["─"] * plot_w
        ticks = [(self._col(v, plot_w), t) for v, t in self.x_ticks]
        for c, _ in ticks:
            axis_cells[c] = "┴"
        lines.append([(" " * label_w + " └" + "".join(axis_cells), "dim")])
        lines.append([(" " * (label_w + 2) + _tick_labels(ticks, plot_w), "dim")])
        if self.x_title:
            lines.append([(" " * (label_w + 2) + self.x_title, "")])
        return lines

    def _corners(self, grid: list[list[Segment]], width: int, height: int, split_col: int | None,
                 split_row: int | None) -> None:
        """Name each quadrant inside it, in its outer corner, where it does not hide a line."""
        mid_c = split_col if split_col is not None else width // 2
        spots = {
            "tl": (0, 1, "left", mid_c - 1),
            "tr": (0, width - 1, "right", width - mid_c - 2),
            "bl": (height - 1, 1, "left", mid_c - 1),
            "br": (height - 1, width - 1, "right", width - mid_c - 2),
        }
        for key, text in self.corners.items():
            row, anchor, side, room = spots[key]
            if room < len(text) or row == split_row:
                continue
            start = anchor if side == "left" else anchor - len(text) + 1
            for i, char in enumerate(text):
                grid[row][start + i] = (char, "dim italic")


def _tick_labels(ticks: list[tuple[int, str]], width: int) -> str:
    """Tick labels centred under their columns, dropping any that would overlap the previous one."""
    out = [" "] * width
    last_end = -1
    for col, text in sorted(ticks):
        start = min(max(0, col - len(text) // 2), max(0, width - len(text)))  # inside the plot's width
        if start <= last_end:
            continue
        out[start:start + len(text)] = list(text)
        last_end = start + len(text)
    return "".join(out).rstrip()


def to_plain(lines: list[list[Segment]]) -> str:
    return "\n".join("".join(text for text, _ in line).rstrip() for line in lines)


def to_rich(lines: list[list[Segment]]) -> list[Any]:
    """Rich `Text` lines (imported here: only a terminal needs Rich)."""
    from rich.text import Text

    return [Text.assemble(*[(text, style) if style else text for text, style in line]) for line in lines]
