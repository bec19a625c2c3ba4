"""The radar's sections, each a function of its part of `views.report.RadarContent`.

`radar_report` lists them in page order; a new part of the radar is one more function here (see
`page` for what a `Section` holds). Each builds its HTML and its Markdown from the same data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from hubradar.core.listing import Listing
from hubradar.core.units import human_count, human_duration
from hubradar.render.html.page import Report, Section, esc, model_link, model_url, time_html, when
from hubradar.render.html.svg import Bar, bar_chart, scatter_chart, sparkline, text_sparkline
from hubradar.render.html.tables import table_html, table_markdown
from hubradar.render.scatter import Scatter, to_plain
from hubradar.render.text import clean, md_escape
from hubradar.views.listing import SOURCE_TEXT
from hubradar.views.report import Families, Gaps, HubFigures, MoverTables, RadarContent, Ranked
from hubradar.views.view import Column

# ---------------------------------------------------------------------------------------------
# Listings, and how to read them


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


def listing_section(table: Ranked, generated_at: datetime, legend: Mapping[str, str], *, key: str, title: str,
                    intro: str) -> Section:
    """Any ranked listing as a section: where it came from, then the table."""
    listing, view, unknown = table.listing, table.view, table.unknown
    return Section(
        key=key,
        title=title,
        intro=intro,
        html=source_html(listing, generated_at, unknown) + "\n"
        + table_html(view, sorted_by=table.metric, label=title, pill_titles=legend),
        markdown=f"{table_markdown(view)}\n_{md_escape(clean(source_text(listing, generated_at, unknown)))}_\n",
        flags=table.flags,
    )


def trending_section(table: Ranked, generated_at: datetime, legend: Mapping[str, str]) -> Section:
    return listing_section(
        table, generated_at, legend, key="trending", title="Trending now",
        intro="What is rising, by the Hub's trending score (the likes a model got over about the last 7 days). "
        "Good for spotting launches early; check the flags before reading much into a spike.",
    )


def top_section(table: Ranked, generated_at: datetime, legend: Mapping[str, str]) -> Section:
    task = table.listing.query.task
    return listing_section(
        table, generated_at, legend, key=f"top-{task}" if task else "top",
        title=f"Most downloaded: {task}" if task else "Most downloaded",
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
     "The trending score is the likes a model got over about the last 7 days: a launch day, a viral post or automated "
     "likes lift a repo for days. Trending says what is rising, not what lasts."),
    ("Closed models are invisible",
     "Models offered only behind an API never appear on the Hub. This radar covers open weights, "
     "not the whole market."),
    ("A GGUF repo counts every file request",
     "Most repos are counted by requests of one file (config.json); a GGUF repo is counted by every "
     ".gguf file fetched, so its number is not comparable with a safetensors repo's."),
)
DOWNLOAD_STATS_URL = "https://huggingface.co/docs/hub/models-download-stats"


def how_to_read_section(legend: Mapping[str, str], flags_used: Iterable[str] = ()) -> Section:
    """The biases every number on the page carries, and the legend of the flags the page shows."""
    used = [f for f in legend if f in set(flags_used)]
    cards = "\n".join(f"<div><h3>{esc(head)}</h3><p>{esc(text)}</p></div>" for head, text in BIASES)
    html_out = (f'<div class="biases">\n{cards}\n</div>\n'
                f'<p class="more">How the Hub counts downloads: <a href="{DOWNLOAD_STATS_URL}">'
                "Models Download Stats</a>.</p>")
    md = [f"- **{head}.** {text}" for head, text in BIASES]
    md += ["", f"How the Hub counts downloads: [Models Download Stats]({DOWNLOAD_STATS_URL})."]
    if used:
        items = "\n".join(f'<dt><span class="pill">{esc(f)}</span></dt><dd>{esc(legend[f])}</dd>' for f in used)
        html_out += f'\n<h3 class="legend-title">Flags in the tables</h3>\n<dl class="legend">\n{items}\n</dl>'
        md += ["", "**Flags in the tables**", "", *(f"- `{f}`: {legend[f]}" for f in used)]
    return Section("how-to-read", "How to read this", html=html_out, markdown="\n".join(md) + "\n",
                   intro="The Hub's numbers are by-products of how people use it. Six things to keep in mind:")


# ---------------------------------------------------------------------------------------------
# Movers: the stored history of the downloads listing


def _rank_label(model_id: str, ranks: Sequence[int | None], times: Sequence[datetime]) -> str:
    known = [(t, r) for t, r in zip(times, ranks, strict=True) if r is not None]
    if not known:
        return f"{model_id}: not in the stored snapshots"
    (t0, r0), (t1, r1) = known[0], known[-1]
    return f"{model_id}: rank {r0} on {t0:%Y-%m-%d} → {r1} on {t1:%Y-%m-%d} ({len(times)} snapshots)"


def movers_section(movers: MoverTables) -> Section:
    """Rising, new, falling and dropped models of the downloads listing, each with its rank over the snapshots."""
    trend = Column("trend", "rank over time", "text", priority=1)

    def spark(row: Mapping[str, object]) -> str:
        ranks = movers.ranks.get(str(row["id"]), [])
        return sparkline(ranks, invert=True, label=_rank_label(str(row["id"]), ranks, movers.times))

    html_parts, md_parts = [], []
    for view in movers.views:
        rows = [row | {"trend": text_sparkline(movers.ranks.get(row["id"], []), invert=True)} for row in view.rows]
        shown = replace(view, columns=[*view.columns, trend], rows=rows, title=None, notes=[])
        heading = view.title or "Movers"
        html_parts.append(f'<h3 class="sub">{esc(heading)}</h3>\n'
                          + table_html(shown, label=heading, markup={"trend": spark}))
        md_parts.append(f"### {md_escape(clean(heading))}\n\n{table_markdown(shown)}")
    return Section(
        key="movers", title="Movers",
        intro="How the most-downloaded listing changed between two stored snapshots about a week apart: "
        "places gained, new entrants and falls. The line shows each model's rank over the snapshots "
        "in between (up is a better rank).",
        html=f'<p class="source">{esc(movers.summary)}</p>\n' + "\n".join(html_parts),
        markdown="\n".join(md_parts) + f"\n_{md_escape(clean(movers.summary))}_\n",
    )


# ---------------------------------------------------------------------------------------------
# Measured vs adopted: `hubradar gaps` on the page


def _unmatched_html(gaps: Gaps) -> str:
    items = []
    for u in gaps.unmatched:
        closest = ", ".join(model_link(s) for s in u.suggestions)
        items.append(f'<li><span class="as-written">{esc(u.model)}</span> '
                     f'<span class="muted">line {u.line} · {esc(u.reason)}</span>'
                     + (f" · did you mean {closest}?" if closest else "") + "</li>")
    return (f'<h3 class="sub">Unmatched rows ({len(gaps.unmatched)})</h3>'
            f"\n<ul class=\"unmatched\">\n"
            + "\n".join(items) + "\n</ul>\n<p class=\"more\">Write the Hub id (org/name) to match a row.</p>")


def _unmatched_markdown(gaps: Gaps) -> str:
    lines = [f"### Unmatched rows ({len(gaps.unmatched)})", ""]
    for u in gaps.unmatched:
        closest = ", ".join(f"[{md_escape(clean(s))}]({model_url(s)})" for s in u.suggestions)
        lines.append(f"- {md_escape(clean(u.model))} (line {u.line}): {md_escape(clean(u.reason))}"
                     + (f"; did you mean {closest}?" if closest else ""))
    return "\n".join(lines) + "\n"


def gaps_section(gaps: Gaps) -> Section:
    """The team's measured scores against adoption: the quadrant chart, the rows by gap, the unmatched rows."""
    source = f'<p class="source"><span class="badge {esc(gaps.source)}">{esc(gaps.source)}</span> {esc(gaps.sheet)}</p>'
    chart = ""
    md = [table_markdown(gaps.view), *(f"_{md_escape(clean(n))}_\n" for n in gaps.notes)]
    if gaps.plot is not None:
        linked = replace(gaps.plot, points=[replace(p, href=model_url(p.label)) for p in gaps.plot.points])
        chart = f"<figure>{scatter_chart(linked, label=f'Measured {gaps.score_col} against Hub adoption')}</figure>"
        drawn = to_plain(Scatter.of(gaps.plot).render(72, 18))
        md.append("```text\n" + drawn + "\n\n" + "\n".join(map(clean, gaps.legend)) + "\n```\n")
    html_out = (source + "\n" + chart + "\n" + table_html(gaps.view, sorted_by="gap", label="Measured vs adopted")
                + "\n" + "".join(f'<p class="more">{esc(n)}</p>\n' for n in gaps.notes))
    if gaps.unmatched:
        html_out += _unmatched_html(gaps)
        md.append(_unmatched_markdown(gaps))
    return Section(
        key="gaps", title="Measured vs adopted",
        intro=f"Your measured scores ({gaps.file_name}) against how much the Hub uses each model's family. "
        "opportunity: measured at or above the median, adopted below it; warning: adopted at or above the median, "
        "measured below it.",
        html=html_out, markdown="\n".join(md),
    )


