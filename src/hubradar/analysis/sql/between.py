"""Downloads between two whole-Hub snapshots in DuckDB SQL: analysis/between.py's rule, set-based.

The same definition as `analysis.between.records_between` (a test holds them equal on generated
pairs): the difference of `downloads_all_time` where both snapshots know it ("exact"), else the
difference of the 30-day `downloads` ("30-day window"); a model absent from the older snapshot and
created after it was taken counts 0 there; otherwise unknown (NULL).

`pairs_sql` pairs every model of the newer snapshot with its row in the older one; `movers` ranks
those pairs in DuckDB and brings back only the top few and the totals, never 2M rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from hubradar.analysis.between import EXACT, WINDOW, Basis, basis_counts
from hubradar.analysis.sql.lineage import Connection
from hubradar.core.time import to_iso

# What whole-Hub movers can rank by: the SQL of each (a column of `pairs_sql`).
RANK_BY = {"downloads": "downloads_between", "likes": "likes_gained", "trending": "trending_change"}


def between_sql(old_all: str, new_all: str, old_window: str, new_window: str) -> tuple[str, str]:
    """(downloads, basis): the SQL of `analysis.between.downloads_between` over four column expressions."""
    exact = f"{old_all} IS NOT NULL AND {new_all} IS NOT NULL"
    window = f"{old_window} IS NOT NULL AND {new_window} IS NOT NULL"
    downloads = (f"CASE WHEN {exact} THEN {new_all} - {old_all} "
                 f"WHEN {window} THEN {new_window} - {old_window} END")
    basis = f"CASE WHEN {exact} THEN '{EXACT}' WHEN {window} THEN '{WINDOW}' END"
    return downloads, basis


def _literal(moment: datetime) -> str:
    return f"TIMESTAMPTZ '{to_iso(moment)}'"


def pairs_sql(older: str, newer: str, older_at: datetime, where: str = "") -> str:
    """Every model of `newer` with its row of `older` (a table, view or subquery each), as one SELECT.

    Columns: id, task, rank and previous_rank (by 30-day downloads in each snapshot, unknown last,
    ties by id), downloads, likes, trending_score (in `newer`), is_new (not in `older`),
    downloads_between, downloads_basis, likes_gained, trending_change. `where` filters both
    snapshots (`task = 'x'`) before ranking.
    """
    filtered = f" WHERE {where}" if where else ""
    rank = "row_number() OVER (ORDER BY downloads DESC NULLS LAST, id)"
    fields = "id, task, downloads, downloads_all_time, likes, trending_score"
    # An absent model created after the older snapshot had no downloads then: 0, not unknown.
    zero = f"a.id IS NULL AND b.created_at > {_literal(older_at)}"
    old_all = f"(CASE WHEN {zero} THEN 0 ELSE a.downloads_all_time END)"
    old_window = f"(CASE WHEN {zero} THEN 0 ELSE a.downloads END)"
    downloads, basis = between_sql(old_all, "b.downloads_all_time", old_window, "b.downloads")
    return f"""
        WITH a AS (SELECT {fields}, {rank} AS rank FROM {older}{filtered}),
             b AS (SELECT {fields}, created_at, {rank} AS rank FROM {newer}{filtered})
        SELECT b.id, b.task, b.rank, a.rank AS previous_rank, b.downloads, b.likes, b.trending_score,
               a.id IS NULL AS is_new, {downloads} AS downloads_between, {basis} AS downloads_basis,
               b.likes - a.likes AS likes_gained, b.trending_score - a.trending_score AS trending_change
        FROM b LEFT JOIN a ON a.id = b.id"""


@dataclass(frozen=True)
class Totals:
    """What the two snapshots hold, compared: models, new and gone, each basis, the exact sum."""

    models: int  # in the newer snapshot (after the filter)
    new: int
    gone: int  # in the older snapshot, not in the newer
    exact: int
    window: int
    unknown: int
    exact_downloads: int | None  # the sum of the exact figures


PAIR_COLUMNS = ("id", "task", "rank", "previous_rank", "downloads", "likes", "trending_score", "is_new",
                "downloads_between", "downloads_basis", "likes_gained", "trending_change")


@dataclass(frozen=True)
class HubMoverRow:
    """One model between two whole-Hub snapshots. Ranks are by 30-day downloads in each snapshot;
    `rank_change` is places gained; `downloads`, `likes`, `trending_score` are the newer snapshot's."""

    id: str
    status: str  # "new" (not in the older snapshot) or "moved"
    rank: int
    previous_rank: int | None
    rank_change: int | None
    downloads_between: int | None
    downloads_basis: Basis | None
    likes_gained: int | None
    trending_change: float | None
    downloads: int | None
    likes: int | None
    trending_score: float | None
    task: str | None

    @classmethod
    def of(cls, pair: dict[str, Any]) -> HubMoverRow:
        rank, previous = pair["rank"], pair["previous_rank"]
        return cls(id=pair["id"], status="new" if pair["is_new"] else "moved", rank=rank, previous_rank=previous,
                   rank_change=None if previous is None else previous - rank,
                   downloads_between=pair["downloads_between"], downloads_basis=pair["downloads_basis"],
                   likes_gained=pair["likes_gained"], trending_change=pair["trending_change"],
                   downloads=pair["downloads"], likes=pair["likes"], trending_score=pair["trending_score"],
                   task=pair["task"])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def row_bases(rows: list[HubMoverRow]) -> dict[str, int]:
    return basis_counts([r.downloads_basis for r in rows])


def movers(con: Connection, older: str, newer: str, older_at: datetime, *, sort: str = "downloads",
           limit: int = 20, where: str = "") -> tuple[list[HubMoverRow], Totals]:
    """The `limit` models that gained most (`sort`: downloads, likes or trending) and the totals.

    The pairs are made once into a temporary table, then ranked and counted there.
    """
    key = RANK_BY[sort]
    con.execute(f"CREATE OR REPLACE TEMP TABLE hub_pairs AS {pairs_sql(older, newer, older_at, where)}")
    try:
        top = con.execute(f"SELECT {', '.join(PAIR_COLUMNS)} FROM hub_pairs WHERE {key} IS NOT NULL "
                          f"ORDER BY {key} DESC, id LIMIT {int(limit)}").fetchall()
        row = con.execute(f"""
            SELECT count(*), count(*) FILTER (WHERE is_new),
                   count(*) FILTER (WHERE downloads_basis = '{EXACT}'),
                   count(*) FILTER (WHERE downloads_basis = '{WINDOW}'),
                   count(*) FILTER (WHERE downloads_basis IS NULL),
                   sum(downloads_between) FILTER (WHERE downloads_basis = '{EXACT}')
            FROM hub_pairs""").fetchone()
        filtered = f" WHERE {where}" if where else ""
        gone = con.execute(f"SELECT count(*) FROM (SELECT id FROM {older}{filtered}) a "
                           "WHERE NOT EXISTS (SELECT 1 FROM hub_pairs p WHERE p.id = a.id)").fetchone()
    finally:
        con.execute("DROP TABLE IF EXISTS hub_pairs")
    models, new, exact, window, unknown, total = row
    totals = Totals(int(models), int(new), int(gone[0]), int(exact), int(window), int(unknown),
                    None if total is None else int(total))
    return [HubMoverRow.of(dict(zip(PAIR_COLUMNS, r, strict=True))) for r in top], totals
