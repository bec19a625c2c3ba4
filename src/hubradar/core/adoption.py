"""Relative adoption (RAM) as a value: what a listing carries for each row when it was asked for.

The numbers are worked out in `analysis.ram`; the type lives here so that a `Listing` can hold it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Basis = Literal["history", "snapshot"]  # cumulative counts read from stored history, or approximated from one listing


class Ram(NamedTuple):
    """A model's RAM, its size class and day, the yardstick (the 10th's count) and how it was found."""

    value: float
    size_class: str
    day: int
    yardstick: float
    basis: Basis