# ---------------------------------------------------------------------------------------------
# Families: who the field standardizes on


def families_section(families: Families) -> Section:
    """Each family's share of the downloads listed (re-uploads rolled up), the largest first.

    Families are only as complete as the deep downloads listing they were grouped over.
    """
    listing, shares = families.listing, families.shares
    bars = [Bar(f.key, f.share * 100, href=model_url(f.key),
                note=f"{human_count(f.downloads)} downloads, {f.repos} repo{'s' if f.repos != 1 else ''}")
            for f in shares]
    chart = bar_chart(bars, label=f"Download share of the {len(shares)} largest families",
                      value_text=lambda v: f"{v:.1f}%")
    top = ", ".join(f"top {n} {share * 100:.0f}%" for n, share in families.concentration.items() if share is not None)
    covered = (f"{families.count} families from the {families.pool} most downloaded models "
               f"({SOURCE_TEXT[listing.source]}, fetched {when(listing.fetched_at)})")
    rows = "\n".join(f"| {i} | [{md_escape(clean(f.key))}]({model_url(f.key)}) | {human_count(f.downloads)} | "
                     f"{f.share * 100:.1f}% | {f.repos} |" for i, f in enumerate(shares, start=1))
    return Section(
        key="families",
        title="Families",
        intro="A model's re-uploads (GGUF, AWQ, MLX, FP8 …) carry the same weights: here they count with "
        "their base, so each bar is the model's whole share of the downloads listed.",
        html=f'<p class="source">{esc(covered)} · concentration: {esc(top)}</p>\n{chart}',
        markdown="| # | family | downloads | share | repos |\n|---:|---|---:|---:|---:|\n"
        f"{rows}\n\n_{md_escape(covered)}; concentration: {md_escape(top)}_\n",
    )


