"""The page's charts: inline SVG, readable without JavaScript, coloured by the page's CSS (light and dark).

Bars and scatter use percentages across and pixels down, so they fill any width without scaling
their text; sparklines are small fixed-size pictures. The scatter draws the geometry
`render.scatter.frame` works out (the terminal draws the same one), the sparklines scale their
values with `render.charts.scale` (as the terminal's do); every label is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hubradar.core.units import human_count
from hubradar.render.charts import scale
from hubradar.render.charts import sparkline as text_line
from hubradar.render.html.page import esc
from hubradar.render.ids import shorten_middle
from hubradar.render.scatter import finite, frame, percent
from hubradar.render.text import clean
from hubradar.views.chart import Point, Quadrants, ScatterPlot

SVG_NS = "http://www.w3.org/2000/svg"


def _svg(kind: str, label: str, body: str, *, height: int, style: str = "") -> str:
    extra = f' style="{style}"' if style else ""
    return (f'<svg class="chart {kind}" xmlns="{SVG_NS}" width="100%" height="{height}" role="img" '
            f'aria-label="{esc(label)}"{extra}><title>{esc(label)}</title>\n{body}\n</svg>')


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _text(x: str, y: str, text: str, klass: str, *, dx: float = 0, dy: float = 0, anchor: str = "start") -> str:
    """One escaped SVG text; `x`/`y` as given (percentages or pixels), `dx`/`dy` nudges in pixels."""
    nudge = (f' dx="{dx:g}"' if dx else "") + (f' dy="{dy:g}"' if dy else "")
    end = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x}" y="{y}"{nudge}{end} class="{klass}">{esc(text)}</text>'


def _linked(content: str, href: str | None) -> str:
    return f'<a href="{esc(href)}">{content}</a>' if href else content


# --- bars -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a label (linked when `href` is set), a value >= 0, and an optional muted note."""

    label: str
    value: float
    href: str | None = None
    note: str | None = None


BAR_ROW = 38
BAR_LABEL = 40  # characters of a bar's label before it is shortened in the middle


def bar_chart(bars: Sequence[Bar], *, label: str, value_text: Callable[[float], str] = percent,
              max_value: float | None = None) -> str:
    """Horizontal bars, label and value above each bar (families' download share).

    Bar lengths are relative to `max_value` (default: the largest value), so the leader fills
    the row; the text says the value itself.
    """
    values = [finite(b.value, "a bar's value") for b in bars]
    if any(v < 0 for v in values):
        raise ValueError("bar values must be >= 0")
    if not bars:
        return _svg("bars", label, _text("0", "18", "Nothing to show.", "empty-chart"), height=28)
    most = max_value if max_value is not None and max_value > 0 else max(values) or 1.0
    rows = []
    for i, (bar, value) in enumerate(zip(bars, values, strict=True)):
        top = i * BAR_ROW
        width = min(100.0, 100.0 * value / most)
        shown = value_text(value)
        note = f'<tspan class="note"> {esc(bar.note)}</tspan>' if bar.note else ""
        name = _text("0", str(top + 15), shorten_middle(clean(bar.label), BAR_LABEL), "bar-label")
        rows.append(
            f'<g class="bar-row"><title>{esc(bar.label)}: {esc(shown)}</title>{_linked(name, bar.href)}'
            f'<text x="100%" y="{top + 15}" text-anchor="end" class="bar-value">{esc(shown)}{note}</text>'
            f'<rect x="0" y="{top + 22}" width="100%" height="8" rx="4" class="track"/>'
            f'<rect x="0" y="{top + 22}" width="{_pct(width)}" height="8" rx="4" class="bar"/></g>'
        )
    return _svg("bars", label, "\n".join(rows), height=len(bars) * BAR_ROW)


# --- the scatter ------------------------------------------------------------------------------

POINT_LABEL = 28  # characters of a dot's name before it is shortened in the middle
SHORT_LABEL = 16  # on phones a highlighted dot is named by the part after the org, this long at most
LABEL_FLIP = 50.0  # dots right of the middle carry their name on the left: names grow towards the centre
SCATTER_PAD = "padding:30px 18px 46px 52px;box-sizing:border-box;overflow:visible"


