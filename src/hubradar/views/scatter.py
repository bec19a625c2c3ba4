"""A small scatter plot with quadrant lines, drawn in characters: no plotting library.

`Scatter.render(width, height)` returns lines as lists of (text, style) segments, the same drawing
for every device: `render.scatter` makes them Rich text for a terminal (`to_rich`) or plain text
for Markdown (`to_plain`). Points that land in the same cell show as `+`; their markers stay in
the caller's legend. It lives with the views because a view (`views.gaps.gaps_scatter`) builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Segment = tuple[str, str]
COLLISION = "+"


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    marker: str
    style: str = ""


@dataclass
class Scatter:
    """Points in data coordinates, with ticks, quadrant lines at (x_split, y_split) and corner names."""

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
                grid[r][c] = (point.marker, point.style)
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
