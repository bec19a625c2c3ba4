"""`hubradar movers`, `history`, `import`, `export` and `record`: the cache read as a history."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from hubradar.app.backfill import export_lines, read_import, save_import
from hubradar.app.history import model_series, movers, reader, record, standard_queries, writer
from hubradar.cli.options import CacheDirOpt, FormatOpt, HistoryGroup, HistorySort, HubFlags, QuietOpt, TaskOpt, bundled
from hubradar.core.errors import HubradarError
from hubradar.core.query import ListingQuery, listing_name, parse_query_spec
from hubradar.core.time import parse_moment, parse_since
from hubradar.core.units import count_of
from hubradar.render.charts import plot as draw_chart
from hubradar.render.notices import Notifier
from hubradar.render.text import emit
from hubradar.views.history import movers_view, series_charts, series_view, when
from hubradar.views.view import OutputFormat

HISTORY = "History"


HistorySortOpt = Annotated[
    HistorySort,
    typer.Option("--sort", "-s", case_sensitive=False, rich_help_panel=HISTORY,
                 help="Which stored listing: downloads (30 days), trending or likes."),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="A duration back from the newest snapshot (7d, 12h) or a date (2026-08-01); "
                 "default 7d, with --whole-hub the previous snapshot.", rich_help_panel=HISTORY),
]
WholeHubOpt = Annotated[
    bool,
    typer.Option("--whole-hub", rich_help_panel=HISTORY,
                 help="Compare whole-Hub snapshots (hubradar crawl, import FILE.parquet): the models that "
                      "gained most, by downloads (exact: all-time differenced) or --sort likes/trending."),
]
GroupOpt = Annotated[
    HistoryGroup | None,
    typer.Option("--group", case_sensitive=False, rich_help_panel=HISTORY,
                 help="family: count quantizations and mirrors with the model they carry."),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--since", help="Only snapshots from this long before the newest (30d) or this date.",
                 rich_help_panel=HISTORY),
]
QuerySpecOpt = Annotated[
    str,
    typer.Option("--query", rich_help_panel=HISTORY,
                 help="The listing: a sort, then key=value filters ('downloads', 'trending task=text-generation')."),
]


def _say_derived(query: ListingQuery, notify: Notifier) -> None:
    notify(f"no snapshots of {listing_name(query)} itself: read the unfiltered {query.sort} listing, "
           "filtered locally")


MOVERS_HELP = """What changed in a listing: the newest snapshot against the one nearest --since.

New entrants, drop-outs and rank changes, with likes gained, trending score and the downloads
between the two snapshots (exact where both hold all-time downloads, else the change in 30-day
downloads; a basis says which), sorted by places gained. Tables show the --limit biggest risers
and fallers; json and csv carry every row. --whole-hub compares the two latest whole-Hub
snapshots instead (or the newest with the one at or before --since): the --limit models that
gained the most.

Examples:

  hubradar movers

  hubradar movers --group family --since 30d --format json

  hubradar movers --whole-hub --since 2026-11-01 --task text-generation
"""


def movers_cmd(
    task: TaskOpt = None,
    since: SinceOpt = None,
    whole_hub: WholeHubOpt = False,
    group: GroupOpt = None,
    sort: HistorySortOpt = HistorySort["downloads"],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, rich_help_panel=HISTORY,
                                       help="Risers and fallers shown in a table (--whole-hub: the models).")] = 20,
    fmt: FormatOpt = OutputFormat.table,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    if whole_hub:
        return _hub_movers(task, since, group, sort, limit, fmt, cache_dir)
    since = since or "7d"
    moment = parse_since(since)
    query = ListingQuery(sort=sort.value, task=task)
    with reader(cache_dir, notify) as store:
        result = movers(store, query, moment, group.value if group else None)
    if not result.near:
        notify(f"no snapshot near --since {since} ({when(result.asked)} UTC); "
               f"compared with the nearest, {when(result.older.fetched_at)} UTC")
    if result.derived:
        _say_derived(query, notify)
    emit(movers_view(result, fmt, limit), fmt)


def _hub_movers(task: str | None, since: str | None, group: HistoryGroup | None, sort: HistorySort, limit: int,
               fmt: OutputFormat, cache_dir: Path | None) -> None:
    """`movers --whole-hub`: DuckDB over two Parquet snapshots (imported only here)."""
    from hubradar.app.hub_movers import hub_movers
    from hubradar.views.hub_movers import hub_movers_view

    result = hub_movers(since=parse_since(since) if since is not None else None, task=task, sort=sort.value,
                        limit=limit, group=group.value if group else None,
                        cache_dir=cache_dir.expanduser() if cache_dir else None)
    emit(hub_movers_view(result, fmt), fmt)


HISTORY_HELP = """A model's rank, downloads, likes and trending score over the stored snapshots.

A summary with sparklines and the latest points; --plot adds a terminal chart of each.
With --group family, the numbers of the whole family (quantizations and mirrors included).

Examples:

  hubradar history Qwen/Qwen3.8-27B

  hubradar history unsloth/Qwen3.8-27B-GGUF --group family --plot

  hubradar history sentence-transformers/all-MiniLM-L6-v2 --since 30d --format csv
