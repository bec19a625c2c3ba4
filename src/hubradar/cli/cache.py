"""`hubradar cache info` and `hubradar cache prune`: what the store holds, and dropping old snapshots."""

from __future__ import annotations

from typing import Annotated

import typer

from hubradar.app.cache import info as cache_info
from hubradar.app.cache import prune
from hubradar.cli.options import CacheDirOpt, FormatOpt, QuietOpt
from hubradar.core.units import parse_duration
from hubradar.render.notices import Notifier
from hubradar.render.text import emit
from hubradar.views.history import cache_view, pruned_message
from hubradar.views.view import OutputFormat

app = typer.Typer(
    name="cache",
    help="""The local store of snapshots: where it is, what it holds, and pruning it.

Examples:

  hubradar cache info

  hubradar cache prune --older-than 90d
""",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("info")
def info(fmt: FormatOpt = OutputFormat.table, cache_dir: CacheDirOpt = None, quiet: QuietOpt = False) -> None:
    """Where the cache is, how big, how many snapshots of which listings, oldest and newest.

    Examples:

      hubradar cache info

      hubradar cache info --format json | jq .size_bytes

      HUBRADAR_CACHE_DIR=/data/hubradar hubradar cache info
    """
    notify = Notifier(quiet)
    summary = cache_info(cache_dir, notify)
    if summary is not None:
        emit(cache_view(summary, fmt), fmt)


@app.command("prune")
def prune_cmd(
    older_than: Annotated[str, typer.Option("--older-than", help="Delete snapshots taken longer ago than this "
                                            "(90d, 12w, 1y).")],
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete snapshots older than --older-than and give their space back.

    Examples:

      hubradar cache prune --older-than 90d

      hubradar cache prune --older-than 1y --quiet

      HUBRADAR_CACHE_DIR=/data/hubradar hubradar cache prune --older-than 26w
    """
    notify = Notifier(quiet)
    age = parse_duration(older_than, "older_than")
    result = prune(cache_dir, age, notify)
    if result is not None:
        notify(pruned_message(result))
