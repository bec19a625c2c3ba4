"""Views of history: movers, a model's series, and the cache summary, in every output format.

Tables and Markdown get what a person reads (the biggest risers and fallers; a summary with
sparklines and the latest points); JSON and CSV get every row with raw numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubradar.analysis.between import EXACT, describe_bases
from hubradar.analysis.movers import Movers
from hubradar.analysis.series import Series
from hubradar.app.cache import CacheSummary, Pruned
from hubradar.core.query import ListingQuery, listing_name
from hubradar.core.time import to_iso
from hubradar.core.units import count_of, human_count, human_duration
from hubradar.core.vocabulary import SORTS
from hubradar.views.view import Column, OutputFormat, View


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def describe_gap(older: datetime, newer: datetime) -> str:
    """`7d apart`, `3h apart`: the distance between two snapshots, as notices say it."""
    return f"{human_duration(newer - older)} apart"


def _query_meta(query: ListingQuery) -> dict[str, Any]:
    return {k: v for k, v in query.describe().items() if k != "limit"}


# --- movers -----------------------------------------------------------------------------------

MOVER_COLUMNS = [
    Column("rank", "#", "int"),
    Column("rank_change", "±", "delta"),
    Column("id", "model", "id"),
    Column("previous_rank", "was", "int", priority=3),
    Column("downloads_change", "downloads ±", "delta"),
    Column("likes_gained", "likes +", "delta", priority=2),
    Column("trending_change", "trending ±", "delta", priority=1),
]
# New entrants and drop-outs have one side only: their numbers in the snapshot that ranks them.
PRESENT_COLUMNS = [
    *MOVER_COLUMNS[:4],
    Column("downloads", "downloads", "count"),
    Column("likes", "likes", "count", priority=2),
    Column("trending_score", "trending", "score", priority=1),
]
MOVER_KEYS = ["id", "status", "rank", "previous_rank", "rank_change", "likes_gained", "downloads_change",
              "downloads_basis", "trending_change", "downloads", "likes", "trending_score", "members"]
# Shown beside `downloads ±` when the rows do not all share one basis (exact, or the 30-day window).
BASIS_COLUMN = Column("downloads_basis", "basis", "text", priority=2)


def with_basis(columns: list[Column]) -> list[Column]:
    """The columns with the basis right after the downloads change."""
    at = next(i for i, c in enumerate(columns) if c.key in ("downloads_change", "downloads")) + 1
    return [*columns[:at], BASIS_COLUMN, *columns[at:]]


def movers_meta(result: Movers) -> dict[str, Any]:
    return {
        "from": to_iso(result.older.fetched_at),
        "to": to_iso(result.newer.fetched_at),
        "query": _query_meta(result.query),
        "compared_ranks": result.depth,
        "group": result.group,
        "downloads_basis": result.basis_counts(),
    }


def movers_summary(result: Movers) -> str:
    """Which two snapshots, how far apart, what was compared, and the counts."""
    counts = {status: sum(r.status == status for r in result.rows) for status in ("new", "dropped", "moved")}
    unit = count_of(result.depth, "family", "families") if result.group else count_of(result.depth, "model")
    derived = f", filtered from {listing_name(ListingQuery(sort=result.query.sort))}" if result.derived else ""
    return (
        f"{when(result.older.fetched_at)} → {when(result.newer.fetched_at)} UTC "
        f"({describe_gap(result.older.fetched_at, result.newer.fetched_at)}): top {unit} by "
        f"{SORTS[result.query.sort].words}{derived}; {counts['new']} new, {counts['dropped']} dropped, "
        f"{counts['moved']} in both; ± is places gained, - where a side is not known; new and dropped rows "
        f"show their numbers in the snapshot that ranks them; downloads ± is {describe_bases(result.basis_counts())}"
    )


def movers_view(result: Movers, fmt: OutputFormat, limit: int) -> View:
    """JSON/CSV: every row. Table/Markdown: the `limit` biggest of each kind of change, in sections."""
    meta = movers_meta(result)
    if fmt in (OutputFormat.json, OutputFormat.csv):
        return View(MOVER_COLUMNS, [r.to_dict() for r in result.rows], meta=meta, csv_keys=MOVER_KEYS)
    top = f"the top {result.depth}"
    names = {"rising": "Rising", "new": f"New in {top}", "falling": "Falling", "dropped": f"Dropped out of {top}"}
    # New entrants and drop-outs show their numbers at the snapshot where they were present.
    columns = {"rising": MOVER_COLUMNS, "new": PRESENT_COLUMNS, "falling": MOVER_COLUMNS, "dropped": PRESENT_COLUMNS}
    if len({r.downloads_basis for r in result.rows if r.downloads_basis}) > 1:  # mixed: say which row is which
        columns = {kind: with_basis(cols) if cols is MOVER_COLUMNS else cols for kind, cols in columns.items()}
    sections = [View(columns[kind], [r.to_dict() for r in rows[:limit]], title=names[kind])
                for kind, rows in result.by_change() if rows]
    if not sections:
        sections = [View(MOVER_COLUMNS, [], empty_message="No changes: the two snapshots rank the same models alike.")]
    head, *rest = sections
    families = " (families)" if result.group else ""
    head.meta = meta
    head.title = f"{head.title or 'Movers'} — {listing_name(result.query)}{families}"
    sections[-1].notes = [movers_summary(result)]
    head.extra_sections = rest
    return head


# --- a model's series -------------------------------------------------------------------------

SUMMARY_COLUMNS = [
    Column("metric", "", "text"),
    Column("first", "first", "count"),
    Column("last", "last", "count"),
    Column("change", "change", "delta"),
    Column("low", "min", "count", priority=2),
    Column("high", "max", "count", priority=2),
    Column("trend", "trend", "spark", priority=1),
]
_METRICS = (("rank", "rank"), ("downloads", "downloads (30d)"), ("downloads_all_time", "downloads (all time)"),
            ("likes", "likes"), ("trending_score", "trending"))


def _values(series: Series, key: str) -> list[float | None]:
    return [getattr(p, key) if p.listed else None for p in series.points]


def _summary_row(series: Series, key: str, name: str) -> dict[str, Any] | None:
    values = _values(series, key)
    known = [v for v in values if v is not None]
    if not known:
        return None
    first, last = known[0], known[-1]
    change = first - last if key == "rank" else last - first  # rank: places gained, as in movers
    return {"metric": name, "first": first, "last": last, "change": change, "low": min(known), "high": max(known),
            "trend": [None if v is None else -v for v in values] if key == "rank" else values}  # #1 on top


def series_rows(series: Series) -> list[dict[str, Any]]:
    """The JSON/CSV rows: one per snapshot; numbers are None where the model was not listed.

    `downloads_since_previous` is the downloads since the previous snapshot listing it
    (analysis.between), `downloads_basis` how they were counted.
    """
    rank_key = "best_rank" if series.group else "rank"
    rows = []
    for p, since in zip(series.points, series.since_previous(), strict=True):
        row: dict[str, Any] = {"fetched_at": to_iso(p.fetched_at), rank_key: p.rank}
        if series.group:
            row["listed"] = p.listed
        row |= {"downloads": p.downloads, "downloads_all_time": p.downloads_all_time,
                "downloads_since_previous": since.downloads, "downloads_basis": since.basis,
                "likes": p.likes, "trending_score": p.trending_score}
        rows.append(row)
    return rows


def between_note(series: Series) -> str | None:
    """`1,234,567 downloads between the first and the last (exact: all-time downloads differenced)`."""
    found = series.downloads_between()
    if found.downloads is None:
        return None
    how = ("exact: all-time downloads differenced" if found.basis == EXACT
           else "the change in 30-day downloads: the snapshots lack all-time downloads")
    return f"downloads between the first and the last: {found.downloads:+,} ({how})"


def series_meta(series: Series) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": series.id, "query": _query_meta(series.query), "group": series.group}
    found = series.downloads_between()
    meta |= {"downloads_between": found.downloads, "downloads_basis": found.basis}
    if series.group:
        meta["members"] = list(series.members)
    if series.points:
        meta |= {"from": to_iso(series.points[0].fetched_at), "to": to_iso(series.points[-1].fetched_at)}
    return meta


def series_view(series: Series, fmt: OutputFormat, limit: int) -> View:
    rank_key, rank_name = ("best_rank", "best #") if series.group else ("rank", "#")
    point_columns = [
        Column("when", "snapshot (UTC)", "text"),
        Column(rank_key, rank_name, "int"),
        *([Column("listed", "listed", "int", priority=1)] if series.group else []),
        Column("downloads", "downloads", "count"),
        Column("downloads_since_previous", "downloads +", "delta", priority=1),
        Column("downloads_basis", "basis", "text", priority=2),
        Column("likes", "likes", "count"),
        Column("trending_score", "trending", "score", priority=1),
    ]
    rows = series_rows(series)
    meta = series_meta(series)
    if fmt in (OutputFormat.json, OutputFormat.csv):
        return View(point_columns, rows, meta=meta)
    metrics = [(k, "best rank" if k == "rank" and series.group else name) for k, name in _METRICS]
    summary = [row for key, name in metrics if (row := _summary_row(series, key, name))]
    shown = [dict(r, when=when(p.fetched_at)) for r, p in zip(rows, series.points, strict=True)][-limit:]
    listed = len(series.listed_points)
    size = len(series.members)
    what = f"the {series.id} family ({count_of(size, 'model')})" if series.group else series.id
    notes = [
        f"{listed} of {count_of(len(series.points), 'snapshot')} of {listing_name(series.query)} list it, "
        f"{when(series.points[0].fetched_at)} → {when(series.points[-1].fetched_at)} UTC; "
        "rank change is places gained"
    ]
    if (between := between_note(series)) is not None:
        notes.append(between + "; downloads + is since the previous snapshot listing it")
    if series.group:
        notes.append("family numbers are the members' sums; best rank is the best-placed member's")
    recent = View(point_columns, shown, title=f"Latest {count_of(len(shown), 'snapshot')}", notes=[])
    return View(SUMMARY_COLUMNS, summary, meta=meta, title=f"History of {what}", notes=notes,
                extra_sections=[recent])


@dataclass(frozen=True)
class Chart:
    """One terminal chart of a series: what `render.charts.plot` draws."""

    title: str
    times: list[datetime]
    values: list[float | None]
    label: Callable[[float], str]
    invert: bool = False  # rank: #1 at the top


def series_charts(series: Series) -> list[Chart]:
    """A chart of each known metric (rank drawn with #1 at the top)."""
    times = [p.fetched_at for p in series.points]
    charts = []
    for key, name in _METRICS:
        values = _values(series, key)
        if any(v is not None for v in values):
            title = f"{name} — {series.id}" + (" (family)" if series.group else "")
            label = (lambda v: f"#{v:.0f}") if key == "rank" else human_count
            charts.append(Chart(title, times, values, label, invert=key == "rank"))
    return charts


# --- the cache --------------------------------------------------------------------------------

CACHE_COLUMNS = [
    Column("query", "listing", "text"),
    Column("snapshots", "snapshots", "int"),
    Column("oldest", "oldest (UTC)", "text"),
    Column("newest", "newest (UTC)", "text"),
    Column("rows", "deepest", "int", priority=1),
]


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def cache_view(summary: CacheSummary, fmt: OutputFormat) -> View:
    meta = {
        "path": str(summary.path),
        "size_bytes": summary.size_bytes,
        "snapshots": summary.snapshots,
        "models": summary.models,
        "oldest": to_iso(summary.oldest) if summary.oldest else None,
        "newest": to_iso(summary.newest) if summary.newest else None,
    }
    raw = fmt in (OutputFormat.json, OutputFormat.csv)
    rows = [
        {
            "query": q.label,
            "snapshots": q.snapshots,
            "oldest": to_iso(q.oldest) if raw else when(q.oldest),
            "newest": to_iso(q.newest) if raw else when(q.newest),
            "rows": q.rows,
        }
        for q in summary.queries
    ]
    span = (f"; oldest {when(summary.oldest)}, newest {when(summary.newest)} UTC"
            if summary.oldest and summary.newest else "")
    notes = [
        f"{summary.path}: {human_bytes(summary.size_bytes)}, {count_of(summary.snapshots, 'snapshot')} of "
        f"{count_of(len(summary.queries), 'listing')}, {count_of(summary.models, 'model')}{span}"
    ]
    return View(CACHE_COLUMNS, rows, meta=meta, notes=notes, empty_message="No snapshots stored yet.")


def pruned_message(result: Pruned) -> str:
    freed = result.size_before - result.size_after
    if not result.removed:
        after = "nothing to do"
    elif result.compacted:
        after = f"{human_bytes(result.size_after)} now ({human_bytes(max(0, freed))} freed)"
    else:
        after = f"{human_bytes(result.size_after)}; new snapshots will reuse the space"
    return f"removed {count_of(result.removed, 'snapshot')} taken before {when(result.cutoff)} UTC; {after}"
