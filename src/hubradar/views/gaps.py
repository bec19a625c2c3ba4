"""What `gaps` shows: the matched rows by gap, the unmatched rows, the notes, and the quadrant scatter."""

from __future__ import annotations

from typing import Any

from hubradar.analysis.gaps import CONSENSUS, NEITHER, OPPORTUNITY, UNCERTAIN, WARNING, GapRow
from hubradar.app.gaps import POOL_DEPTH, GapReport
from hubradar.core.time import to_iso
from hubradar.core.units import human_count
from hubradar.core.vocabulary import ADOPTION
from hubradar.views.chart import Point, Quadrants, ScatterPlot
from hubradar.views.view import Column, View

LABEL_STYLES = {OPPORTUNITY: "bold green", WARNING: "bold red", UNCERTAIN: "yellow", NEITHER: "dim"}


def gaps_meta(report: GapReport) -> dict[str, Any]:
    sheet, listing = report.sheet, report.listing
    return {
        "source": listing.source,
        "fetched_at": to_iso(listing.fetched_at),
        "query": {k: v for k, v in listing.query.describe().items() if k != "limit"} | {"depth": POOL_DEPTH},
        "listed": len(listing.pool),  # the models the adoption listing had (the bundled snapshot has fewer)
        "scores": {
            "file": str(sheet.path),
            "rows": len(sheet.rows),
            "matched": len(report.rows),
            "unmatched": len(report.unmatched),
            "model_column": sheet.model_col,
            "score_column": sheet.score_col,
            "tasks_column": sheet.n_col,
            "cost_column": sheet.cost_col,
            "scale": sheet.scale,
            "scale_reason": sheet.scale_reason,
        },
        "adoption": report.kind,
        "median_score": report.median_score,
        "median_adoption": report.median_adoption,
        "lookups": {"fetched": report.lookups.fetched, "cached": report.lookups.cached,
                    "failed": sorted(report.lookups.failed)},
    }


GAP_KEYS = ["model", "id", "match", "score", "quality_pct", "downloads", "adoption", "adoption_pct", "label", "gap",
            "named", "n", "interval", "cost", "likes", "trending_score", "own_downloads", "family_size", "task",
            "line"]


ID_SHORTEST = 30  # a model id keeps this many characters at 80 columns: `Qwen/Qwen…-Instruct` could be several models


def _columns(report: GapReport) -> list[Column]:
    """The matched rows' columns. The 95% interval gives way first (the label says "uncertain" where it
    matters), then the percentiles (the gap is their difference; score and family downloads
    say the same in numbers a reader knows); the match stays."""
    sheet = report.sheet
    columns = [
        Column("gap", "gap", "pct"),
        Column("label", "label", "text", styles=LABEL_STYLES),
        Column("id", "model (family base)", "id", shortest=ID_SHORTEST),
        Column("model", "as written", "text", priority=3),
        Column("match", "match", "text", priority=1),
        Column("score", "score", "ratio"),
    ]
    if sheet.n_col:
        columns.append(Column("interval", "95% CI", "interval", priority=3))
    columns += [
        Column("quality_pct", "quality", "pct", priority=2),
        Column("downloads", "family dl", "count", priority=0 if report.kind == "downloads" else 3, wrap=True),
    ]
    if report.kind != "downloads":
        columns.append(Column("adoption", "base RAM" if report.kind == "ram" else f"family {report.kind}",
                              "multiple" if report.kind == "ram" else "count", wrap=True))
    columns += [
        Column("adoption_pct", "adoption", "pct", priority=2),
        Column("likes", "likes", "count", priority=4),
        Column("trending_score", "trending", "score", priority=5),
    ]
    if sheet.cost_col:
        columns.append(Column("cost", "cost", "int", priority=4))
    return columns


def _names(rows: list[GapRow], label: str) -> str:
    return ", ".join(g.id for g in rows if g.label == label)


