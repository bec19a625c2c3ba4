"""What a scatter plot shows, for any output: its points, where its lines cross, what its corners are called.

A view says what to plot; `render.scatter` works out the geometry (axes, log scale, ticks, the
lines) once and draws it in a terminal, `render.html.svg` draws the same geometry as SVG. So a
use case such as gaps describes its plot here, without knowing whether a terminal or a page shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    """One dot: adoption across (x), quality up (y), named by `label`.

    `highlight` dots are always named on a page; a terminal draws `marker` (default: the label's
    first character) in `style` (a Rich style) and names the dots in a legend of its own.
    """

    x: float
    y: float
    label: str
    href: str | None = None
    highlight: bool = False
    marker: str = ""
    style: str = ""


@dataclass(frozen=True, slots=True)
class Quadrants:
    """Corner labels, named by where quality (up) meets adoption (right); short enough for a phone."""

    top_left: str = "overlooked"
    top_right: str = "leaders"
    bottom_left: str = "long tail"
    bottom_right: str = "popular, weaker"


@dataclass(frozen=True)
class ScatterPlot:
    """Points with quadrant lines at (`x_split`, `y_split`), by default the medians of the points.

    `x_log` (for downloads) puts decades at equal distances, zero in a slot of its own at the left.
    `y_range` fixes the y axis (a pass rate's 0..1); by default it spans the values in round steps.
    `lines` says in words where the lines are, for the outputs that write it out.
    """

    points: Sequence[Point]
    x_title: str
    y_title: str
    x_log: bool = True
    x_split: float | None = None
    y_split: float | None = None
    quadrants: Quadrants = Quadrants()
    y_range: tuple[float, float] | None = None
    lines: str = "the medians"
