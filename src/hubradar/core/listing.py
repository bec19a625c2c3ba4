"""A listing as answered: its rows, where they came from, and whether that was a fallback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord

if TYPE_CHECKING:
    from hubradar.core.adoption import Ram

Source = Literal["live", "cache", "snapshot"]


@dataclass
class Listing:
    """Rows of one query and where they came from. `pool` is the deeper set families group over.

    `fell_back` is True when the Hub was asked (or could not be, offline) and an older answer was
    shown instead: per-model lookups after such a listing would only fail the same way, slower.
    """

    query: ListingQuery
    records: list[ModelRecord]
    source: Source
    fetched_at: datetime
    pool: list[ModelRecord] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    fell_back: bool = False
    snapshot_id: int | None = None  # the stored snapshot `pool` is (what is stored with it: app/groups.py)
    ram: dict[str, Ram] = field(default_factory=dict)  # the rows' relative adoption, when it was asked for

    @property
    def rows(self) -> list[ModelRecord]:
        """The records shown (the library's name for them)."""
        return self.records