# ---------------------------------------------------------------------------------------------
# The whole Hub: one snapshot of every model


def hub_section(hub: HubFigures) -> Section:
    """The headline figures of the latest whole-Hub snapshot and the families with most derivatives."""
    notes = "".join(f'<p class="more">{esc(clean(n))}</p>\n' for n in hub.families.notes)
    return Section(
        key="state", title="State of the Hub",
        intro="Every public model at one moment (a whole-Hub snapshot): how concentrated downloads are, how "
        "big a downloaded model is, and which bases the most models are built on.",
        html=(f'<p class="source">{esc(hub.source)}</p>\n' + table_html(hub.headline, label="State of the Hub")
              + "\n" + table_html(hub.families, sorted_by="derivatives", label="Families with most derivatives")
              + "\n" + notes),
        markdown=(f"_{md_escape(hub.source)}_\n\n" + table_markdown(hub.headline) + "\n"
                  + table_markdown(replace(hub.families, notes=[])) + "\n"
                  + "".join(f"_{md_escape(clean(n))}_\n" for n in hub.families.notes)),
    )


def radar_report(content: RadarContent, *, title: str = "Hub radar") -> Report:
    """The radar page from its content: add a section by listing one more section function here.

    Movers need two stored snapshots; without them the page says how to record some instead.
    """
    at, legend = content.generated_at, content.legend
    sections = [trending_section(content.trending, at, legend), *(top_section(t, at, legend) for t in content.tops)]
    if content.families is not None:
        sections.append(families_section(content.families))
    if content.hub is not None:
        sections.append(hub_section(content.hub))
    if content.movers is not None:
        sections.append(movers_section(content.movers))
    if content.gaps is not None:
        sections.append(gaps_section(content.gaps))
    sections.append(how_to_read_section(legend, frozenset().union(*(s.flags for s in sections))))
    return Report(title, at, sections, notes=content.notes)
