"""The page's charts: inline SVG, readable without JavaScript, coloured by the page's CSS (light and dark).

Bars and scatter use percentages across and pixels down, so they fill any width without scaling
their text; sparklines are small fixed-size pictures. The scatter draws the geometry
`render.scatter.frame` works out (the terminal draws the same one), the sparklines scale their
values with `render.charts.scale` (as the terminal's do); every label is escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from hubradar.core.units import human_count
from hubradar.render.charts import scale
from hubradar.render.charts import sparkline as text_line
from hubradar.render.html.page import breakable, esc
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


def bar_chart(bars: Sequence[Bar], *, label: str, value_text: Callable[[float], str] = percent,
              max_value: float | None = None) -> str:
    """Horizontal bars, each under its label and value (families' download share).

    The label and value are HTML text, so they wrap: side by side where they fit, the value on a
    line of its own under a long label on a phone. Bar lengths are relative to `max_value`
    (default: the largest value), so the leader fills the row; the text says the value itself.
    """
    values = [finite(b.value, "a bar's value") for b in bars]
    if any(v < 0 for v in values):
        raise ValueError("bar values must be >= 0")
    if not bars:
        return (f'<div class="chart bars" role="group" aria-label="{esc(label)}">'
                '<p class="empty">Nothing to show.</p></div>')
    most = max_value if max_value is not None and max_value > 0 else max(values) or 1.0
    rows = []
    for bar, value in zip(bars, values, strict=True):
        width = min(100.0, 100.0 * value / most)
        shown = value_text(value)
        name = f'<a href="{esc(bar.href)}">{breakable(bar.label)}</a>' if bar.href else breakable(bar.label)
        note = f'<span class="note"> {esc(bar.note)}</span>' if bar.note else ""
        rows.append(
            f'<div class="bar-row" title="{esc(bar.label)}: {esc(shown)}">'
            f'<span class="bar-label">{name}</span> <span class="bar-value">{esc(shown)}{note}</span>'
            f'<svg class="bar-track" xmlns="{SVG_NS}" width="100%" height="8" aria-hidden="true">'
            f'<rect x="0" y="0" width="100%" height="8" rx="4" class="track"/>'
            f'<rect x="0" y="0" width="{_pct(width)}" height="8" rx="4" class="bar"/></svg></div>'
        )
    return f'<div class="chart bars" role="group" aria-label="{esc(label)}">\n' + "\n".join(rows) + "\n</div>"


# --- the scatter ------------------------------------------------------------------------------

POINT_LABEL = 28  # characters of a dot's name before it is shortened in the middle
SHORT_LABEL = 16  # on phones a highlighted dot is named by the part after the org, this long at most
LABEL_FLIP = 50.0  # dots right of the middle carry their name on the left: names grow towards the centre
SCATTER_PAD = "padding:30px 18px 46px 52px;box-sizing:border-box;overflow:visible"
SCATTER_PAD_X, SCATTER_PAD_Y = 70, 76  # the padding's width and height: the plot is the svg less these
# The plot widths (px) each set of names is shown at (report.css): the long names in windows wider
# than 56rem (897 px, a 1280 px laptop, up to the 84rem page), the short ones in narrower windows
# (a 320 px phone, a 390 px one, up to 896 px). The plot is the window less the page's margins.
LONG_PLOTS = (713.0, 1098.0, 1160.0)
SHORT_PLOTS = (204.0, 274.0, 712.0)
CHAR_W, HI_CHAR_W = 7.6, 8.4  # px per character of a 12 px name, regular and bold (measured in chromium)
SHIFTS = (0.0, 14.0, -14.0)  # a name on its dot's line, else just below or just above it


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
    plot_h = float(height - SCATTER_PAD_Y)
    long_names = {i: shorten_middle(clean(p.label), POINT_LABEL) for i, p in enumerate(points)}
    short_names = {i: shorten_middle(clean(p.label).rsplit("/", 1)[-1], SHORT_LABEL)
                   for i, p in enumerate(points) if p.highlight}
    # Wider screens show the long names (as many as fit), phones only the highlighted dots' short ones:
    # each set is placed for the plot widths it is shown at.
    placed = _place_labels(spots, points, long_names, quadrants, budget=max_labels, widths=LONG_PLOTS,
                           height=plot_h, corner_char=9.0)
    placed_short = _place_labels(spots, points, short_names, quadrants, budget=max_labels, widths=SHORT_PLOTS,
                                 height=plot_h, corner_char=7.9)
    for i in sorted(range(len(points)), key=lambda i: points[i].highlight):  # highlighted dots on top
        point = points[i]
        x, y = spots[i]
        hi = " hi" if point.highlight else ""
        tip = esc(f"{clean(point.label)}: {x_text(shape.xs[i])}, {y_text(shape.ys[i])}")
        dot = (f'<circle cx="{_pct(x)}" cy="{_pct(y)}" r="{6 if hi else 5}" class="pt{hi}">'
               f"<title>{tip}</title></circle>")
        parts.append(_linked(dot, point.href))
        wide, narrow = placed.get(i), placed_short.get(i)
        if hi and narrow is not None and (narrow, short_names[i]) != (wide, long_names[i]):
            parts.append(_name(x, y, short_names[i], "pt-label hi short", narrow))  # phones only (CSS)
            hi += " long"
        if wide is not None:
            parts.append(_name(x, y, long_names[i], f"pt-label{hi}", wide))
    return _svg("scatter", label, "\n".join(parts), height=height, style=SCATTER_PAD)


Box = tuple[float, float, float, float]
Place = tuple[str, float]  # text-anchor (`start`: right of the dot, `end`: left, `middle`: over it), px below its line
EDGE = 18.0  # px a name may reach past the plot's right edge, into the svg's padding


def _name(x: float, y: float, text: str, klass: str, place: Place) -> str:
    anchor, shift = place
    dx = {"start": 9, "end": -9}.get(anchor, 0)
    return _text(_pct(x), _pct(y), text, klass, dx=dx, dy=4 + shift, anchor=anchor)


def _overlaps(box: Box, others: Iterable[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in others)


def _fixed_text(width: float, height: float, quadrants: Quadrants, corner_char: float) -> list[Box]:
    """The boxes of the corner labels at one plot width (px from the plot's top left)."""
    boxes: list[Box] = []
    for text, right, top in ((quadrants.top_left, False, 2.0), (quadrants.top_right, True, 2.0),
                             (quadrants.bottom_left, False, height - 20), (quadrants.bottom_right, True, height - 20)):
        wide = corner_char * len(text) + 8
        start = 0.99 * width - wide if right else 0.01 * width
        boxes.append((start, top, start + wide, top + 18))
    return boxes


def _place_labels(spots: Sequence[tuple[float, float]], points: Sequence[Point], names: Mapping[int, str],
                  quadrants: Quadrants, *, budget: int, widths: Sequence[float], height: float,
                  corner_char: float) -> dict[int, Place]:
    """Which dots get their name (from `names`) and where.

    Highlighted dots first, then the most adopted. A name goes beside its dot on the preferred side
    (left of dots in the right part of the plot), else the other: never over another name, a corner
    label or past the plot's edge, at any of the plot `widths` the names are shown at; and never
    over another dot, unless highlighted. A highlighted dot, named wherever a name fits, may also
    have it just below or above, or centred there, a line further if need be (on a phone a long
    name may fit beside no dot).
    Text is measured at about 7.6 px a character (8.4 bold).
    """
    corners = {w: _fixed_text(w, height, quadrants, corner_char) for w in widths}
    at = {w: [(x / 100 * w, y / 100 * height) for x, y in spots] for w in widths}
    dots = {w: [(x - 6, y - 6, x + 6, y + 6) for x, y in at[w]] for w in widths}
    widest = widths[-1]
    named: dict[float, list[Box]] = {w: [] for w in widths}
    chosen: dict[int, Place] = {}

    def boxes(i: int, place: Place) -> dict[float, Box] | None:
        """The name's box at each width, or None where it would leave the plot."""
        anchor, shift = place
        span = 9 + (HI_CHAR_W if points[i].highlight else CHAR_W) * len(names[i])
        out = {}
        for w in widths:
            x, y = at[w][i]
            left = x + 3 if anchor == "start" else x - 3 - span if anchor == "end" else x - span / 2 + 4.5
            box = (left, y - 7 + shift, left + span, y + 7 + shift)
            if left < 0 or box[2] > w + EDGE or box[1] < -6 or box[3] > height + 6:
                return None
            out[w] = box
        return out

    def clear(i: int, found: dict[float, Box], *, of_dots: bool) -> bool:
        for w, box in found.items():
            if _overlaps(box, named[w]) or _overlaps(box, corners[w]):
                return False
            near = [d for j, d in enumerate(dots[w]) if j != i and math.dist(at[w][j], at[w][i]) > 6]
            if of_dots and _overlaps(box, near):
                return False
        return True

    def tries(i: int) -> list[Place]:
        sides = ["end", "start"] if spots[i][0] > LABEL_FLIP else ["start", "end"]
        if not points[i].highlight:
            return [(side, 0.0) for side in sides]
        return [*((side, shift) for shift in SHIFTS for side in sides),
                *(("middle", shift) for shift in (*SHIFTS[1:], 2 * SHIFTS[1], 2 * SHIFTS[2]))]

    def room(i: int) -> int:
        """How many places a name has inside the plot and off the corner labels, other names aside."""
        return sum(1 for t in tries(i) if (found := boxes(i, t)) is not None
                   and not any(_overlaps(box, corners[w]) for w, box in found.items()))

    # The highlighted names first, those with the least room first (so a name squeezed into a corner
    # is not crowded out by one that could go elsewhere), then the others by adoption.
    order = sorted(names, key=lambda i: (not points[i].highlight, room(i) if points[i].highlight else 0, -points[i].x))
    for i in order:
        if len(chosen) >= budget:
            break
        if any(math.dist(at[widest][j], at[widest][i]) <= 6 for j in chosen):
            continue  # under a dot that is named already: a second name there would read as a pair
        for of_dots in ((True, False) if points[i].highlight else (True,)):
            place = next((t for t in tries(i) if (found := boxes(i, t)) is not None
                          and clear(i, found, of_dots=of_dots)), None)
            if place is not None:
                chosen[i] = place
                for w, box in (boxes(i, place) or {}).items():
                    named[w].append(box)
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
