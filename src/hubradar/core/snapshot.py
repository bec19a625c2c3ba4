"""A stored snapshot of a listing: when it was taken, what it asked, and its ranked records.

Data only: the store writes and reads them (store.db), the analysis compares them (analysis.movers).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from hubradar.core.record import ModelRecord


class SnapshotInfo(NamedTuple):
    """A snapshot's header: which listing (`query_key`), when, from where, and how deep."""

    id: int
    query_key: str
    query: dict
    fetched_at: datetime
    source: str  # "live" (fetched) or "import" (backfilled)
    depth: int  # rows asked for
    row_count: int  # rows stored
    complete: bool  # the Hub had no more rows than these


class Snapshot(NamedTuple):
    info: SnapshotInfo
    records: list[ModelRecord]
