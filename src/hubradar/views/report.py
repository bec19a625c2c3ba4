"""What the radar page shows, section by section, for HTML and Markdown alike.

`radar_content` turns the data `app.report.radar` gathered into views: the ranked tables as the
terminal shows them (trimmed for a page), the families' shares, the movers tables with each
model's rank series, the gaps table with its plot and unmatched rows, and the flags' legend.
`render.html` draws them; it sees only this module's types, never the app's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from hubradar.analysis.flags import LEGEND
from hubradar.app.gaps import GapReport
from hubradar.app.groups import Grouped
from hubradar.app.history import HOW_TO_RECORD
from hubradar.app.report import Radar, RankHistory
from hubradar.app.state import HubState
from hubradar.core.listing import Listing, Source
from hubradar.views.chart import ScatterPlot
from hubradar.views.gaps import gaps_notes, gaps_scatter, gaps_view
from hubradar.views.history import movers_summary, movers_view
from hubradar.views.listing import listing_view
from hubradar.views.state import headline, state_sections
from hubradar.views.view import Column, OutputFormat, View

NO_HISTORY = f"Movers appear once two snapshots of the downloads listing are stored: {HOW_TO_RECORD}."
SIGNAL_COLUMNS = frozenset({"trending_score", "downloads", "likes"})
NARROW_HIDDEN_GAPS = frozenset({"quality_pct", "adoption_pct"})  # hidden below laptop widths (p3)
FAMILY_BARS = 10


@dataclass(frozen=True)
class Ranked:
    """One ranked table: the listing's rows, `metric` the column it is ranked by."""

    listing: Listing
    view: View
    metric: str
    unknown: list[str]  # headers of the columns left out because every row leaves them unknown

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(f for row in self.view.rows for f in row.get("flags", ()))


@dataclass(frozen=True)
class FamilyShare:
    key: str  # the family's base model
    share: float  # of the downloads listed, 0..1
    downloads: int
    repos: int


@dataclass(frozen=True)
class Families:
    """The largest families' shares of a deep downloads listing (re-uploads rolled up)."""

    listing: Listing
    shares: list[FamilyShare]
    count: int  # families found
    pool: int  # models grouped
    concentration: dict[int, float | None]  # top n -> their share


@dataclass(frozen=True)
class MoverTables:
    """Rising, new, falling and dropped (the tables `hubradar movers` shows), with rank series."""

    views: list[View]
    times: list[datetime]
    ranks: dict[str, list[int | None]]
    summary: str


@dataclass(frozen=True)
class UnmatchedRow:
    model: str  # as written in the file
    line: int
    reason: str
    suggestions: list[str]


@dataclass(frozen=True)
class Gaps:
    """`hubradar gaps` on the page: the rows by gap, the notes, the plot, the rows that did not match."""

    view: View
    notes: list[str]
    plot: ScatterPlot | None
    legend: list[str]  # the terminal plot's markers
    unmatched: list[UnmatchedRow]
    sheet: str  # how the file was read
    file_name: str
    score_col: str
    source: Source  # where the adoption numbers came from


@dataclass(frozen=True)
class HubFigures:
    """The State of the Hub from the latest whole-Hub snapshot: the headline figures and the top families."""

    headline: View
    families: View
    source: str  # which snapshot, taken when


HUB_FIGURES = ("models", "downloads", "top_200_share", "gini", "median_downloads", "share_below_200",
               "weighted_mean_params", "weighted_median_params")


def hub_figures(state: HubState) -> HubFigures:
    rows = [r for r in headline(state) if r["key"] in HUB_FIGURES]
    view = View(columns=[Column("figure", "figure", "text"), Column("shown", "value", "text")], rows=rows)
    families = state_sections(state)[0]
    taken = f"{state.taken_at:%Y-%m-%d %H:%M} UTC"
    source = (f"whole-Hub snapshot of {taken} ({state.metadata.get('source') or 'snapshot'}, "
              f"{state.distribution.models:,} models); every figure: hubradar state")
    return HubFigures(view, replace(families, title=None), source)


