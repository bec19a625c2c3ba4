"""`hubradar crawl`: every model on the Hub into a Parquet snapshot; and `import FILE.parquet`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hubradar.cli.options import HubFlags, QuietOpt, bundled
from hubradar.core.time import parse_moment
from hubradar.render.notices import Notifier

CRAWL = "Crawl"

CRAWL_HELP = """Fetch every model on the Hub into a whole-Hub snapshot (Parquet, under the cache dir).

Sorted by downloads, 1,000 models a request (about 2,300 requests for the whole Hub), at the
pace the Hub's rate limit allows: some 25 minutes anonymous, half that with HF_TOKEN. Each page
is kept on disk as it arrives: run it again after a stop (Ctrl-C, the Hub down, the machine
off) and it continues from the last page. `hubradar state` reads the snapshots; see
docs/whole-hub.md.

Examples:

  hubradar crawl

  hubradar crawl --restart --memory-limit 2GB

  hubradar crawl --quiet    # for cron: HF_TOKEN in its environment, one line if it fails
"""

MemoryLimitOpt = Annotated[
    str,
    typer.Option("--memory-limit", metavar="SIZE", rich_help_panel=CRAWL,
                 help="DuckDB's memory limit for writing the snapshot (it spills to disk past it): 512MB, 2GB."),
]


@bundled
def crawl_cmd(
    restart: Annotated[bool, typer.Option("--restart", rich_help_panel=CRAWL,
                                          help="Drop a crawl in progress and start over from the first page.")
                       ] = False,
    memory_limit: MemoryLimitOpt = "1GB",
    quiet: QuietOpt = False,
    hub: HubFlags = HubFlags(),
) -> None:
    from hubradar.app.crawl import crawl, describe
    from hubradar.render.crawlbar import crawl_progress

    notify = Notifier(quiet)
    options = hub.options(notify)
    try:
        written = crawl(options, restart=restart, progress=crawl_progress(quiet), memory_limit=memory_limit)
    except KeyboardInterrupt:
        notify.error("interrupted: every page fetched is kept; run `hubradar crawl` again to continue")
        raise typer.Exit(130) from None
    took = f" in {written.seconds:,.0f}s" if written.seconds >= 1 else ""
    notify(f"wrote {describe(written)}{took}")


def import_parquet(file: Path, at: str, cache_dir: Path | None, notify: Notifier) -> None:
    """`hubradar import FILE.parquet`: a whole-Hub dump (the hub-stats dataset's models table) as a snapshot."""
    from hubradar.app.crawl import describe, import_dump

    moment = parse_moment(at, "at")
    written = import_dump(file.expanduser(), moment, cache_dir.expanduser() if cache_dir else None)
    notify(f"imported {file.name} as the whole-Hub snapshot of {moment:%Y-%m-%d %H:%M} UTC: {describe(written)}")


crawl_cmd.__doc__ = CRAWL_HELP