"""


def history_cmd(
    model: Annotated[str, typer.Argument(metavar="ORG/NAME", help="The model id, as on the Hub.")],
    group: GroupOpt = None,
    plot: Annotated[bool, typer.Option("--plot", help="Draw a terminal chart of each number.",
                                       rich_help_panel=HISTORY)] = False,
    since: FromOpt = None,
    task: TaskOpt = None,
    sort: HistorySortOpt = HistorySort["downloads"],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Latest points shown in a table.",
                                       rich_help_panel=HISTORY)] = 10,
    fmt: FormatOpt = OutputFormat.table,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    moment = parse_since(since) if since is not None else None
    query = ListingQuery(sort=sort.value, task=task)
    with reader(cache_dir, notify) as store:
        series = model_series(store, query, model.strip(), group=group.value if group else None, since=moment)
    if series.derived:
        _say_derived(query, notify)
    emit(series_view(series, fmt, limit), fmt)
    if plot:
        if fmt is not OutputFormat.table:
            notify("--plot draws on the table output only; left out")
            return
        width = max(20, min(72, shutil.get_terminal_size((100, 24)).columns - 16))
        lines: list[str] = []
        for chart in series_charts(series):
            drawn = draw_chart(chart.times, chart.values, title=chart.title, label=chart.label, width=width,
                         invert=chart.invert)
            lines += [*drawn, ""] if drawn else []
        sys.stdout.write("\n" + "\n".join(lines))


IMPORT_HELP = """Backfill: store a Hub-shaped JSON list as a snapshot taken at --at.

The file is what /api/models returns (a JSON list of models, gzip allowed); it is ranked by the
listing's sort and filtered by its filters. By default it becomes the unfiltered downloads
listing, which movers and history read. Importing the same content again changes nothing.

Examples:

  hubradar import models-2026-08-14.json --at 2026-08-14T19:00Z

  hubradar import trending.json --at 2026-08-01 --query trending

  for f in models-2026-08-*.json; do d=${f#models-}; hubradar import "$f" --at "${d%.json}T19:00Z"; done
"""


def import_cmd(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A Hub-shaped JSON list (.json or .json.gz).")],
    at: Annotated[str, typer.Option("--at", help="When the list was taken: 2026-08-14 or 2026-08-14T19:00Z (UTC).",
                                    rich_help_panel=HISTORY)],
    query_spec: QuerySpecOpt = "downloads",
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    if file.suffix.lower() == ".parquet":  # a whole-Hub dump: cli/crawl.py
        from hubradar.cli.crawl import import_parquet

        return import_parquet(file, at, cache_dir, notify)
    moment = parse_moment(at, "at")
    query = parse_query_spec(query_spec)
    backfill = read_import(file, query)
    with writer(cache_dir, notify) as store:
        snapshot_id = save_import(store, backfill, moment)
    if snapshot_id is None:
        notify(f"{file.name} is already imported as {listing_name(query)}; nothing changed")
        return
    extra = [count_of(n, noun) + rest for n, noun, rest in (
        (backfill.skipped, "unreadable or duplicate row", " skipped"),
        (backfill.unmatched, "row", " outside the listing's filters left out")) if n]
    notify(f"imported {count_of(len(backfill.records), 'model')} from {file.name} as {listing_name(query)} at "
           f"{when(moment)} UTC" + (f" ({'; '.join(extra)})" if extra else ""))


EXPORT_HELP = """Write stored snapshots as JSON Lines: one snapshot (time, listing, ranked models) a line.

Examples:

  hubradar export > hubradar-history.jsonl

  hubradar export --query downloads --since 30d --output month.jsonl

  hubradar export | jq -c '{fetched_at, query, n: (.rows | length)}'
"""


def export_cmd(
    query_spec: Annotated[str | None, typer.Option(
        "--query", help="Only this listing ('downloads', 'trending task=text-generation'); default all.",
        rich_help_panel=HISTORY)] = None,
    since: FromOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.",
                                                rich_help_panel=HISTORY)] = None,
    cache_dir: CacheDirOpt = None,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    query = parse_query_spec(query_spec) if query_spec is not None else None
    moment = parse_since(since) if since is not None else None
    with reader(cache_dir, notify) as store:
        lines = export_lines(store, query, moment)
        count = 0
        if output is None:
            for line in lines:
                sys.stdout.write(line + "\n")
                count += 1
        else:
            try:
                with output.open("w", encoding="utf-8") as handle:
                    for line in lines:
                        handle.write(line + "\n")
                        count += 1
            except OSError as err:
                raise HubradarError(f"--output {output}: {err.strerror or err}") from None
    if count == 0:
        notify("no snapshots match; nothing exported")
    elif output is not None:
        notify(f"wrote {count_of(count, 'snapshot')} to {output}")


RECORD_HELP = """Fetch the standard listings and store them: for cron or a CI schedule.

Trending and top (30-day downloads), overall and for each --task, 1,000 deep. Prints nothing
unless something fails (then one line per failure, and exit 1).

Examples:

  hubradar record

  hubradar record --task text-generation --task feature-extraction

  0 * * * * hubradar record --task text-generation    # crontab: every hour
"""


@bundled
def record_cmd(
    task: Annotated[list[str] | None, typer.Option("--task", "-t", help="Also record this task's listings "
                                                   "(repeat for more).", rich_help_panel=HISTORY)] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=100_000, help="Models per listing.",
                                       rich_help_panel=HISTORY)] = 1000,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say what was recorded.")] = False,
    hub: HubFlags = HubFlags(),
) -> None:
    notify = Notifier(quiet=not verbose)
    options = hub.options(notify)
    results = record(standard_queries(task or (), depth), options)
    failed = [r for r in results if r.failure]
    for result in results:
        if result.failure:
            notify.error(f"{listing_name(result.query)}: {result.failure.for_cli()}")
        else:
            notify(f"recorded {count_of(result.rows, 'model')} of {listing_name(result.query)}")
    if failed:
        raise typer.Exit(1)


movers_cmd.__doc__ = MOVERS_HELP
history_cmd.__doc__ = HISTORY_HELP
import_cmd.__doc__ = IMPORT_HELP
export_cmd.__doc__ = EXPORT_HELP
record_cmd.__doc__ = RECORD_HELP
