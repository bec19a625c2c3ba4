"""Movers across whole-Hub snapshots: the latest snapshot against the one at or just before a moment.

    from hubradar.app.hub_movers import hub_movers
    result = hub_movers(since=None)          # the latest against the previous snapshot
    [(r.id, r.downloads_between, r.downloads_basis) for r in result.rows]

The models that gained the most downloads (or likes, or trending score) between the two, counted
by analysis/sql/between.py in DuckDB over the two Parquet files: 2M models are paired and ranked
there, and only the top `limit` rows and the totals come back.

`since` is a duration back from the newest snapshot (as `movers` counts it), a day (its last
snapshot, else the one before) or a moment; None is the snapshot before the newest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hubradar.analysis.sql.between import RANK_BY, HubMoverRow, Totals, movers, row_bases
from hubradar.core.errors import NotEnoughHistory, UsageError, param
from hubradar.core.time import Since, resolve_since
from hubradar.core.vocabulary import check
from hubradar.store import parquet

HOW_TO_SNAPSHOT = "take one with `hubradar crawl`, or import a dump with `hubradar import FILE.parquet --at DATE`"


@dataclass(frozen=True)
class HubMovers:
    """What `hubradar movers --whole-hub` shows."""

    older: parquet.SnapshotFile
    newer: parquet.SnapshotFile
    sort: str
    task: str | None
    rows: list[HubMoverRow]
    totals: Totals

    def basis_counts(self) -> dict[str, int]:
        """How the rows shown counted their downloads between (exact, 30-day window, unknown)."""
        return row_bases(self.rows)


def pick(snapshots: list[parquet.SnapshotFile], since: Since | None,
         cache_dir: Path | None = None) -> tuple[parquet.SnapshotFile, parquet.SnapshotFile]:
    """(older, newer): the newest snapshot and the one at or just before `since` (default: the one before)."""
    where = parquet.snapshots_dir(cache_dir)
    if len(snapshots) < 2:
        held = (f"only one, of {snapshots[0].taken_at:%Y-%m-%d %H:%M} UTC" if snapshots else "none")
        raise NotEnoughHistory(f"whole-Hub movers compare two snapshots and {where} holds {held}: {HOW_TO_SNAPSHOT}")
    newer = snapshots[-1]
    if since is None:
        return snapshots[-2], newer
    moment: datetime | date = since if isinstance(since, date) else resolve_since(since, newer.taken_at)
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    before = [s for s in snapshots[:-1] if s.taken_at <= _end(moment)]
    if not before:
        asked = f"{moment:%Y-%m-%d}" if not isinstance(moment, datetime) else f"{moment:%Y-%m-%d %H:%M} UTC"
        raise NotEnoughHistory(f"no whole-Hub snapshot at or before {asked} other than the newest; the oldest is of "
                               f"{snapshots[0].taken_at:%Y-%m-%d %H:%M} UTC")
    return before[-1], newer


def _end(moment: datetime | date) -> datetime:
    """A moment as the catalogue reads it (parquet.at's rule): a day runs to its end."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0), tzinfo=UTC) + timedelta(days=1) - timedelta(microseconds=1)


def _where(task: str | None) -> str:
    return "" if task is None else "task = '" + task.replace("'", "''") + "'"


def hub_movers(*, since: Since | None = None, task: str | None = None, sort: str = "downloads", limit: int = 20,
               group: str | None = None, cache_dir: Path | None = None,
               memory_limit: str | None = parquet.MEMORY_LIMIT) -> HubMovers:
    """The `limit` models that gained most between two whole-Hub snapshots, and the totals of all."""
    check(sort, dict.fromkeys(RANK_BY), "sort")
    if group is not None:
        raise UsageError(f"{param('group')} is not available across whole-Hub snapshots: their movers are models")
    if limit < 1:
        raise UsageError(f"{param('limit')} must be at least 1")
    older, newer = pick(parquet.list_snapshots(cache_dir), since, cache_dir)
    con = parquet.connect(memory_limit=memory_limit)
    try:
        con.execute(f"SET temp_directory = {parquet.sql_path(parquet.hub_dir(cache_dir) / 'duckdb-tmp')}")
        con.execute("SET preserve_insertion_order = false")
        parquet.create_view(con, "hub_older", older)
        parquet.create_view(con, "hub_newer", newer)
        rows, totals = movers(con, "hub_older", "hub_newer", older.taken_at, sort=sort, limit=limit,
                              where=_where(task))
    finally:
        con.close()
    return HubMovers(older, newer, sort, task, rows, totals)
