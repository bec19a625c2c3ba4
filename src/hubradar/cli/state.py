"""`hubradar state`: the ecosystem report of the latest whole-Hub snapshot (or an earlier one)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hubradar.app.state import ORGS_ENV, hub_state
from hubradar.cli.options import OUTPUT, AuthorOpt, CacheDirOpt, FormatOpt, QuietOpt, TaskOpt
from hubradar.render.notices import Notifier
from hubradar.render.text import emit
from hubradar.views.state import state_view
from hubradar.views.view import OutputFormat

STATE = "Snapshot"

STATE_HELP = """The state of the Hub from a whole-Hub snapshot: concentration, families, sizes, tasks, authors, regions.

Reads the latest snapshot `hubradar crawl` or `hubradar import FILE.parquet` made (no request
to the Hub): models and downloads, the share the top 200 hold, the Gini, the median, the
families with most derivatives, sizes, the top tasks and authors, new models per month, and
regions and organisation kinds from an org table (see docs/whole-hub.md).

Examples:

  hubradar state

  hubradar state --task text-generation --format json | jq .families

  hubradar state --at 2026-11-30 --orgs my-orgs.csv --format md
"""

AtOpt = Annotated[
    str | None,
    typer.Option("--at", metavar="DATE", rich_help_panel=STATE, show_default=False,
                 help="Use the newest snapshot taken on or before this day or moment (UTC): 2026-11-30."),
]
OrgsOpt = Annotated[
    Path | None,
    typer.Option("--orgs", metavar="FILE", envvar=ORGS_ENV, show_envvar=True, rich_help_panel=STATE,
                 help="Your own org table (CSV: org, region, kind) instead of the one shipped with hubradar."),
]
TopOpt = Annotated[
    int, typer.Option("--limit", "-n", min=1, max=1000, rich_help_panel=OUTPUT,
                      help="Families, tasks and authors shown.")
]


def state_cmd(
    at: AtOpt = None,
    task: TaskOpt = None,
    author: AuthorOpt = None,
    orgs: OrgsOpt = None,
    limit: TopOpt = 10,
    fmt: FormatOpt = OutputFormat.table,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    answer = hub_state(at=at, task=task, author=author, orgs=orgs, limit=limit,
                       cache_dir=cache_dir.expanduser() if cache_dir else None)
    for notice in answer.notices:
        notify(notice)
    emit(state_view(answer, fmt), fmt)


state_cmd.__doc__ = STATE_HELP