def scatter_chart(plot: ScatterPlot, *, label: str, x_text: Callable[[float], str] = human_count,
                  y_text: Callable[[float], str] = percent, height: int = 380, max_labels: int = 14) -> str:
    """Quality (up) against adoption (across) with quadrant lines (gaps), as `render.scatter.frame` places them.

    A log x puts decades at equal distances; zero downloads sit in a slot at the left edge rather
    than vanishing. At most `max_labels` dots are named (highlighted ones first, never
    overlapping); every dot has a tooltip.
    """
    shape = frame(plot)
    x_axis, y_axis, quadrants = shape.x, shape.y, plot.quadrants
    parts: list[str] = []
    for tick in y_axis.ticks:
        y_at = _pct(100.0 - y_axis.at(tick))
        parts.append(f'<line x1="0" x2="100%" y1="{y_at}" y2="{y_at}" class="grid"/>')
        parts.append(_text("0", y_at, y_text(tick), "tick", dx=-8, dy=4, anchor="end"))
    decades = [t for t in x_axis.ticks if t > 0] if plot.x_log else []
    for tick in x_axis.ticks:
        across = x_axis.at(tick)
        parts.append(f'<line x1="{_pct(across)}" x2="{_pct(across)}" y1="0" y2="100%" class="grid"/>')
        anchor = "start" if across < 1 else "end" if across > 99 else "middle"
        minor = len(decades) > 4 and tick in decades and (len(decades) - 1 - decades.index(tick)) % 2 == 1
        # the first decade sits a narrow slot right of "0": on a phone the two labels would touch
        minor = minor or (x_axis.zero and bool(decades) and tick == decades[0])
        parts.append(_text(_pct(across), "100%", x_text(tick), "tick minor" if minor else "tick", dy=18,
                           anchor=anchor))
    parts.append('<line x1="0" x2="100%" y1="100%" y2="100%" class="axis"/>'
                 '<line x1="0" x2="0" y1="0" y2="100%" class="axis"/>')
    parts.append(_text("100%", "100%", f"{plot.x_title} →", "axis-label", dy=38, anchor="end"))
    parts.append(_text("0", "0", f"↑ {plot.y_title}", "axis-label", dx=-44, dy=-14))
    if shape.split_at is not None:
        sx, sy = _pct(shape.split_at[0]), _pct(100.0 - shape.split_at[1])
        parts.append(f'<line x1="{sx}" x2="{sx}" y1="0" y2="100%" class="split"/>'
                     f'<line x1="0" x2="100%" y1="{sy}" y2="{sy}" class="split"/>')
    for text, x_at, y_pos, anchor, dy in (
        (quadrants.top_left, "1%", "0", "start", 16), (quadrants.top_right, "99%", "0", "end", 16),
        (quadrants.bottom_left, "1%", "100%", "start", -8), (quadrants.bottom_right, "99%", "100%", "end", -8),
    ):
        parts.append(_text(x_at, y_pos, text, "quadrant", dy=dy, anchor=anchor))
    spots = [(across, 100.0 - up) for across, up in shape.spots]  # SVG's y grows downwards
    points = plot.points
    placed = _place_labels(spots, points, quadrants, max_labels)
    for i in sorted(range(len(points)), key=lambda i: points[i].highlight):  # highlighted dots on top
        point = points[i]
        x, y = spots[i]
        hi = " hi" if point.highlight else ""
        tip = esc(f"{clean(point.label)}: {x_text(shape.xs[i])}, {y_text(shape.ys[i])}")
        dot = (f'<circle cx="{_pct(x)}" cy="{_pct(y)}" r="{6 if hi else 5}" class="pt{hi}">'
               f"<title>{tip}</title></circle>")
        parts.append(_linked(dot, point.href))
        if i in placed:
            anchor, dx = placed[i], (9 if placed[i] == "start" else -9)
            name = shorten_middle(clean(point.label), POINT_LABEL)
            short = shorten_middle(clean(point.label).rsplit("/", 1)[-1], SHORT_LABEL)
            if hi and short != name:  # phones show the short name (CSS), wider screens the long one
                parts.append(_text(_pct(x), _pct(y), short, "pt-label hi short", dx=dx, dy=4, anchor=anchor))
                hi += " long"
            parts.append(_text(_pct(x), _pct(y), name, f"pt-label{hi}", dx=dx, dy=4, anchor=anchor))
    return _svg("scatter", label, "\n".join(parts), height=height, style=SCATTER_PAD)


Box = tuple[float, float, float, float]
NOMINAL_W, NOMINAL_H = 720.0, 300.0  # the plot size label placement plans for (wider plots only loosen it)


