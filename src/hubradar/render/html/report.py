"""The radar as one self-contained page: HTML (inline CSS, inline SVG charts, a few lines of JS) or Markdown.

A page is a `Report`: a title, when it was built, and a list of `Section`s. A section is a small
function that takes data and returns a `Section` (the same content as HTML and as Markdown), so a
new part of the radar is one new function listed in `radar_report`:

    def families_section(families, generated_at) -> Section:
        return Section("families", "Families", html=bar_chart(...) + table_html(view), markdown=...)

Nothing here touches the network: the page opens from a file with no CDN, fonts or scripts to
fetch. Every string that came from the Hub or a user's file goes through `esc` (HTML) or
`md_escape` (Markdown) on its way out; the chart functions escape their own labels.
"""

from __future__ import annotations

import html
import math
import os
import re
import statistics
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from hubradar import __version__
from hubradar.analysis.families import group_models
from hubradar.analysis.flags import LEGEND
from hubradar.app.gaps import (
    CONSENSUS,
    NEITHER,
    OPPORTUNITY,
    PLOT_AXES,
    WARNING,
    GapReport,
    gaps_notes,
    gaps_scatter,
    gaps_view,
)
from hubradar.app.history import HOW_TO_RECORD, Movers, history_source, movers
from hubradar.core.errors import NotEnoughHistory
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery
from hubradar.core.snapshot import SnapshotInfo
from hubradar.core.time import Since, parse_time, to_iso
from hubradar.core.units import human_count, human_duration
from hubradar.render.ids import shorten_middle
from hubradar.render.scatter import to_plain
from hubradar.render.text import HUB_URL, clean, format_cell, md_escape, to_markdown
from hubradar.store.db import Store
from hubradar.views.history import movers_summary, movers_view
from hubradar.views.listing import SOURCE_TEXT, listing_view
from hubradar.views.view import Column, OutputFormat, View

SVG_NS = "http://www.w3.org/2000/svg"
_NUMERIC = frozenset({"count", "params", "age", "score", "int", "pct", "ratio", "delta"})


# ---------------------------------------------------------------------------------------------
# Escaping and small pieces


def esc(value: object) -> str:
    """HTML text or attribute value: control and bidi characters removed, `<>&"'` escaped."""
    return html.escape(clean(value), quote=True)


def model_url(model_id: str) -> str:
    """The model's page on the Hub (the id percent-encoded, its `/` kept)."""
    return f"{HUB_URL}/{quote(model_id, safe='/')}"


def model_link(model_id: str) -> str:
    """`org/name` as a link to the Hub, the org muted (on phones, under the name) and a line-break chance after it."""
    org, slash, name = model_id.rpartition("/")
    inner = f'<span class="org">{esc(org)}<span class="slash">/</span></span><wbr>{esc(name)}' if slash else esc(name)
    return f'<a href="{esc(model_url(model_id))}">{inner}</a>'


def slug(text: str) -> str:
    """An anchor id from any text: lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9]+", "-", clean(text).lower()).strip("-") or "section"


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def time_html(moment: datetime) -> str:
    return f'<time datetime="{to_iso(moment)}">{when(moment)}</time>'


def percent(value: float) -> str:
    """A share as people read it: 0.123 -> 12.3%, 0.004 -> 0.4%, 1 -> 100%."""
    return f"{value * 100:.1f}".removesuffix(".0") + "%"


# ---------------------------------------------------------------------------------------------
# Page structure


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the page: an anchor, a heading, and the same content as HTML and as Markdown.

    `html` and `markdown` are already escaped by the function that built them. `flags` are the
    flags the section shows, so the page's legend explains exactly those.
    """

    key: str
    title: str
    html: str
    markdown: str
    intro: str = ""
    flags: frozenset[str] = frozenset()


@dataclass
class Report:
    """A whole page: what `render_html` and `render_markdown` write."""

    title: str
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    version: str = __version__
    notes: list[str] = field(default_factory=list)  # one line each under the heading (what is missing, how to add it)


def _unique(sections: Sequence[Section]) -> list[Section]:
    """Sections with distinct anchors (two tasks that slug alike get `-2`)."""
    seen: set[str] = set()
    out = []
    for section in sections:
        key, n = slug(section.key), 2
        while key in seen:
            key, n = f"{slug(section.key)}-{n}", n + 1
        seen.add(key)
        out.append(replace(section, key=key))
    return out


def render_html(report: Report) -> str:
    """The page: one HTML file that needs nothing else to open, light and dark, laptop and phone."""
    sections = _unique(report.sections)
    nav = "".join(f'<a href="#{s.key}">{esc(s.title)}</a>' for s in sections)
    body = "\n".join(
        f'<section class="card" id="{s.key}" aria-labelledby="{s.key}-h">\n'
        f'<h2 id="{s.key}-h">{esc(s.title)}</h2>\n'
        + (f'<p class="intro">{esc(s.intro)}</p>\n' if s.intro else "")
        + f"{s.html}\n</section>"
        for s in sections
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="hubradar {esc(report.version)}">\n'
        f"<title>{esc(report.title)}</title>\n"
        f'<link rel="icon" href="{FAVICON}">\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        '<header class="masthead"><div class="wrap">\n'
        '<p class="eyebrow">hubradar · the Hugging Face Hub as an industry radar</p>\n'
        f"<h1>{esc(report.title)}</h1>\n"
        f'<p class="meta">Built {time_html(report.generated_at)} from the Hub\'s public listings. '
        'Every table says where its numbers came from and when.</p>\n'
        + "".join(f'<p class="meta page-note">{esc(n)}</p>\n' for n in report.notes)
        + f'<nav aria-label="Sections">{nav}</nav>\n'
        "</div></header>\n"
        f'<main class="wrap">\n{body}\n</main>\n'
        '<footer class="wrap"><p>Made with hubradar '
        f'{esc(report.version)}. Model names link to their pages on huggingface.co; the numbers are '
        "the Hub's own. Tables sort when you click a header.</p></footer>\n"
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )


