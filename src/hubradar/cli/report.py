"""`hubradar report`: the radar as one self-contained HTML page (or Markdown) for a team's site."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hubradar.app.gaps import find_gaps, read_scores
from hubradar.app.history import existing_store
from hubradar.app.listing import check_task, get_listing
from hubradar.cli.gaps import SCORES, ModelColOpt, ScoreColOpt
from hubradar.cli.options import OUTPUT, FetchFlags, LimitOpt, QuietOpt, TasksOpt, bundled
from hubradar.core.errors import UsageError
from hubradar.core.query import ListingQuery
from hubradar.core.time import now_utc
from hubradar.render.html.report import load_movers, radar_report, render_html, render_markdown, write_page
from hubradar.render.notices import Notifier

FAMILY_DEPTH = 1000  # families are computed over the 1,000 most downloaded models: one request

REPORT_HELP = """Write the radar as one page: trending, most downloaded per task, movers, and how to read them.

Movers (the downloads listing over the last week) appear once two snapshots are stored
(hubradar record or hubradar import); --scores adds your measured scores against adoption, as
hubradar gaps. The HTML needs nothing else to open (styles, charts and script are inline);
--format md writes the same tables as Markdown for a README or a wiki.

Examples:

  hubradar report --out radar.html

  hubradar report --format md --limit 10 > RADAR.md

  hubradar report --out /var/www/radar/index.html --task text-generation --scores bench.csv
"""


class ReportFormat(StrEnum):
    html = "html"
    md = "md"


OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="File to write (replaced atomically); default: stdout.", rich_help_panel=OUTPUT,
                 dir_okay=False),
]
ReportFormatOpt = Annotated[
    ReportFormat,
    typer.Option("--format", "-f", help="html: one self-contained page; md: Markdown.", case_sensitive=False,
                 rich_help_panel=OUTPUT),
]
TitleOpt = Annotated[str, typer.Option("--title", help="The page's heading.", rich_help_panel=OUTPUT)]
ReportScoresOpt = Annotated[
    Path | None,
    typer.Option("--scores", help="Add a 'Measured vs adopted' section from this CSV of your results (as hubradar "
                 "gaps).", show_default=False, rich_help_panel=SCORES),
]


@bundled
def report(
    out: OutOpt = None,
    task: TasksOpt = None,
    limit: LimitOpt = 20,
    fmt: ReportFormatOpt = ReportFormat.html,
    title: TitleOpt = "Hub radar",
    scores: ReportScoresOpt = None,
    model_col: ModelColOpt = None,
    score_col: ScoreColOpt = None,
    fetch: FetchFlags = FetchFlags(),
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"--out: the directory {str(out.parent)!r} does not exist")
    if scores is None and (model_col or score_col):
        raise UsageError("--model-col and --score-col read the --scores file: add --scores FILE")
    sheet = read_scores(scores, model_col=model_col, score_col=score_col) if scores is not None else None
    if sheet is not None:
        notify(sheet.describe())
    # History first: this run's own fetches must not become the "newest snapshot" movers compare.
    store = existing_store(fetch.cache_dir, notify)
    try:
        history = load_movers(store, limit=limit)
    finally:
        if store is not None:
            store.close()
    options = fetch.options(notify)
    trending = get_listing(ListingQuery(sort="trending", limit=limit), options)
    # Families first: the deep downloads listing then also serves the unfiltered "most downloaded" table.
    families = get_listing(ListingQuery(sort="downloads", limit=limit), options, depth=FAMILY_DEPTH)
    tops = []
    for name in dict.fromkeys(task or [None]):
        listing = get_listing(ListingQuery(sort="downloads", task=name, limit=limit), options)
        check_task(listing)
        tops.append(listing)
    gaps = find_gaps(sheet, options) if sheet is not None else None
    for notice in gaps.notices if gaps else ():
        notify(notice)
    page = radar_report(trending, tops, generated_at=now_utc(), title=title, history=history, gaps=gaps,
                        families=families)
    text = render_html(page) if fmt is ReportFormat.html else render_markdown(page)
    if out is None:
        sys.stdout.write(text)
        return
    write_page(text, out)
    notify(f"wrote {out} ({len(page.sections)} sections, {len(text.encode()) // 1024 + 1} KB)")


report.__doc__ = REPORT_HELP