def _overlaps(box: Box, others: Iterable[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in others)


def _place_labels(spots: Sequence[tuple[float, float]], points: Sequence[Point], quadrants: Quadrants,
                  budget: int) -> dict[int, str]:
    """Which dots get a name and on which side (`start` = right of the dot, `end` = left of it).

    Highlighted dots first, then the most adopted. A name goes on its preferred side (left of dots
    in the right part of the plot), else the other side, else nowhere: never over another name or
    past the plot's edge, and (unless highlighted, which is always named) never over another dot
    or a corner label. Planned on a nominal 720 x 300 px plot, about 7 px per character.
    """
    at = [(x / 100 * NOMINAL_W, y / 100 * NOMINAL_H) for x, y in spots]
    dots: list[Box] = [(x - 6, y - 6, x + 6, y + 6) for x, y in at]
    corner_text = [(quadrants.top_left, 0.0, 2.0), (quadrants.top_right, 1.0, 2.0),
                   (quadrants.bottom_left, 0.0, NOMINAL_H - 18), (quadrants.bottom_right, 1.0, NOMINAL_H - 18)]
    corners: list[Box] = []
    for text, right, top in corner_text:
        wide = 8.0 * len(text) + 8
        start = NOMINAL_W - wide if right else 0.0
        corners.append((start, top, start + wide, top + 16))

    def dots_near(i: int) -> list[Box]:
        """Other dots, except those hidden under this one anyway."""
        x, y = at[i]
        return [d for j, d in enumerate(dots) if j != i and math.dist(at[j], (x, y)) > 6]

    names: list[Box] = []
    chosen: dict[int, str] = {}
    for i in sorted(range(len(points)), key=lambda i: (not points[i].highlight, -points[i].x)):
        if len(chosen) >= budget:
            break
        x, y = at[i]
        if any(math.dist(at[j], (x, y)) <= 6 for j in chosen):
            continue  # under a dot that is named already: a second name there would read as a pair
        width = 9 + 7 * len(shorten_middle(clean(points[i].label), POINT_LABEL))
        sides = ["end", "start"] if spots[i][0] > LABEL_FLIP else ["start", "end"]
        for side in sides:
            left = x + 3 if side == "start" else x - 3 - width
            box = (left, y - 7, left + width, y + 7)
            if left < 0 or box[2] > NOMINAL_W or _overlaps(box, names):
                continue
            if not points[i].highlight and (_overlaps(box, corners) or _overlaps(box, dots_near(i))):
                continue
            chosen[i] = side
            names.append(box)
            break
    return chosen


# --- sparklines -------------------------------------------------------------------------------


def sparkline(values: Sequence[float | None], *, label: str, invert: bool = False, width: int = 120,
              height: int = 28) -> str:
    """A small line of a series over time (movers); `None` is a missing day and breaks the line.

    `invert` draws low values at the top (a rank: 1 is best). The svg's class says `rising`,
    `falling` or `flat` (the first known point against the last, as drawn).
    """
    shares = scale([None if v is None else finite(v, "a sparkline value") for v in values], invert=invert)
    known = [(i, s) for i, s in enumerate(shares) if s is not None]
    pad = 3.0
    if not known:
        body = f'<line x1="{pad}" x2="{width - pad}" y1="{height / 2}" y2="{height / 2}" class="spark-none"/>'
        trend = "flat"
    else:
        span = len(values) - 1

        def xy(i: int, share: float) -> str:
            x = pad + (width - 2 * pad) * (i / span if span else 0.5)
            y = height - pad - (height - 2 * pad) * share
            return f"{x:.1f},{y:.1f}"

        runs: list[list[str]] = [[]]
        for i, share in enumerate(shares):
            if share is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, share))
        lines = [f'<polyline points="{" ".join(run)}" fill="none" class="spark-line"/>' for run in runs if len(run) > 1]
        last_x, last_y = xy(*known[-1]).split(",")
        lines.append(f'<circle cx="{last_x}" cy="{last_y}" r="2.5" class="spark-dot"/>')
        body = "".join(lines)
        first, last = known[0][1], known[-1][1]
        trend = "rising" if last > first else "falling" if last < first else "flat"
    return (f'<svg class="spark {trend}" xmlns="{SVG_NS}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}"><title>{esc(label)}</title>'
            f"{body}</svg>")


_EIGHTHS = " ▏▎▍▌▋▊▉"


def text_bar(fraction: float, width: int = 20) -> str:
    """A bar of block characters for Markdown and terminals: `text_bar(0.5, 8)` is `████`."""
    fraction = max(0.0, min(1.0, finite(fraction, "fraction")))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def text_sparkline(values: Sequence[float | None], *, invert: bool = False) -> str:
    """`▁▃▇` for Markdown: the terminal's sparkline, one character per value, a space for a missing one."""
    checked = [None if v is None else finite(v, "a sparkline value") for v in values]
    return text_line(checked, width=max(1, len(checked)), invert=invert) or " " * len(values)