@dataclass(frozen=True)
class RadarContent:
    generated_at: datetime
    trending: Ranked
    tops: list[Ranked]
    families: Families | None = None
    movers: MoverTables | None = None
    gaps: Gaps | None = None
    hub: HubFigures | None = None
    notes: list[str] = field(default_factory=list)  # one line each under the page's heading
    legend: Mapping[str, str] = field(default_factory=lambda: dict(LEGEND))  # flag -> what it means


def without_empty_columns(view: View) -> tuple[View, list[str]]:
    """Drop optional columns (priority > 0) with nothing in any row; the headers of those unknown throughout.

    A column of dashes says nothing a sentence cannot, and takes the room model ids need.
    """
    def empty(col: Column) -> bool:
        return all(row.get(col.key) in (None, "", [], ()) for row in view.rows)

    dropped = [c for c in view.columns if c.priority and view.rows and empty(c)]
    unknown = [c.header for c in dropped if c.kind != "list"]  # an empty list is "none", not unknown
    return replace(view, columns=[c for c in view.columns if c not in dropped]), unknown


def ranked(listing: Listing, generated_at: datetime, *, metric: str) -> Ranked:
    """The terminal's listing view (flags included); `metric` (what ranks it) is never hidden."""
    view = listing_view(listing)
    for row in view.rows:
        # `unknown-size` would repeat what the params column's "–" already says on each such row.
        row["flags"] = [f for f in row["flags"] if f != "unknown-size"]
    same_task = listing.query.task is not None
    # The metric that ranks the table never gives way; on a phone the other signals do (p1), so the
    # model, its number and its flags fit without panning sideways.
    columns = [replace(c, priority=0) if c.key == metric
               else replace(c, priority=max(c.priority, 1)) if c.key in SIGNAL_COLUMNS else c
               for c in view.columns if not (same_task and c.key == "task")]
    shown, unknown = without_empty_columns(replace(view, columns=columns, now=generated_at))
    return Ranked(listing, shown, metric, unknown)


def families_of(grouped: Grouped, limit: int = FAMILY_BARS) -> Families:
    grouping = grouped.grouping
    shares = [FamilyShare(g.key, g.share or 0.0, g.downloads, g.member_count) for g in grouping.top(limit)]
    return Families(grouped.listing, shares, len(grouping), min(grouped.depth, grouped.pool_size),
                    dict(grouping.concentration))


def mover_tables(history: RankHistory) -> MoverTables:
    result = history.movers
    head = movers_view(result, OutputFormat.md, history.limit)
    views = [replace(head, title=(head.title or "").split(" — ")[0], extra_sections=[]), *head.extra_sections]
    summary = movers_summary(result)
    if not result.near:
        summary += "; no snapshot near a week before the newest, so compared with the nearest one"
    return MoverTables(views, history.times, history.ranks, summary)


def gaps_of(report: GapReport) -> Gaps:
    view, _ = without_empty_columns(replace(gaps_view(report), title=None, notes=[], extra_sections=[]))
    # On a narrow screen the percentiles give way first: score and family downloads say the same in
    # numbers a reader knows, and the gap column is their difference.
    view = replace(view, columns=[replace(c, priority=3) if c.key in NARROW_HIDDEN_GAPS else c for c in view.columns])
    drawn = gaps_scatter(report)
    unmatched = [UnmatchedRow(u.row.model, u.row.line, u.reason, list(u.suggestions)) for u in report.unmatched]
    return Gaps(view, gaps_notes(report), drawn[0] if drawn else None, drawn[1] if drawn else [], unmatched,
                report.sheet.describe(), report.sheet.path.name, report.sheet.score_col, report.listing.source)


def radar_content(radar: Radar) -> RadarContent:
    """The page's sections from the data; without two stored snapshots, a note on how to get movers."""
    at = radar.generated_at
    return RadarContent(
        generated_at=at,
        trending=ranked(radar.trending, at, metric="trending_score"),
        tops=[ranked(t, at, metric="downloads") for t in radar.tops],
        families=families_of(radar.families) if radar.families is not None else None,
        movers=mover_tables(radar.history) if radar.history is not None else None,
        gaps=gaps_of(radar.gaps) if radar.gaps is not None else None,
        hub=hub_figures(radar.hub) if radar.hub is not None else None,
        notes=[] if radar.history is not None else [NO_HISTORY],
    )
