"""What the honest signals read from history: exact cumulative counts by age, earlier sightings, org ages.

- `exact_counts`: every stored row of these models whose cumulative downloads are known exactly
  (the all-time count, or the 30-day count while the model was at most 30 days old), for the RAM
  (`analysis.ram.AgeCurve`).
- `last_seen`: each model's newest row in a snapshot taken before a moment, for the `jump` flag.
- `oldest_created`: each org's oldest model creation date among the models ever stored.

Each query walks the model index first (CROSS JOIN fixes SQLite's join order, as `Store.series`
does), so it costs the rows of the models asked about, not the whole store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubradar.core.time import from_iso, parse_time, to_iso
from hubradar.store.db import Store

_CHUNK = 500  # ids per query: well under SQLite's bound on parameters
WINDOW_DAYS = 30


def _fetch(store: Store, sql: str, args: list[Any]) -> list[Any]:
    """All rows of one query, through the store's guard."""

    def run(conn: sqlite3.Connection) -> list[Any]:
        return conn.execute(sql, args).fetchall()

    return store.using(run)


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i:i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


def exact_counts(store: Store, model_ids: Sequence[str]) -> list[tuple[str, datetime, datetime, int]]:
    """(model id, created, snapshot time, cumulative downloads) for the rows with an exact count."""
    out: list[tuple[str, datetime, datetime, int]] = []
    for chunk in _chunks(model_ids):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT m.model_id, m.data, s.fetched_at, r.downloads, r.downloads_all_time FROM models m "
            "CROSS JOIN snapshot_rows r ON r.model_ref = m.ref CROSS JOIN snapshots s ON s.id = r.snapshot_id "
            f"WHERE m.model_id IN ({marks}) AND (r.downloads_all_time IS NOT NULL OR r.downloads IS NOT NULL)"
        )
        rows = _fetch(store, sql, list(chunk))
        created_of: dict[str, datetime | None] = {}
        for model_id, data, fetched, downloads, all_time in rows:
            if data not in created_of:
                created_of[data] = parse_time(json.loads(data).get("created_at"))
            created = created_of[data]
            if created is None:
                continue
            at = from_iso(fetched)
            if all_time is not None:
                out.append((model_id, created, at, all_time))
            elif (at - created).total_seconds() <= WINDOW_DAYS * 86400:
                out.append((model_id, created, at, downloads))
    return out


def last_seen(store: Store, model_ids: Sequence[str], before: datetime
              ) -> dict[str, tuple[datetime, int | None, float | None]]:
    """Each model's newest stored (time, downloads, trending score) from a snapshot taken before `before`."""
    out: dict[str, tuple[datetime, int | None, float | None]] = {}
    for chunk in _chunks(model_ids):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT m.model_id, s.fetched_at, r.downloads, r.trending_score FROM models m "
            "CROSS JOIN snapshot_rows r ON r.model_ref = m.ref CROSS JOIN snapshots s ON s.id = r.snapshot_id "
            f"WHERE m.model_id IN ({marks}) AND s.fetched_at < ? ORDER BY s.fetched_at, s.id"
        )
        args = [*chunk, to_iso(before)]
        for model_id, fetched, downloads, trending in _fetch(store, sql, args):
            out[model_id] = (from_iso(fetched), downloads, trending)
    return out


def oldest_created(store: Store, orgs: Sequence[str]) -> dict[str, datetime]:
    """Each org's oldest stored model creation date (orgs without a dated model are left out)."""
    out: dict[str, datetime] = {}
    for org in dict.fromkeys(orgs):
        # `org/` up to `org0` ('/' + 1) is the org's ids, through the model-id index.
        rows = _fetch(store, "SELECT data FROM models WHERE model_id >= ? AND model_id < ?", [org + "/", org + "0"])
        dates = [d for (data,) in rows if (d := parse_time(json.loads(data).get("created_at"))) is not None]
        if dates:
            out[org] = min(dates)
    return out
