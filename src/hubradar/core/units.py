"""Reading and writing the units people type and read: durations, counts, ages."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from hubradar.core.errors import UsageError, param

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d|day|days|w|wk|y)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {
    "s": 1, "sec": 1,
    "m": 60, "min": 60,
    "h": 3600, "hr": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "wk": 604800,
    "y": 31536000,
}  # fmt: skip


def parse_duration(text: str, name: str = "max_age") -> timedelta:
    """`30m`, `2h`, `7d`, `0` (a bare number is seconds). Raises UsageError naming the forms."""
    match = _DURATION_RE.match(text or "")
    if not match:
        raise UsageError(
            f"{param(name)}: {text!r} is not a duration; use a number with s, m, h, d or w (30m, 2h, 7d) or 0"
        )
    value, unit = float(match.group(1)), (match.group(2) or "s").lower()
    try:
        return timedelta(seconds=value * _UNIT_SECONDS[unit])
    except OverflowError:
        raise UsageError(f"{param(name)}: {text!r} is longer than any calendar can hold") from None


def human_count(value: float | None) -> str:
    """1.7K, 27.5M, 3.1B — counts as people read them; '-' for unknown."""
    if value is None:
        return "-"
    if value < 1000:
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    units = (("K", 1e3), ("M", 1e6), ("B", 1e9), ("T", 1e12))
    index = max(i for i, (_, size) in enumerate(units) if value >= size)
    while True:
        unit, size = units[index]
        scaled = value / size
        text = f"{scaled:.1f}" if scaled < 100 else f"{scaled:.0f}"
        if text == "1000" and index + 1 < len(units):  # 999.96K rounds to 1000K: say 1M instead
            index += 1
            continue
        return text.removesuffix(".0") + unit


def human_params(value: int | None) -> str:
    """Parameter counts: 135M, 7B, 1.5B, 1T."""
    if value is None:
        return "-"
    return human_count(value)


def human_age(moment: datetime | None, now: datetime) -> str:
    """`5h`, `3d`, `8mo`, `2y` since `moment`; '-' when unknown."""
    if moment is None:
        return "-"
    seconds = max(0.0, (now - moment).total_seconds())
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    days = seconds / 86400
    if days < 60:
        return f"{int(days)}d"
    if days < 730:
        return f"{int(days // 30.44)}mo"
    return f"{int(days // 365.25)}y"


def human_duration(delta: timedelta) -> str:
    """The age of a snapshot in a notice: `42s`, `5m`, `3h`, `2d`."""
    seconds = max(0.0, delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{math.floor(seconds / size)}{unit}"
    return f"{int(seconds)}s"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`1 model`, `2 models`, `0 families`: a count with its noun agreeing."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
