"""`hubradar gaps`: Hub adoption against a team's own measured pass-rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hubradar.app.gaps import find_gaps, read_scores
from hubradar.cli.options import OUTPUT, AdoptionChoice, FetchFlags, FormatOpt, QuietOpt, SizeFlags, TaskOpt, bundled
from hubradar.core.errors import UsageError
from hubradar.render.notices import Notifier
from hubradar.render.scatter import Scatter, to_plain, to_rich
from hubradar.render.terminal import make_console
from hubradar.render.text import emit
from hubradar.views.gaps import gaps_scatter, gaps_view
from hubradar.views.view import OutputFormat

SCORES = "Scores"

GAPS_HELP = """Where your measured quality and the Hub's adoption disagree.

Matches each row of your results CSV to a Hub model and ranks rows by quality minus adoption percentile.

opportunity = measured good, under-adopted; warning = popular, measured below the median.

Examples:

  hubradar gaps --scores bench.csv

  hubradar gaps --scores results.csv --model-col checkpoint --score-col humaneval_plus --plot

  hubradar gaps --scores bench.csv --task text-generation --adoption providers --format json
"""

ScoresOpt = Annotated[
    Path,
    typer.Option("--scores", help="CSV of your results: a model column and a score column (0–1, 0–100 or 85%).",
                 show_default=False, rich_help_panel=SCORES),
]
ModelColOpt = Annotated[
    str | None,
    typer.Option("--model-col", help="The column naming the model (default: model, model_id, id or name).",
                 rich_help_panel=SCORES),
]
ScoreColOpt = Annotated[
    str | None,
    typer.Option("--score-col", help="The column with the score (default: pass_rate, pass@1, score or accuracy; "
                                      "else the one column of numbers, as a leaderboard export names it).",
                 rich_help_panel=SCORES),
]


AdoptionOpt = Annotated[
    AdoptionChoice,
    typer.Option("--adoption", case_sensitive=False, rich_help_panel=SCORES,
                 help="What adoption means: the family's 30-day downloads, its derivatives (models built on it, "
                      "one Hub request per family member, cached a day), its live inference providers, or ram "
                      "(the family base's relative adoption: downloads against its size class's 10th at the same "
                      "age)."),
]
PlotOpt = Annotated[
    bool,
    typer.Option("--plot", help="Also draw quality against log adoption (downloads), with lines at the medians.",
                 rich_help_panel=OUTPUT),
]


@bundled
def gaps(
    scores: ScoresOpt,
    model_col: ModelColOpt = None,
    score_col: ScoreColOpt = None,
    task: TaskOpt = None,
    sizes: SizeFlags = SizeFlags(),
    adoption: AdoptionOpt = AdoptionChoice["downloads"],
    plot: PlotOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    fetch: FetchFlags = FetchFlags(),
    quiet: QuietOpt = False,
) -> None:
    if plot and fmt in (OutputFormat.json, OutputFormat.csv):
        raise UsageError(f"--plot draws for people: use it with the table or --format md, not {fmt.value}")
    notify = Notifier(quiet)
    sheet = read_scores(scores, model_col=model_col, score_col=score_col)
    notify(sheet.describe())
    options = fetch.options(notify, spinner=fmt is OutputFormat.table)
    report = find_gaps(sheet, options, task=task, adoption=adoption.value, sizes=sizes.filter(notify))
    for notice in report.notices:
        notify(notice)
    if report.unmatched and fmt is OutputFormat.csv:
        notify(f"{len(report.unmatched)} rows did not match a Hub model and are not in the CSV "
               "(see --format json or the table)")
    emit(gaps_view(report), fmt)
    drawn = gaps_scatter(report) if plot else None
    if plot and drawn is None:
        notify("nothing to plot: no matched row has a download count")
    elif drawn is not None:
        figure, legend = drawn
        scatter = Scatter.of(figure)
        if fmt is OutputFormat.md:
            typer.echo("\n```text\n" + to_plain(scatter.render(72, 18)) + "\n\n" + "\n".join(legend) + "\n```")
        else:
            console = make_console()
            width = min(console.width, 100)
            console.print()
            for line in to_rich(scatter.render(width, 20)):
                console.print(line, no_wrap=True, crop=True)
            for entry in legend:
                console.print(entry, markup=False, highlight=False)


gaps.__doc__ = GAPS_HELP
