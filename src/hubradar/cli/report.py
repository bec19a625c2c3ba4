"""`hubradar report`: the radar as one self-contained HTML page (or Markdown) for a team's site."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hubradar.app.report import radar
from hubradar.cli.gaps import SCORES, ModelColOpt, ScoreColOpt
from hubradar.cli.options import OUTPUT, FetchFlags, LimitOpt, QuietOpt, TasksOpt, bundled
from hubradar.core.errors import UsageError
from hubradar.render.html.page import render_html, render_markdown, write_page
from hubradar.render.html.sections import radar_report
from hubradar.render.notices import Notifier
from hubradar.views.report import radar_content

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
    data = radar(fetch.options(notify), tasks=task or [], limit=limit, scores=scores, model_col=model_col,
                 score_col=score_col)
    page = radar_report(radar_content(data), title=title)
    text = render_html(page) if fmt is ReportFormat.html else render_markdown(page)
    if out is None:
        sys.stdout.write(text)
        return
    write_page(text, out)
    notify(f"wrote {out} ({len(page.sections)} sections, {len(text.encode()) // 1024 + 1} KB)")


report.__doc__ = REPORT_HELP