def render_markdown(report: Report) -> str:
    """The same page as Markdown, for a README or a wiki (tables and text; charts stay in the HTML)."""
    lines = [f"# {md_escape(clean(report.title))}", "",
             f"_Built {when(report.generated_at)} by hubradar {md_escape(report.version)} "
             "from the Hugging Face Hub's public listings._", ""]
    lines += [line for note in report.notes for line in (f"_{md_escape(clean(note))}_", "")]
    for section in _unique(report.sections):
        lines += [f"## {md_escape(clean(section.title))}", ""]
        if section.intro:
            lines += [md_escape(clean(section.intro)), ""]
        lines += [section.markdown.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_page(text: str, path: Path) -> None:
    """Replace `path` atomically: a web server reading it mid-refresh sees the old page or the new one."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Tables


def _sort_key(value: object, kind: str, now: datetime | None) -> str:
    """What the sorting script compares: raw numbers (age in seconds), or the shown text."""
    if value is None or value == "":
        return ""
    if kind == "age":
        moment = parse_time(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime) or now is None:
            return ""
        return str(int((now - moment).total_seconds()))
    if kind in _NUMERIC:
        return str(value) if isinstance(value, int | float) else ""
    if isinstance(value, list | tuple):
        return esc(" ".join(map(str, value)))
    return esc(value)


LONG_TEXT = 24  # a text column with a longer value wraps instead of widening its table past the page


def _classes(col: Column, long: bool = False) -> str:
    names = ["num" if col.justify == "right" else "", col.kind if col.kind in ("id", "text", "list") else "",
             f"p{col.priority}" if col.priority else "", "long" if long else ""]
    joined = " ".join(n for n in names if n)
    return f' class="{joined}"' if joined else ""


def _cell(col: Column, value: object, now: datetime | None, pill_titles: Mapping[str, str],
          markup: str | None = None, classes: str = "") -> str:
    if markup is not None:  # built (and escaped) by the caller: a sparkline
        content = markup
    elif value is None or value == "" or value == [] or value == ():
        content = '<span class="na" title="unknown">–</span>' if col.kind != "list" else ""
    elif col.kind == "id":
        content = model_link(str(value))
    elif col.kind == "list" and isinstance(value, list | tuple):
        content = "".join(f'<span class="pill" title="{esc(pill_titles.get(str(v), ""))}">{esc(v)}</span>'
                          for v in value)
    else:
        content = esc(format_cell(value, col.kind, now))
        if col.kind in ("count", "int", "params") and isinstance(value, int):
            content = f'<span title="{value:,}">{content}</span>'
    return f'<td{classes} data-sort="{_sort_key(value, col.kind, now)}">{content}</td>'


def table_html(view: View, *, sorted_by: str | None = None, label: str | None = None,
               pill_titles: Mapping[str, str] | None = None,
               markup: Mapping[str, Callable[[Mapping[str, object]], str]] | None = None) -> str:
    """A `View` (the rows the terminal shows) as a sortable HTML table.

    Numbers are right-aligned with tabular figures and carry their raw value for sorting;
    columns with a higher `priority` number are hidden first on narrow screens. `markup` draws
    a column's cells itself (already escaped HTML, such as a sparkline); it still sorts by the value.
    """
    drawn = markup or {}
    if not view.rows:
        return f'<p class="empty">{esc(view.empty_message)}</p>'
    titles = pill_titles or {}
    sort_attr = ' aria-sort="descending"'
    classes = {c.key: _classes(c, c.kind == "text" and any(len(str(row.get(c.key) or "")) > LONG_TEXT
                                                            for row in view.rows))
               for c in view.columns}
    head = "".join(
        f'<th scope="col"{classes[c.key]}{sort_attr if c.key == sorted_by else ""}>{esc(c.header)}</th>'
        for c in view.columns
    )
    rows = "\n".join(
        "<tr>" + "".join(_cell(c, row.get(c.key), view.now, titles, drawn[c.key](row) if c.key in drawn else None,
                               classes[c.key]) for c in view.columns) + "</tr>"
        for row in view.rows
    )
    aria = f' aria-label="{esc(label)}"' if label else ""
    return (f'<div class="table-wrap"><table class="sortable"{aria}>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{rows}\n</tbody>\n</table></div>")


def table_markdown(view: View) -> str:
    """The same rows as a Markdown table (the terminal's own Markdown, without its title)."""
    return to_markdown(replace(view, title=None, notes=[], extra_sections=[]))


# ---------------------------------------------------------------------------------------------
# Sections whose data exists today: listings, and how to read them


def _rows_from(listing: Listing) -> str:
    count = len(listing.records)
    return f"{count} model{'' if count == 1 else 's'} {SOURCE_TEXT[listing.source]}"


def _age_note(listing: Listing, generated_at: datetime) -> str:
    """` (3h before this page)` when the rows are older than a minute; nothing for a fresh fetch."""
    age = generated_at - listing.fetched_at
    return f" ({human_duration(age)} before this page)" if age.total_seconds() >= 60 else ""


def _unknown_note(unknown: Sequence[str]) -> str:
    return f"unknown for every row, so not shown: {', '.join(unknown)}" if unknown else ""


def source_text(listing: Listing, generated_at: datetime, unknown: Sequence[str] = ()) -> str:
    """Where a table's rows came from and when, in words (Markdown; the HTML adds a badge)."""
    note = f"; {_unknown_note(unknown)}" if unknown else ""
    return (f"{_rows_from(listing)}, fetched {when(listing.fetched_at)}{_age_note(listing, generated_at)}; "
            f"downloads are the last 30 days{note}")


def source_html(listing: Listing, generated_at: datetime, unknown: Sequence[str] = ()) -> str:
    note = f" · {esc(_unknown_note(unknown))}" if unknown else ""
    return (f'<p class="source"><span class="badge {esc(listing.source)}">{esc(listing.source)}</span> '
            f"{esc(_rows_from(listing))}, fetched {time_html(listing.fetched_at)}"
            f"{esc(_age_note(listing, generated_at))} · downloads are the last 30 days{note}</p>")


SIGNAL_COLUMNS = frozenset({"trending_score", "downloads", "likes"})


def listing_table(listing: Listing, generated_at: datetime, *, metric: str) -> View:
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
    return replace(view, columns=columns, now=generated_at)


def without_empty_columns(view: View) -> tuple[View, list[str]]:
    """Drop optional columns (priority > 0) with nothing in any row; the headers of those unknown throughout.

    A column of dashes says nothing a sentence cannot, and takes the room model ids need.
    """
    def empty(col: Column) -> bool:
        return all(row.get(col.key) in (None, "", [], ()) for row in view.rows)

    dropped = [c for c in view.columns if c.priority and view.rows and empty(c)]
    unknown = [c.header for c in dropped if c.kind != "list"]  # an empty list is "none", not unknown
    return replace(view, columns=[c for c in view.columns if c not in dropped]), unknown


def listing_section(listing: Listing, generated_at: datetime, *, key: str, title: str, intro: str,
                    metric: str) -> Section:
    """Any ranked listing as a section: where it came from, then the table."""
    view, unknown = without_empty_columns(listing_table(listing, generated_at, metric=metric))
    used = frozenset(f for row in view.rows for f in row.get("flags", ()))
    return Section(
        key=key,
        title=title,
        intro=intro,
        html=source_html(listing, generated_at, unknown) + "\n"
        + table_html(view, sorted_by=metric, label=title, pill_titles=LEGEND),
        markdown=f"{table_markdown(view)}\n_{md_escape(clean(source_text(listing, generated_at, unknown)))}_\n",
        flags=used,
    )


def trending_section(listing: Listing, generated_at: datetime) -> Section:
    return listing_section(
        listing, generated_at, key="trending", title="Trending now", metric="trending_score",
        intro="What is rising, by the Hub's trending score (recent likes and downloads). "
        "Good for spotting launches early; check the flags before reading much into a spike.",
    )


def top_section(listing: Listing, generated_at: datetime) -> Section:
    task = listing.query.task
    return listing_section(
        listing, generated_at, key=f"top-{task}" if task else "top",
        title=f"Most downloaded: {task}" if task else "Most downloaded",
        metric="downloads",
        intro="What pipelines pull, by downloads over the last 30 days"
        + (f" among {task} models" if task else "")
        + ". A sign of reliance, not of quality or of production use.",
    )


BIASES: tuple[tuple[str, str], ...] = (
    ("Downloads are not production use",
     "A download is a request for one file of the repo, from anyone: CI jobs, notebooks, mirrors and "
     "tests all count, while a model served at scale from one internal copy counts once."),
    ("Small models download more",
     "Embedders, classifiers and small LLMs are pulled by every test suite and retrieval stack, so they "
     "top download tables. Compare models of a similar size and task."),
    ("Re-uploads fragment the counts",
     "Quantizations, mirrors and format conversions spread one model's downloads over many repos, "
     "so each repo looks smaller than the model really is."),
    ("Launch spikes and bots inflate trending",
     "The trending score weighs recent likes and downloads: a launch day, a viral post or automated "
     "likes lift a repo for days. Trending says what is rising, not what lasts."),
    ("Closed models are invisible",
     "Models offered only behind an API never appear on the Hub. This radar covers open weights, "
     "not the whole market."),
    ("A GGUF repo counts every file request",
     "Most repos are counted by requests of one file (config.json); a GGUF repo is counted by every "
     ".gguf file fetched, so its number is not comparable with a safetensors repo's."),
)
DOWNLOAD_STATS_URL = "https://huggingface.co/docs/hub/models-download-stats"


def how_to_read_section(flags_used: Iterable[str] = ()) -> Section:
    """The biases every number on the page carries, and the legend of the flags the page shows."""
    used = [f for f in LEGEND if f in set(flags_used)]
    cards = "\n".join(f"<div><h3>{esc(head)}</h3><p>{esc(text)}</p></div>" for head, text in BIASES)
    html_out = (f'<div class="biases">\n{cards}\n</div>\n'
                f'<p class="more">How the Hub counts downloads: <a href="{DOWNLOAD_STATS_URL}">'
                "Models Download Stats</a>.</p>")
    md = [f"- **{head}.** {text}" for head, text in BIASES]
    md += ["", f"How the Hub counts downloads: [Models Download Stats]({DOWNLOAD_STATS_URL})."]
    if used:
        items = "\n".join(f'<dt><span class="pill">{esc(f)}</span></dt><dd>{esc(LEGEND[f])}</dd>' for f in used)
        html_out += f'\n<h3 class="legend-title">Flags in the tables</h3>\n<dl class="legend">\n{items}\n</dl>'
        md += ["", "**Flags in the tables**", "", *(f"- `{f}`: {LEGEND[f]}" for f in used)]
    return Section("how-to-read", "How to read this", html=html_out, markdown="\n".join(md) + "\n",
                   intro="The Hub's numbers are by-products of how people use it. Six things to keep in mind:")


# ---------------------------------------------------------------------------------------------
# Movers: the stored history of the downloads listing


MOVERS_QUERY = ListingQuery(sort="downloads")
SPARK_POINTS = 60  # snapshots a sparkline draws at most (hourly records over a week would be 168)
NO_HISTORY = f"Movers appear once two snapshots of the downloads listing are stored: {HOW_TO_RECORD}."


@dataclass(frozen=True)
class MoverHistory:
    """`movers` since a moment, and each shown model's rank in the snapshots between the two compared."""

    movers: Movers
    views: list[View]  # Rising, New, Falling, Dropped: the rows `hubradar movers` shows
    times: list[datetime]
    ranks: dict[str, list[int | None]]


def _evenly(items: Sequence[SnapshotInfo], count: int) -> list[SnapshotInfo]:
    """At most `count` items spread evenly, the first and the last always kept."""
    if len(items) <= count:
        return list(items)
    picks = sorted({round(i * (len(items) - 1) / (count - 1)) for i in range(count)})
    return [items[i] for i in picks]


def load_movers(store: Store | None, since: Since = timedelta(days=7), *, limit: int = 10) -> MoverHistory | None:
    """The downloads listing's movers since `since` (7 days back from the newest snapshot), with rank series.

    None when the store holds fewer than two snapshots of that listing: the page says how to get some.
    """
    if store is None:
        return None
    try:
        result = movers(store, MOVERS_QUERY, since)
    except NotEnoughHistory:
        return None
    head = movers_view(result, OutputFormat.md, limit)
    views = [replace(head, title=(head.title or "").split(" — ")[0], extra_sections=[]), *head.extra_sections]
    key = history_source(store, MOVERS_QUERY).key
    start, end = result.older.fetched_at, result.newer.fetched_at
    infos = _evenly([i for i in store.snapshots(key) if start <= i.fetched_at <= end], SPARK_POINTS)
    column = {info.id: n for n, info in enumerate(infos)}
    ids = list(dict.fromkeys(str(row["id"]) for view in views for row in view.rows))
    ranks: dict[str, list[int | None]] = {model: [None] * len(infos) for model in ids}
    for snapshot_id, model_id, rank, *_ in store.series(key, ids, start) if ids else ():
        if snapshot_id in column and model_id in ranks:
            ranks[model_id][column[snapshot_id]] = rank
    return MoverHistory(result, views, [i.fetched_at for i in infos], ranks)


def _rank_label(model_id: str, ranks: Sequence[int | None], times: Sequence[datetime]) -> str:
    known = [(t, r) for t, r in zip(times, ranks, strict=True) if r is not None]
    if not known:
        return f"{model_id}: not in the stored snapshots"
    (t0, r0), (t1, r1) = known[0], known[-1]
    return f"{model_id}: rank {r0} on {t0:%Y-%m-%d} → {r1} on {t1:%Y-%m-%d} ({len(times)} snapshots)"


def movers_section(history: MoverHistory) -> Section:
    """Rising, new, falling and dropped models of the downloads listing, each with its rank over the snapshots."""
    result, times = history.movers, history.times
    trend = Column("trend", "rank over time", "text", priority=1)

    def spark(row: Mapping[str, object]) -> str:
        ranks = history.ranks.get(str(row["id"]), [])
        return sparkline([None if r is None else -r for r in ranks], label=_rank_label(str(row["id"]), ranks, times))

    html_parts, md_parts = [], []
    for view in history.views:
        rows = [row | {"trend": text_sparkline([None if r is None else -r for r in history.ranks.get(row["id"], [])])}
                for row in view.rows]
        shown = replace(view, columns=[*view.columns, trend], rows=rows, title=None, notes=[])
        heading = view.title or "Movers"
        html_parts.append(f'<h3 class="sub">{esc(heading)}</h3>\n'
                          + table_html(shown, label=heading, markup={"trend": spark}))
        md_parts.append(f"### {md_escape(clean(heading))}\n\n{table_markdown(shown)}")
    summary = movers_summary(result)
    if not result.near:
        summary += "; no snapshot near a week before the newest, so compared with the nearest one"
    return Section(
        key="movers", title="Movers",
        intro="How the most-downloaded listing changed between two stored snapshots about a week apart: "
        "places gained, new entrants and falls. The line shows each model's rank over the snapshots "
        "in between (up is a better rank).",
        html=f'<p class="source">{esc(summary)}</p>\n' + "\n".join(html_parts),
        markdown="\n".join(md_parts) + f"\n_{md_escape(clean(summary))}_\n",
    )


# ---------------------------------------------------------------------------------------------
# Measured vs adopted: `hubradar gaps` on the page


def gaps_chart(report: GapReport) -> str:
    """Score (up) against the family's downloads (across, log), lines at the medians; opportunities and
    warnings highlighted. Rows with no known adoption have no place on it."""
    rows = [g for g in report.rows if g.adoption is not None]
    points = [Point(float(g.adoption or 0), g.row.score, g.id, model_url(g.id),
                    g.label in (OPPORTUNITY, WARNING)) for g in rows]
    return scatter_chart(points, label=f"Measured {report.sheet.score_col} against Hub adoption",
                         x_label=PLOT_AXES[report.kind], y_label=f"score ({report.sheet.score_col})",
                         x_split=report.median_adoption, y_split=report.median_score,
                         quadrants=Quadrants(OPPORTUNITY, CONSENSUS, NEITHER, WARNING))


def _unmatched_html(report: GapReport) -> str:
    items = []
    for u in report.unmatched:
        closest = ", ".join(model_link(s) for s in u.suggestions)
        items.append(f'<li><span class="as-written">{esc(u.row.model)}</span> '
                     f'<span class="muted">line {u.row.line} · {esc(u.reason)}</span>'
                     + (f" · did you mean {closest}?" if closest else "") + "</li>")
    return (f'<h3 class="sub">Unmatched rows ({len(report.unmatched)})</h3>'
            f"\n<ul class=\"unmatched\">\n"
            + "\n".join(items) + "\n</ul>\n<p class=\"more\">Write the Hub id (org/name) to match a row.</p>")


def _unmatched_markdown(report: GapReport) -> str:
    lines = [f"### Unmatched rows ({len(report.unmatched)})", ""]
    for u in report.unmatched:
        closest = ", ".join(f"[{md_escape(clean(s))}]({model_url(s)})" for s in u.suggestions)
        written = md_escape(clean(u.row.model))
        lines.append(f"- {written} (line {u.row.line}): {md_escape(clean(u.reason))}"
                     + (f"; did you mean {closest}?" if closest else ""))
    return "\n".join(lines) + "\n"


NARROW_HIDDEN_GAPS = frozenset({"quality_pct", "adoption_pct"})  # hidden below laptop widths (p3)


def gaps_section(report: GapReport) -> Section:
    """The team's measured scores against adoption: the quadrant chart, the rows by gap, the unmatched rows."""
    view, _ = without_empty_columns(replace(gaps_view(report), title=None, notes=[], extra_sections=[]))
    # On a narrow screen the percentiles give way first: score and family downloads say the same in
    # numbers a reader knows, and the gap column is their difference.
    view = replace(view, columns=[replace(c, priority=3) if c.key in NARROW_HIDDEN_GAPS else c for c in view.columns])
    notes = gaps_notes(report)
    listing = report.listing
    source = (f'<p class="source"><span class="badge {esc(listing.source)}">{esc(listing.source)}</span> '
              f"{esc(report.sheet.describe())}</p>")
    chart = f"<figure>{gaps_chart(report)}</figure>" if any(g.adoption is not None for g in report.rows) else ""
    html_out = (source + "\n" + chart + "\n" + table_html(view, sorted_by="gap", label="Measured vs adopted")
                + "\n" + "".join(f'<p class="more">{esc(n)}</p>\n' for n in notes))
    md = [table_markdown(view), *(f"_{md_escape(clean(n))}_\n" for n in notes)]
    drawn = gaps_scatter(report)
    if drawn is not None:
        scatter, legend = drawn
        md.append("```text\n" + to_plain(scatter.render(72, 18)) + "\n\n" + "\n".join(map(clean, legend)) + "\n```\n")
    if report.unmatched:
        html_out += _unmatched_html(report)
        md.append(_unmatched_markdown(report))
    return Section(
        key="gaps", title="Measured vs adopted",
        intro=f"Your measured scores ({report.sheet.path.name}) against how much the Hub uses each model's family. "
        "opportunity: measured at or above the median, adopted below it; warning: adopted at or above the median, "
        "measured below it.",
        html=html_out, markdown="\n".join(md),
    )


FAMILY_BARS = 10


def families_section(listing: Listing, generated_at: datetime, *, limit: int = FAMILY_BARS) -> Section:
    """Who the field standardizes on: each family's share of the downloads listed (re-uploads rolled up).

    `listing` is a deep downloads listing (its `pool`): families are only as complete as it is.
    """
    pool = listing.pool or listing.records
    grouping = group_models(pool, "family")
    groups = grouping.top(limit)
    bars = [Bar(g.key, (g.share or 0.0) * 100, href=model_url(g.key),
                note=f"{human_count(g.downloads)} downloads, {g.member_count} repo{'s' if g.member_count != 1 else ''}")
            for g in groups]
    chart = bar_chart(bars, label=f"Download share of the {len(groups)} largest families",
                      value_text=lambda v: f"{v:.1f}%")
    top = ", ".join(f"top {n} {share * 100:.0f}%" for n, share in grouping.concentration.items() if share is not None)
    covered = (f"{len(grouping)} families from the {len(pool)} most downloaded models "
               f"({SOURCE_TEXT[listing.source]}, fetched {when(listing.fetched_at)})")
    rows = "\n".join(f"| {i} | [{md_escape(clean(g.key))}]({model_url(g.key)}) | {human_count(g.downloads)} | "
                     f"{(g.share or 0) * 100:.1f}% | {g.member_count} |" for i, g in enumerate(groups, start=1))
    return Section(
        key="families",
        title="Families",
        intro="A model's re-uploads (GGUF, AWQ, MLX, FP8 …) carry the same weights: here they count with "
        "their base, so each bar is the model's whole share of the downloads listed.",
        html=f'<p class="source">{esc(covered)} · concentration: {esc(top)}</p>\n{chart}',
        markdown="| # | family | downloads | share | repos |\n|---:|---|---:|---:|---:|\n"
        f"{rows}\n\n_{md_escape(covered)}; concentration: {md_escape(top)}_\n",
    )


def radar_report(trending: Listing, tops: Sequence[Listing], *, generated_at: datetime,
                 title: str = "Hub radar", history: MoverHistory | None = None,
                 gaps: GapReport | None = None, families: Listing | None = None) -> Report:
    """The radar page from its data: add a section by listing one more section function here.

    Movers need two stored snapshots; without them the page says how to record some instead.
    """
    sections = [trending_section(trending, generated_at), *(top_section(t, generated_at) for t in tops)]
    if families is not None:
        sections.append(families_section(families, generated_at))
    if history is not None:
        sections.append(movers_section(history))
    if gaps is not None:
        sections.append(gaps_section(gaps))
    sections.append(how_to_read_section(frozenset().union(*(s.flags for s in sections))))
    return Report(title, generated_at, sections, notes=[] if history is not None else [NO_HISTORY])


# ---------------------------------------------------------------------------------------------
# Charts: inline SVG, readable without JavaScript, coloured by the page's CSS (light and dark).
# Bars and scatter use percentages across and pixels down, so they fill any width without
# scaling their text; sparklines are small fixed-size pictures.


def _svg(kind: str, label: str, body: str, *, height: int, style: str = "") -> str:
    extra = f' style="{style}"' if style else ""
    return (f'<svg class="chart {kind}" xmlns="{SVG_NS}" width="100%" height="{height}" role="img" '
            f'aria-label="{esc(label)}"{extra}><title>{esc(label)}</title>\n{body}\n</svg>')


def _finite(value: float, what: str) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _text(x: str, y: str, text: str, klass: str, *, dx: float = 0, dy: float = 0, anchor: str = "start") -> str:
    """One escaped SVG text; `x`/`y` as given (percentages or pixels), `dx`/`dy` nudges in pixels."""
    nudge = (f' dx="{dx:g}"' if dx else "") + (f' dy="{dy:g}"' if dy else "")
    end = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x}" y="{y}"{nudge}{end} class="{klass}">{esc(text)}</text>'


def _linked(content: str, href: str | None) -> str:
    return f'<a href="{esc(href)}">{content}</a>' if href else content


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: a label (linked when `href` is set), a value >= 0, and an optional muted note."""

    label: str
    value: float
    href: str | None = None
    note: str | None = None


BAR_ROW = 38
BAR_LABEL = 40  # characters of a bar's label before it is shortened in the middle


def bar_chart(bars: Sequence[Bar], *, label: str, value_text: Callable[[float], str] = percent,
              max_value: float | None = None) -> str:
    """Horizontal bars, label and value above each bar (families' download share).

    Bar lengths are relative to `max_value` (default: the largest value), so the leader fills
    the row; the text says the value itself.
    """
    values = [_finite(b.value, "a bar's value") for b in bars]
    if any(v < 0 for v in values):
        raise ValueError("bar values must be >= 0")
    if not bars:
        return _svg("bars", label, _text("0", "18", "Nothing to show.", "empty-chart"), height=28)
    scale = max_value if max_value is not None and max_value > 0 else max(values) or 1.0
    rows = []
    for i, (bar, value) in enumerate(zip(bars, values, strict=True)):
        top = i * BAR_ROW
        width = min(100.0, 100.0 * value / scale)
        shown = value_text(value)
        note = f'<tspan class="note"> {esc(bar.note)}</tspan>' if bar.note else ""
        name = _text("0", str(top + 15), shorten_middle(clean(bar.label), BAR_LABEL), "bar-label")
        rows.append(
            f'<g class="bar-row"><title>{esc(bar.label)}: {esc(shown)}</title>{_linked(name, bar.href)}'
            f'<text x="100%" y="{top + 15}" text-anchor="end" class="bar-value">{esc(shown)}{note}</text>'
            f'<rect x="0" y="{top + 22}" width="100%" height="8" rx="4" class="track"/>'
            f'<rect x="0" y="{top + 22}" width="{_pct(width)}" height="8" rx="4" class="bar"/></g>'
        )
    return _svg("bars", label, "\n".join(rows), height=len(bars) * BAR_ROW)


@dataclass(frozen=True, slots=True)
class Point:
    """One dot: adoption across (x), quality up (y). `highlight` dots are always labelled."""

    x: float
    y: float
    label: str
    href: str | None = None
    highlight: bool = False


@dataclass(frozen=True, slots=True)
class Quadrants:
    """Corner labels, named by where quality (up) meets adoption (right); short enough for a phone."""

    top_left: str = "overlooked"
    top_right: str = "leaders"
    bottom_left: str = "long tail"
    bottom_right: str = "popular, weaker"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(n * step, 12) for n in range(first, last + 1)]


class _Axis:
    """Maps data to a percentage along an axis: linear, or log10 with a slot at the start for 0."""

    ZERO_SLOT = 8.0

    def __init__(self, values: Sequence[float], *, log: bool, bounds: tuple[float, float] | None = None) -> None:
        self.log = log
        if log:
            positive = [v for v in values if v > 0]
            low = math.floor(math.log10(min(positive))) if positive else 0
            high = math.ceil(math.log10(max(positive))) if positive else 1
            self.low, self.high = float(low), float(max(high, low + 1))
            self.zero = any(v <= 0 for v in values)
            decades = int(self.high - self.low)
            step = max(1, math.ceil(decades / 6))
            self.ticks = [10.0 ** e for e in range(int(self.low), int(self.high) + 1, step)]
            if self.zero:
                self.ticks.insert(0, 0.0)
        else:
            low, high = bounds or (min(values, default=0.0), max(values, default=1.0))
            self.ticks = nice_ticks(low, high)
            self.low, self.high = (low, high) if bounds else (self.ticks[0], self.ticks[-1])
            if self.high <= self.low:
                self.high = self.low + 1.0
            self.ticks = [t for t in self.ticks if self.low - 1e-9 <= t <= self.high + 1e-9]
            self.zero = False

    def at(self, value: float) -> float:
        """0..100: where `value` sits along the axis."""
        if not self.log:
            return max(0.0, min(100.0, 100.0 * (value - self.low) / (self.high - self.low)))
        if value <= 0:
            return 0.0
        start = self.ZERO_SLOT if self.zero else 0.0
        share = (math.log10(value) - self.low) / (self.high - self.low)
        return max(start, min(100.0, start + (100.0 - start) * share))


POINT_LABEL = 28  # characters of a dot's name before it is shortened in the middle
SHORT_LABEL = 16  # on phones a highlighted dot is named by the part after the org, this long at most
LABEL_FLIP = 50.0  # dots right of the middle carry their name on the left: names grow towards the centre
SCATTER_PAD = "padding:30px 18px 46px 52px;box-sizing:border-box;overflow:visible"


def scatter_chart(points: Sequence[Point], *, label: str, x_label: str, y_label: str, x_log: bool = True,
                  x_split: float | None = None, y_split: float | None = None, quadrants: Quadrants | None = None,
                  x_text: Callable[[float], str] = human_count, y_text: Callable[[float], str] = percent,
                  y_range: tuple[float, float] | None = None, height: int = 380, max_labels: int = 14) -> str:
    """Quality (up) against adoption (across) with quadrant lines (gaps).

    `x_log` (the default, for downloads) puts decades at equal distances; zero downloads sit in
    a slot at the left edge rather than vanishing. The splits default to the medians. At most
    `max_labels` dots are named (highlighted ones first, never overlapping); every dot has a tooltip.
    """
    quadrants = quadrants or Quadrants()
    xs = [_finite(p.x, "x") for p in points]
    ys = [_finite(p.y, "y") for p in points]
    if x_log and any(x < 0 for x in xs):
        raise ValueError("a log-scale x needs values >= 0")
    x_axis = _Axis(xs, log=x_log)
    y_axis = _Axis(ys, log=False, bounds=y_range)
    parts: list[str] = []
    for tick in y_axis.ticks:
        y = _pct(100.0 - y_axis.at(tick))
        parts.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" class="grid"/>')
        parts.append(_text("0", y, y_text(tick), "tick", dx=-8, dy=4, anchor="end"))
    decades = [t for t in x_axis.ticks if t > 0] if x_log else []
    for tick in x_axis.ticks:
        x = x_axis.at(tick)
        parts.append(f'<line x1="{_pct(x)}" x2="{_pct(x)}" y1="0" y2="100%" class="grid"/>')
        anchor = "start" if x < 1 else "end" if x > 99 else "middle"
        minor = len(decades) > 4 and tick in decades and (len(decades) - 1 - decades.index(tick)) % 2 == 1
        # the first decade sits a narrow slot right of "0": on a phone the two labels would touch
        minor = minor or (x_axis.zero and bool(decades) and tick == decades[0])
        parts.append(_text(_pct(x), "100%", x_text(tick), "tick minor" if minor else "tick", dy=18, anchor=anchor))
    parts.append('<line x1="0" x2="100%" y1="100%" y2="100%" class="axis"/>'
                 '<line x1="0" x2="0" y1="0" y2="100%" class="axis"/>')
    parts.append(_text("100%", "100%", f"{x_label} →", "axis-label", dy=38, anchor="end"))
    parts.append(_text("0", "0", f"↑ {y_label}", "axis-label", dx=-44, dy=-14))
    if points:
        sx = _pct(x_axis.at(x_split if x_split is not None else statistics.median(xs)))
        sy = _pct(100.0 - y_axis.at(y_split if y_split is not None else statistics.median(ys)))
        parts.append(f'<line x1="{sx}" x2="{sx}" y1="0" y2="100%" class="split"/>'
                     f'<line x1="0" x2="100%" y1="{sy}" y2="{sy}" class="split"/>')
    for text, x_at, y_at, anchor, dy in (
        (quadrants.top_left, "1%", "0", "start", 16), (quadrants.top_right, "99%", "0", "end", 16),
        (quadrants.bottom_left, "1%", "100%", "start", -8), (quadrants.bottom_right, "99%", "100%", "end", -8),
    ):
        parts.append(_text(x_at, y_at, text, "quadrant", dy=dy, anchor=anchor))
    spots = [(x_axis.at(x), 100.0 - y_axis.at(y)) for x, y in zip(xs, ys, strict=True)]
    placed = _place_labels(spots, points, quadrants, max_labels)
    for i in sorted(range(len(points)), key=lambda i: points[i].highlight):  # highlighted dots on top
        point = points[i]
        x, y = spots[i]
        hi = " hi" if point.highlight else ""
        tip = esc(f"{clean(point.label)}: {x_text(xs[i])}, {y_text(ys[i])}")
        dot = (f'<circle cx="{_pct(x)}" cy="{_pct(y)}" r="{6 if hi else 5}" class="pt{hi}">'
               f"<title>{tip}</title></circle>")
        parts.append(_linked(dot, point.href))
        if i in placed:
            anchor, dx = placed[i], (9 if placed[i] == "start" else -9)
            name = shorten_middle(clean(point.label), POINT_LABEL)
            short = shorten_middle(clean(point.label).rsplit("/", 1)[-1], SHORT_LABEL)
            if hi and short != name:  # phones show the short name (CSS), wider screens the long one
                parts.append(_text(_pct(x), _pct(y), short, "pt-label hi short", dx=dx, dy=4, anchor=anchor))
                hi += " long"
            parts.append(_text(_pct(x), _pct(y), name, f"pt-label{hi}", dx=dx, dy=4, anchor=anchor))
    return _svg("scatter", label, "\n".join(parts), height=height, style=SCATTER_PAD)


Box = tuple[float, float, float, float]
NOMINAL_W, NOMINAL_H = 720.0, 300.0  # the plot size label placement plans for (wider plots only loosen it)


def _overlaps(box: Box, others: Iterable[Box]) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in others)


def _place_labels(spots: Sequence[tuple[float, float]], points: Sequence[Point], quadrants: Quadrants,
                  budget: int) -> dict[int, str]:
    """Which dots get a name and on which side (`start` = right of the dot, `end` = left of it).

    Highlighted dots first, then the most adopted. A name goes on its preferred side (left of dots
    in the right part of the plot), else the other side, else nowhere: never over another name or
    past the plot's edge, and (unless highlighted, which is always named) never over another dot
    or a corner label. Planned on a nominal 720 x 300 px plot, about 7 px per character.
    """
    at = [(x / 100 * NOMINAL_W, y / 100 * NOMINAL_H) for x, y in spots]
    dots: list[Box] = [(x - 6, y - 6, x + 6, y + 6) for x, y in at]
    corner_text = [(quadrants.top_left, 0.0, 2.0), (quadrants.top_right, 1.0, 2.0),
               (quadrants.bottom_left, 0.0, NOMINAL_H - 18), (quadrants.bottom_right, 1.0, NOMINAL_H - 18)]
    corners: list[Box] = []
    for text, side, top in corner_text:
        width = 8.0 * len(text) + 8
        left = 0.0 if side == 0 else NOMINAL_W - width
        corners.append((left, top, left + width, top + 16))

    def dots_near(i: int) -> list[Box]:
        """Other dots, except those hidden under this one anyway."""
        x, y = at[i]
        return [d for j, d in enumerate(dots) if j != i and math.dist(at[j], (x, y)) > 6]

    names: list[Box] = []
    chosen: dict[int, str] = {}
    for i in sorted(range(len(points)), key=lambda i: (not points[i].highlight, -points[i].x)):
        if len(chosen) >= budget:
            break
        x, y = at[i]
        if any(math.dist(at[j], (x, y)) <= 6 for j in chosen):
            continue  # under a dot that is named already: a second name there would read as a pair
        width = 9 + 7 * len(shorten_middle(clean(points[i].label), POINT_LABEL))
        sides = ["end", "start"] if spots[i][0] > LABEL_FLIP else ["start", "end"]
        for side in sides:
            left = x + 3 if side == "start" else x - 3 - width
            box = (left, y - 7, left + width, y + 7)
            if left < 0 or box[2] > NOMINAL_W or _overlaps(box, names):
                continue
            if not points[i].highlight and (_overlaps(box, corners) or _overlaps(box, dots_near(i))):
                continue
            chosen[i] = side
            names.append(box)
            break
    return chosen


def sparkline(values: Sequence[float | None], *, label: str, width: int = 120, height: int = 28) -> str:
    """A small line of a series over time (movers); `None` is a missing day and breaks the line.

    The svg's class says `rising`, `falling` or `flat` (first against last known value).
    """
    known = [(i, _finite(v, "a sparkline value")) for i, v in enumerate(values) if v is not None]
    pad = 3.0
    if not known:
        body = f'<line x1="{pad}" x2="{width - pad}" y1="{height / 2}" y2="{height / 2}" class="spark-none"/>'
        trend = "flat"
    else:
        low, high = min(v for _, v in known), max(v for _, v in known)
        span = len(values) - 1

        def xy(i: int, v: float) -> str:
            x = pad + (width - 2 * pad) * (i / span if span else 0.5)
            y = height / 2 if high == low else height - pad - (height - 2 * pad) * (v - low) / (high - low)
            return f"{x:.1f},{y:.1f}"

        runs: list[list[str]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, float(v)))
        lines = [f'<polyline points="{" ".join(run)}" fill="none" class="spark-line"/>' for run in runs if len(run) > 1]
        last_x, last_y = xy(*known[-1]).split(",")
        lines.append(f'<circle cx="{last_x}" cy="{last_y}" r="2.5" class="spark-dot"/>')
        body = "".join(lines)
        first, last = known[0][1], known[-1][1]
        trend = "rising" if last > first else "falling" if last < first else "flat"
    return (f'<svg class="spark {trend}" xmlns="{SVG_NS}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}"><title>{esc(label)}</title>'
            f"{body}</svg>")


_EIGHTHS = " ▏▎▍▌▋▊▉"
_SPARKS = "▁▂▃▄▅▆▇█"


def text_bar(fraction: float, width: int = 20) -> str:
    """A bar of block characters for Markdown and terminals: `text_bar(0.5, 8)` is `████`."""
    fraction = max(0.0, min(1.0, _finite(fraction, "fraction")))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def text_sparkline(values: Sequence[float | None]) -> str:
    """`▁▃▇` for Markdown: one character per value, a space for a missing one."""
    known = [_finite(v, "a sparkline value") for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            level = 0 if high == low else round((float(v) - low) / (high - low) * (len(_SPARKS) - 1))
            out.append(_SPARKS[level])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Inline style and script

FAVICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E"
           "%3Ccircle cx='16' cy='16' r='14' fill='none' stroke='%23e8590c' stroke-width='3'/%3E"
           "%3Ccircle cx='16' cy='16' r='7' fill='none' stroke='%23e8590c' stroke-width='3'/%3E"
           "%3Ccircle cx='16' cy='16' r='2.5' fill='%23e8590c'/%3E%3C/svg%3E")

CSS = """
:root{color-scheme:light dark;--bg:#f6f6f3;--surface:#fff;--fg:#1b1d21;--muted:#5f656e;--line:#e4e4df;
--soft:#f3f3ef;--link:#1f5fc9;--accent:#d9480f;--bar:#3a6fd8;--track:#eceef1;--grid:#ececea;
--live:#1a7f37;--cache:#1f5fc9;--snapshot:#9a6700}
@media (prefers-color-scheme:dark){:root{--bg:#0d0f13;--surface:#15191f;--fg:#e6e8eb;--muted:#9aa2ad;
--line:#272c34;--soft:#1b2027;--link:#8cb4ff;--accent:#ff8c42;--bar:#6c9bff;--track:#232932;--grid:#222730;
--live:#56d364;--cache:#8cb4ff;--snapshot:#e3b341}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--link);text-decoration:none}
a:hover{text-decoration:underline}
.wrap{max-width:84rem;margin:0 auto;padding:0 1rem}
.masthead{background:var(--surface);border-bottom:1px solid var(--line);padding:1.75rem 0 1.25rem}
.eyebrow{margin:0;color:var(--accent);font-size:.78rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
h1{margin:.2rem 0 .35rem;font-size:clamp(1.6rem,4vw,2.25rem);line-height:1.15;letter-spacing:-.02em}
.meta{margin:0 0 1rem;color:var(--muted);max-width:48rem}
nav{display:flex;flex-wrap:wrap;gap:.4rem}
nav a{padding:.2rem .7rem;border:1px solid var(--line);border-radius:999px;color:var(--fg);font-size:.875rem;
background:var(--bg)}
nav a:hover{border-color:var(--muted);text-decoration:none}
main.wrap{padding-top:1.25rem}
.card{background:var(--surface);border:1px solid var(--line);border-radius:14px;padding:1.25rem 1.5rem;
margin:0 0 1.25rem;min-width:0}
h2{margin:0 0 .25rem;font-size:1.3rem;letter-spacing:-.01em}
h3{margin:0 0 .25rem;font-size:1rem}
.intro{margin:0 0 .75rem;color:var(--muted);max-width:46rem}
.source{margin:0 0 .75rem;font-size:.85rem;color:var(--muted)}
.badge{display:inline-block;margin-right:.35rem;padding:.05rem .45rem;border:1px solid currentColor;
border-radius:4px;font-size:.7rem;font-weight:700;letter-spacing:.06em;text-transform:uppercase;vertical-align:1px}
.badge.live{color:var(--live)}.badge.cache{color:var(--cache)}.badge.snapshot{color:var(--snapshot)}
.table-wrap{overflow-x:auto;margin:0 -.5rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th,td{padding:.45rem .5rem;text-align:left;vertical-align:baseline;border-bottom:1px solid var(--line)}
tbody tr:last-child td{border-bottom:0}
thead th{font-size:.72rem;font-weight:600;letter-spacing:.05em;text-transform:uppercase;color:var(--muted);
white-space:nowrap;border-bottom:1px solid var(--muted)}
tbody tr:hover{background:var(--soft)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{overflow-wrap:anywhere;min-width:9rem;font-weight:500}
@media (min-width:56rem){td.id{min-width:17rem}}
td.text{white-space:nowrap}
td.text.long{white-space:normal;overflow-wrap:anywhere;min-width:8rem}
td.list{min-width:6rem}
td.id a{color:var(--fg)}
td.id a:hover{color:var(--link)}
td.id .org{color:var(--muted);font-weight:400}
.na{color:var(--muted)}
.pill{display:inline-block;margin:.05rem .25rem .05rem 0;padding:0 .45rem;border:1px solid var(--line);
border-radius:999px;background:var(--soft);color:var(--muted);font-size:.72rem;line-height:1.5;white-space:nowrap}
th button{display:block;width:100%;font:inherit;color:inherit;letter-spacing:inherit;text-transform:inherit;
background:none;border:0;padding:0;margin:0;cursor:pointer;text-align:inherit;white-space:nowrap}
th button:hover{color:var(--fg)}
th button:focus-visible{outline:2px solid var(--link);outline-offset:2px;border-radius:2px}
th[aria-sort] button{color:var(--fg)}
th[aria-sort=descending] button::after{content:" ▾"}
th[aria-sort=ascending] button::after{content:" ▴"}
.empty{color:var(--muted);font-style:italic}
h3.sub{margin:1.5rem 0 .35rem}
.unmatched{margin:.25rem 0 .5rem;padding-left:1.25rem}
.unmatched .muted{color:var(--muted);font-size:.9em}
.biases{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:.75rem;margin:.5rem 0 1rem}
.biases div{padding:.8rem .95rem;border:1px solid var(--line);border-radius:10px;background:var(--soft)}
.biases p{margin:0;color:var(--muted);font-size:.9rem}
.more{margin:0;font-size:.9rem;color:var(--muted)}
.legend-title{margin-top:1rem}
.legend{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .75rem;margin:.5rem 0 0;font-size:.9rem}
.legend dd{margin:0;color:var(--muted);min-width:0;overflow-wrap:anywhere}
footer{padding:.25rem 1rem 2.5rem;color:var(--muted);font-size:.85rem}
svg.chart{display:block;font-size:13px;font-family:inherit;fill:var(--fg)}
svg.chart text{fill:var(--fg)}
svg.chart .note,svg.chart .tick,svg.chart .quadrant{fill:var(--muted)}
svg.chart .bar-value{font-variant-numeric:tabular-nums;font-weight:600}
svg.chart .track{fill:var(--track)}
svg.chart .bar{fill:var(--bar)}
svg.chart .bar-row:hover .bar{fill:var(--accent)}
svg.chart a:hover text{fill:var(--link);text-decoration:underline}
svg.chart .grid{stroke:var(--grid);stroke-width:1}
svg.chart .axis{stroke:var(--muted);stroke-width:1}
svg.chart .split{stroke:var(--accent);stroke-width:1.25;stroke-dasharray:5 4;opacity:.8}
svg.chart .tick{font-size:11.5px;font-variant-numeric:tabular-nums}
svg.chart .axis-label{font-size:12px;fill:var(--muted)}
svg.chart .quadrant{font-size:11px;font-weight:600;letter-spacing:.05em;text-transform:uppercase;opacity:.85}
svg.chart .quadrant,svg.chart .pt-label{paint-order:stroke;stroke:var(--surface);stroke-width:3px;stroke-linejoin:round}
svg.chart .pt{fill:var(--bar);fill-opacity:.75;stroke:var(--surface);stroke-width:1.5}
svg.chart .pt.hi{fill:var(--accent);fill-opacity:1}
svg.chart .pt-label{font-size:12px}
svg.chart .pt-label.hi{font-weight:600}
svg.chart .pt-label.short{display:none}
svg.chart a:hover .pt{fill-opacity:1;stroke:var(--fg)}
svg.spark{vertical-align:middle;overflow:visible}
svg.spark .spark-line{fill:none;stroke:var(--bar);stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
svg.spark .spark-dot{fill:var(--bar)}
svg.spark.falling .spark-line{stroke:var(--muted)}
svg.spark.falling .spark-dot{fill:var(--muted)}
svg.spark .spark-none{stroke:var(--line);stroke-dasharray:3 3}
figure{margin:0 0 1rem}
@media (min-width:48rem){.wrap,main{padding-left:2rem;padding-right:2rem}footer{padding:.25rem 2rem 3rem}}
.squeezed{display:none}
@media (max-width:80rem){.p4,.p5,.p6{display:none}}
@media (max-width:75rem){.p3{display:none}}
@media (max-width:48rem){.p2{display:none}}
@media (max-width:40rem){
.wrap{padding:0 .625rem}
.masthead .wrap{padding:0 1rem}
.card{padding:1rem .75rem;border-radius:10px}
table{font-size:.875rem}
th,td{padding:.45rem .25rem}
thead th{font-size:.66rem;letter-spacing:0}
td.id{min-width:6.5rem}
thead th,th button{white-space:normal}
td.list{min-width:0}
.pill{padding:0 .35rem}
td.id a{display:inline-flex;flex-direction:column-reverse}
td.id .org{font-size:.8em;line-height:1.3}
td.id .slash{display:none}
svg.chart .pt-label:not(.hi),svg.chart .pt-label.long,svg.chart .minor{display:none}
svg.chart .pt-label.short{display:inline}
svg.chart .quadrant{font-size:10px;letter-spacing:.02em}
}
@media (max-width:26rem){.p1{display:none}}
@media (max-width:22.5rem){table{font-size:.8125rem}th,td{padding:.45rem .15rem}td.id{min-width:5.5rem}}
"""

# Progressive enhancement: without JavaScript the headers are plain text and the rows keep the
# Hub's order. Numbers sort descending first, text ascending; unknown values stay at the bottom.
JS = """
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const button = document.createElement("button");
    button.type = "button";
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener("click", () => {
      const num = th.classList.contains("num"), first = num ? "descending" : "ascending";
      const dir = th.getAttribute("aria-sort") === first ? (num ? "ascending" : "descending") : first;
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", dir);
      const sign = dir === "ascending" ? 1 : -1, key = (row) => row.cells[col].dataset.sort;
      const body = table.tBodies[0];
      [...body.rows].sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === "" || y === "") return (x === "") - (y === "");
        return sign * (num ? x - y : x.localeCompare(y));
      }).forEach((row) => body.append(row));
    });
  });
}
// While a table is wider than its card, its optional columns give way, highest priority number
// first; the CSS breakpoints do the same at fixed widths for a page read without JavaScript.
function fit() {
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const level = (p) => wrap.querySelectorAll(`.p${p}`);
    for (let p = 1; p <= 6; p++) level(p).forEach((cell) => cell.classList.remove("squeezed"));
    for (let p = 6; p >= 1 && wrap.scrollWidth > wrap.clientWidth + 1; p--) {
      level(p).forEach((cell) => cell.classList.add("squeezed"));
    }
  }
}
fit();
addEventListener("resize", fit);
"""
