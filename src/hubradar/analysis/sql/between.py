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


def pairs_sql(older: str, newer: str, older_at: datetime, where: str = "", *, full: bool = False) -> str:
    """Every model of `newer` with its row of `older` (a table, view or subquery each), as one SELECT.

    Columns: id, task, downloads, previous_downloads (in `older`), likes, trending_score (in `newer`),
    is_new (not in `older`),
    is_gone (in `older` only: only with `full`, which pairs the models of both), downloads_between,
    downloads_basis, likes_gained, trending_change. `where` filters both snapshots (`task = 'x'`).
    """
    filtered = f" WHERE {where}" if where else ""
    fields = "id, task, downloads, downloads_all_time, likes, trending_score"
    # An absent model created after the older snapshot had no downloads then: 0, not unknown.
    zero = f"a.id IS NULL AND b.created_at > {_literal(older_at)}"
    old_all = f"(CASE WHEN {zero} THEN 0 ELSE a.downloads_all_time END)"
    old_window = f"(CASE WHEN {zero} THEN 0 ELSE a.downloads END)"
    downloads, basis = between_sql(old_all, "b.downloads_all_time", old_window, "b.downloads")
    return f"""
        WITH a AS (SELECT {fields} FROM {older}{filtered}),
             b AS (SELECT {fields}, created_at FROM {newer}{filtered})
        SELECT coalesce(b.id, a.id) AS id, b.task, b.downloads, a.downloads AS previous_downloads, b.likes,
               b.trending_score,
               a.id IS NULL AS is_new, b.id IS NULL AS is_gone,
               CASE WHEN b.id IS NOT NULL THEN {downloads} END AS downloads_between,
               CASE WHEN b.id IS NOT NULL THEN {basis} END AS downloads_basis,
               b.likes - a.likes AS likes_gained, b.trending_score - a.trending_score AS trending_change
        FROM b {"FULL" if full else "LEFT"} JOIN a ON a.id = b.id"""


def ranks(con: Connection, snapshot: str, downloads: list[int | None], where: str = "") -> list[int]:
    """The rank in `snapshot` of each 30-day figure of `downloads`: 1 + the models with more (ties
    share a rank; unknown ranks after every known figure).

    Only for the few rows returned, and without sorting the snapshot: one pass over its downloads
    column counts, for each figure, the models above it.
    """
    filtered = f" WHERE {where}" if where else ""
    counts = ["count(downloads)" if d is None else "count(*) FILTER (WHERE downloads > ?)" for d in downloads]
    params = [d for d in downloads if d is not None]
    row = con.execute(f"SELECT {', '.join(counts)} FROM {snapshot}{filtered}", params).fetchone()
    return [1 + int(above) for above in row]


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


PAIR_COLUMNS = ("id", "task", "downloads", "previous_downloads", "likes", "trending_score", "is_new",
                "downloads_between", "downloads_basis", "likes_gained", "trending_change")


@dataclass(frozen=True)
class HubMoverRow:
    """One model between two whole-Hub snapshots. A rank is 1 + the models with more 30-day downloads
    in that snapshot (ties share it); `rank_change` is places gained; `downloads`, `likes` and
    `trending_score` are the newer snapshot's."""

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

    Streaming passes, none sorting a snapshot: the top `limit` pairs (DuckDB's top-N), the totals
    over every model of both (one aggregate over a full join), the ranks of the rows kept.
    """
    key = RANK_BY[sort]
    top = con.execute(f"SELECT {', '.join(PAIR_COLUMNS)} FROM ({pairs_sql(older, newer, older_at, where)}) "
                      f"WHERE {key} IS NOT NULL ORDER BY {key} DESC, id LIMIT {int(limit)}").fetchall()
    row = con.execute(f"""
        SELECT count(*) FILTER (WHERE NOT is_gone), count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_gone),
               count(*) FILTER (WHERE downloads_basis = '{EXACT}'),
               count(*) FILTER (WHERE downloads_basis = '{WINDOW}'),
               count(*) FILTER (WHERE downloads_basis IS NULL AND NOT is_gone),
               sum(downloads_between) FILTER (WHERE downloads_basis = '{EXACT}')
        FROM ({pairs_sql(older, newer, older_at, where, full=True)})""").fetchone()
    pairs = [dict(zip(PAIR_COLUMNS, r, strict=True)) for r in top]
    now = ranks(con, newer, [p["downloads"] for p in pairs], where) if pairs else []
    olds = [p for p in pairs if not p["is_new"]]
    was = dict(zip([p["id"] for p in olds], ranks(con, older, [p["previous_downloads"] for p in olds], where)
                   if olds else [], strict=True))
    models, new, gone, exact, window, unknown, total = row
    totals = Totals(int(models), int(new), int(gone), int(exact), int(window), int(unknown),
                    None if total is None else int(total))
    return [HubMoverRow.of(p | {"rank": rank, "previous_rank": was.get(p["id"])})
            for p, rank in zip(pairs, now, strict=True)], totals