def gaps_notes(report: GapReport) -> list[str]:
    sheet = report.sheet
    notes = []
    if report.rows:
        notes.append(f"{len(report.rows)} of {len(sheet.rows)} rows matched. quality and adoption are percentiles "
                     f"among them (50 = median); adoption is {ADOPTION[report.kind].words}; gap = quality − adoption")
    for label, text in ((OPPORTUNITY, "Opportunities (measured at or above the median, adopted below it)"),
                        (WARNING, "Warnings (adopted at or above the median, measured below it)")):
        names = _names(report.rows, label)
        if names:
            notes.append(f"{text}: {names}")
    if any(g.label == UNCERTAIN for g in report.rows):
        notes.append("uncertain: the 95% interval of the score includes the median score, too few tasks to tell")
    source = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
    listed = len(report.listing.pool)  # what was compared against: fewer than asked when the answer had fewer
    what = f"the {listed:,} most downloaded" + (f" {report.task}" if report.task else "") + (
        " model" if listed == 1 else " models")
    looked = report.lookups.fetched + report.lookups.cached
    notes.append(f"Adoption from {what}, {source[report.listing.source]} "
                 f"({report.listing.fetched_at:%Y-%m-%d %H:%M} UTC)"
                 + (f", and {looked} looked up one by one" if looked else ""))
    return notes


def unmatched_view(report: GapReport) -> View:
    rows = [u.to_dict() | {"closest": u.suggestions[0] if u.suggestions else None} for u in report.unmatched]
    return View(
        columns=[Column("line", "line", "int"), Column("model", "as written", "text", wrap=True),
                 Column("reason", "why", "text", wrap=True),
                 # a suggestion, not the row's subject: it gives way to the reason before the usual 30
                 Column("closest", "closest Hub id", "id", shortest=24)],
        rows=rows,
        meta={"unmatched": [u.to_dict() for u in report.unmatched]},
        title=f"Unmatched rows ({len(report.unmatched)})",
        notes=["Write the Hub id (org/name) to match a row; json lists every suggestion"] if rows else [],
        empty_message="Every row matched a Hub model.",
    )


def gaps_view(report: GapReport) -> View:
    """The matched rows sorted by gap, with the unmatched rows as a second section."""
    return View(
        columns=_columns(report),
        rows=[g.to_dict() for g in report.rows],
        meta=gaps_meta(report),
        title=f"Measured quality vs Hub adoption: {report.sheet.path.name}",
        notes=gaps_notes(report),
        csv_keys=GAP_KEYS,
        empty_message=f"None of the {len(report.sheet.rows)} rows matched a Hub model.",
        extra_sections=[unmatched_view(report)],
    )


# --- the scatter ----------------------------------------------------------------------------

MARKERS = "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
EXTRA_MARKER = "•"
PLOT_AXES = {"downloads": "family downloads, last 30 days", "derivatives": "family derivatives",
             "providers": "live inference providers of the family",
             "ram": "the family base's relative adoption (RAM)"}


def _amount(value: float | None, kind: str) -> str:
    if kind == "ram" and value is not None:
        return f"RAM {value:.2g}"
    return human_count(value)


def gaps_scatter(report: GapReport) -> tuple[ScatterPlot, list[str]] | None:
    """Quality (score) against log adoption with quadrant lines at the medians, and a legend.

    One plot for both outputs: `render.scatter.Scatter.of` draws it in a terminal, the report's
    page as SVG (where the opportunities and warnings are highlighted and named).
    """
    rows = [g for g in report.rows if g.adoption is not None]
    if not rows or report.median_adoption is None or report.median_score is None:
        return None
    points, legend = [], []
    for i, g in enumerate(rows):
        marker = MARKERS[i] if i < len(MARKERS) else EXTRA_MARKER
        points.append(Point(float(g.adoption or 0), g.row.score, g.id, highlight=g.label in (OPPORTUNITY, WARNING),
                            marker=marker, style=LABEL_STYLES.get(g.label, "")))
        if i < len(MARKERS):
            legend.append(f"{marker} {g.id} ({g.label}, {g.row.score * 100:.1f}%, {_amount(g.adoption, report.kind)})")
    plot = ScatterPlot(
        points,
        x_title=PLOT_AXES[report.kind],
        y_title=f"score ({report.sheet.score_col})",
        x_split=report.median_adoption,
        y_split=report.median_score,
        quadrants=Quadrants(OPPORTUNITY, CONSENSUS, NEITHER, WARNING),
    )
    return plot, legend
