"""The one output object: a `View` is what a command shows, the same data for every format.

A view holds columns, raw row values, metadata and notes; `render` turns it into a table, JSON,
CSV or Markdown, and nothing else prints results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


Kind = Literal["text", "id", "count", "params", "age", "score", "int", "pct", "list", "ratio", "interval", "delta",
               "spark", "multiple"]
# spark: a list of numbers (None for unknown) drawn as a sparkline, higher is taller; multiple: a ratio to a
# yardstick (RAM), two significant figures


@dataclass
class Column:
    """How one row key is shown. `priority` 0 is always kept; higher numbers go first when narrow."""

    key: str
    header: str
    kind: Kind = "text"
    priority: int = 0
    min_width: int | None = None
    styles: dict[str, str] = field(default_factory=dict)  # cell text -> Rich style, to call out values
    # May take several lines when the width is short: free text wraps at words instead of being
    # shortened, a number's header wraps at its spaces (the numbers stay whole).
    wrap: bool = False
    # Ids and wrapping text: the fewest characters kept before a column with a higher priority
    # number gives way (ids: 24 unless set; wrapping text: 16).
    shortest: int | None = None

    @property
    def justify(self) -> Literal["left", "right"]:
        numeric = ("count", "params", "age", "score", "int", "pct", "ratio", "interval", "delta", "multiple")
        return "right" if self.kind in numeric else "left"


@dataclass
class View:
    """What a command shows: the same data for the table, JSON, CSV and Markdown."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    now: datetime | None = None
    csv_keys: list[str] | None = None
    empty_message: str = "No models match."
    extra_sections: list[View] = field(default_factory=list)
    # Notes that explain one column (a legend): in a table, shown only when that column fits.
    column_notes: dict[str, str] = field(default_factory=dict)

    @property
    def all_notes(self) -> list[str]:
        return [*self.notes, *self.column_notes.values()]


