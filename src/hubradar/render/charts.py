"""Sparklines and terminal charts in Unicode block characters (no plotting dependency).

Every sparkline (these, and the page's SVG ones in `render.html.svg`) and the chart scale a
series with `scale`: between its own minimum and maximum, so small moves stay visible; the
chart prints those bounds on its axis so the scale is never hidden. `invert` puts low values at
the top, which is how a rank reads (1 is best).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

BLOCKS = "▁▂▃▄▅▆▇█"
_EIGHTHS = " ▁▂▃▄▅▆▇█"


def scale(values: Sequence[float | None], *, invert: bool = False,
          bounds: tuple[float, float] | None = None) -> list[float | None]:
    """Where each value sits between the series' lowest (0.0) and highest (1.0); None stays None.

    A flat series sits in the middle (0.5); `invert` turns it upside down (a rank: 1 at the top).
    `bounds` gives the lowest and highest when `values` are a sample of a longer series.
    """
    known = [v for v in values if v is not None]
    lo, hi = bounds or ((min(known), max(known)) if known else (0.0, 0.0))
    out: list[float | None] = []
    for v in values:
        share = None if v is None else 0.5 if hi == lo else (v - lo) / (hi - lo)
        out.append(None if share is None else 1.0 - share if invert else share)
    return out


def _squeeze(values: Sequence[float | None], width: int) -> list[float | None]:
    """At most `width` values: consecutive groups averaged, unknowns ignored (all unknown -> None)."""
    if len(values) <= width:
        return list(values)
    out: list[float | None] = []
    for i in range(width):
        chunk = [v for v in values[i * len(values) // width : (i + 1) * len(values) // width] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out


def sparkline(values: Sequence[float | None], width: int = 24, *, invert: bool = False) -> str:
    """One character per value (groups averaged beyond `width`); a blank where the value is unknown."""
    shares = scale(_squeeze(values, width), invert=invert)
    if all(s is None for s in shares):
        return ""
    top = len(BLOCKS) - 1
    return "".join(" " if s is None else BLOCKS[round(s * top)] for s in shares)


def _columns(times: Sequence[datetime], values: Sequence[float | None], width: int) -> list[float | None]:
    """A step chart sampled at `width` evenly spaced moments: each column shows the latest point at
    or before its moment, so irregular snapshots (hourly, then daily) keep their true spacing.
    The last point is given one average interval, like the others."""
    span = (times[-1] - times[0]).total_seconds()
    if span <= 0:
        return [values[-1]] * width
    span += span / (len(times) - 1)
    out: list[float | None] = []
    j = 0
    for c in range(width):
        offset = span * (c + 0.5) / width
        while j + 1 < len(times) and (times[j + 1] - times[0]).total_seconds() <= offset:
            j += 1
        out.append(values[j])
    return out


def plot(
    times: Sequence[datetime],
    values: Sequence[float | None],
    *,
    title: str,
    label: Callable[[float], str],
    height: int = 8,
    width: int = 60,
    invert: bool = False,
) -> list[str]:
    """A bar chart over time, `height` rows of eighth blocks, with its bounds and dates on the axes.

    Returns the lines (no trailing newlines); an empty list when no value is known.
    """
    known = [v for v in values if v is not None]
    if not known or not times:
        return []
    lo, hi = min(known), max(known)
    levels = height * 8
    shares = scale(_columns(times, values, width), invert=invert, bounds=(lo, hi))
    heights = [0 if s is None else 1 + round(s * (levels - 1)) for s in shares]
    top_label, bottom_label = (label(lo), label(hi)) if invert else (label(hi), label(lo))
    pad = max(len(top_label), len(bottom_label))
    lines = [title]
    for row in range(height - 1, -1, -1):
        cells = "".join(_EIGHTHS[max(0, min(8, h - row * 8))] for h in heights)
        if row == height - 1:
            axis = f"{top_label:>{pad}} ┤"
        elif row == 0:
            axis = f"{bottom_label:>{pad}} ┤"
        else:
            axis = f"{'':>{pad}} │"
        lines.append((axis + cells).rstrip())
    lines.append(f"{'':>{pad}} └{'─' * width}")
    first, last = f"{times[0]:%Y-%m-%d %H:%M}", f"{times[-1]:%Y-%m-%d %H:%M}"
    gap = max(1, width - len(first) - len(last))
    lines.append(f"{'':>{pad}}  {first}{' ' * gap}{last}" if times[-1] != times[0] else f"{'':>{pad}}  {first}")
    return lines
