"""Sizes as a query states them: bands, parameter counts people type, and size filters.

A model's size itself is estimated in `analysis.sizes`; this is the vocabulary both sides share.
`None` always means unknown, never zero.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from hubradar.core.errors import UsageError, param
from hubradar.core.units import human_params

SizeSource = Literal["safetensors", "gguf", "base", "name"]

# --- sizes people type ----------------------------------------------------------------------------
_OPTION_UNITS = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_OPTION_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?|\.\d+)(?:(?P<unit>[kmbt])|e(?P<exp>\+?\d{1,2}))?$", re.IGNORECASE)
SIZE_FORMS = "500M, 7B, 1.5b, 70B, 1T, 7e9, a bare number of billions (7) or a full count (7000000000)"
# A bare number is what a person says of a size: `7` is 7B. Below this it is read as billions; from
# FULL_COUNT up it is a count typed out; in between it could be either, and is refused.
BARE_BILLIONS_BELOW = 1000
FULL_COUNT = 10**6


class SizeBand(StrEnum):
    """The bands of public adoption studies: under 1B, 1–9B, 10–99B, 100B and over."""

    tiny = "tiny"
    small = "small"
    medium = "medium"
    large = "large"


# Inclusive lower bound, exclusive upper bound: "1–9B" is 1B up to but not including 10B.
BAND_BOUNDS: dict[SizeBand, tuple[int, int | None]] = {
    SizeBand.tiny: (0, 10**9),
    SizeBand.small: (10**9, 10**10),
    SizeBand.medium: (10**10, 10**11),
    SizeBand.large: (10**11, None),
}
BAND_LABELS = {
    SizeBand.tiny: "under 1B",
    SizeBand.small: "1B to under 10B",
    SizeBand.medium: "10B to under 100B",
    SizeBand.large: "100B and over",
}


def band_of(params: int | None) -> SizeBand | None:
    """The band a count falls in (a 9.5B model is small, 10.0B is medium); None when unknown."""
    if params is None:
        return None
    for band, (low, high) in BAND_BOUNDS.items():
        if params >= low and (high is None or params < high):
            return band
    return None  # a negative count: never produced, since counts are read as non-negative


class SizeInfo(NamedTuple):
    """A model's parameter count, where it came from, and (mixture-of-experts) its active count."""

    params: int | None
    source: SizeSource | None
    active_params: int | None = None

    @property
    def band(self) -> SizeBand | None:
        return band_of(self.params)


UNKNOWN = SizeInfo(None, None)


# --- what people type -----------------------------------------------------------------------------


def parse_size(text: str, name: str = "min_params") -> int:
    """`500M`, `7B`, `1.5b`, `70B`, `1T`, `7e9`, `7` (billions), `7000000000` -> a positive count; else UsageError."""
    match = _OPTION_RE.match((text or "").strip())
    value: Decimal | None = None
    if match:
        number = Decimal(match["num"])  # the pattern lets only plain decimals through
        if match["exp"] is not None:
            value = number.scaleb(int(match["exp"]))
        elif match["unit"] is None and number < BARE_BILLIONS_BELOW:
            value = number * 10**9
        elif match["unit"] is None and number < FULL_COUNT:
            raise UsageError(f"{param(name)}: {text!r} could be {text} billion or {text} parameters; write "
                             f"{text}B, or a full count such as {int(number) * 10**9}")
        else:
            value = number * _OPTION_UNITS[(match["unit"] or "").lower()]
    if value is None or value < 1:
        raise UsageError(f"{param(name)}: {text!r} is not a parameter count; use a positive number like {SIZE_FORMS}")
    return int(value.to_integral_value(ROUND_HALF_UP))


class SizeFilter(NamedTuple):
    """Which sizes a listing keeps: a band and/or inclusive bounds; unknown sizes only if asked."""

    min_params: int | None = None
    max_params: int | None = None
    band: SizeBand | None = None
    include_unknown: bool = False

    @classmethod
    def build(
        cls,
        *,
        size: SizeBand | str | None = None,
        min_params: str | None = None,
        max_params: str | None = None,
        include_unknown: bool = False,
    ) -> SizeFilter | None:
        """Parse the CLI's size options (UsageError on bad input or an empty range); None when unused."""
        try:
            band = SizeBand(str(size).lower()) if size is not None else None
        except ValueError:
            raise UsageError(f"{param('size')}: {size!r} is not a size band; use {', '.join(SizeBand)}") from None
        low = parse_size(min_params, "min_params") if min_params is not None else None
        high = parse_size(max_params, "max_params") if max_params is not None else None
        if low is not None and high is not None and low > high:
            raise UsageError(f"{param('min_params')} {min_params} is above {param('max_params')} {max_params}: "
                             "no size can match")
        if band is None and low is None and high is None:
            return None
        flt = cls(low, high, band, include_unknown)
        lo, hi = flt.bounds
        if band is not None and hi is not None and lo > hi:
            raise UsageError(f"{flt.describe()}: no size can match ({param('size')} {band} is {BAND_LABELS[band]})")
        return flt

    @property
    def bounds(self) -> tuple[int, int | None]:
        """The inclusive range of counts kept: (low, high or None for no upper bound)."""
        low, high = self.min_params or 0, self.max_params
        if self.band is not None:
            band_low, band_high = BAND_BOUNDS[self.band]
            low = max(low, band_low)
            if band_high is not None:
                high = band_high - 1 if high is None else min(high, band_high - 1)
        return low, high

    def accepts(self, info: SizeInfo) -> bool:
        if info.params is None:
            return self.include_unknown
        low, high = self.bounds
        return info.params >= low and (high is None or info.params <= high)

    def describe(self) -> str:
        """`size small`, `min_params 7B max_params 70B` (flags in the CLI): the filter as it was asked for."""
        parts = []
        if self.band is not None:
            parts.append(f"{param('size')} {self.band}")
        if self.min_params is not None:
            parts.append(f"{param('min_params')} {human_params(self.min_params)}")
        if self.max_params is not None:
            parts.append(f"{param('max_params')} {human_params(self.max_params)}")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"size": str(self.band) if self.band else None, "min_params": self.min_params,
                "max_params": self.max_params, "include_unknown": self.include_unknown}


