"""Options shared by several commands, as `Annotated` aliases, and what they build.

Each command declares the options it takes with these aliases, so a flag is spelled, documented
and validated in one place.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hubradar.analysis.sizes import SizeBand, SizeFilter
from hubradar.app.listing import FetchOptions
from hubradar.app.signals import SIGNALS
from hubradar.core.units import parse_duration
from hubradar.render.text import Notifier, OutputFormat

FETCH = "Fetching and cache"
FILTERS = "Filters"
SIZES = "Sizes"
OUTPUT = "Output"


def complete_task(incomplete: str) -> list[str]:
    """Shell completion for --task: the Hub's pipeline tags that start with what was typed."""
    from hubradar.core.tasks import PIPELINE_TAGS

    return [tag for tag in PIPELINE_TAGS if tag.startswith(incomplete)]


class SortChoice(StrEnum):
    downloads = "downloads"
    likes = "likes"
    trending = "trending"
    all_time = "all-time"


class GroupChoice(StrEnum):
    family = "family"
    author = "author"
    series = "series"


SortOpt = Annotated[
    SortChoice,
    typer.Option("--sort", "-s", case_sensitive=False, rich_help_panel=OUTPUT,
                 help="downloads (30 days), likes, trending, or all-time downloads."),
]


# `top`'s sorts: the Hub's (SortChoice), plus the signals it ranks over the top --depth by downloads.
TopSortChoice = StrEnum("TopSortChoice", [(c.name, c.value) for c in SortChoice] + [(s, s) for s in SIGNALS])


TopSortOpt = Annotated[
    TopSortChoice,
    typer.Option("--sort", "-s", case_sensitive=False, rich_help_panel=OUTPUT,
                 help="downloads (30 days), likes, trending, all-time downloads, or providers (live inference "
                      "providers) / derivatives (models built on it) among the top --depth by downloads."),
]
DepthOpt = Annotated[
    int | None,
    typer.Option("--depth", min=1, max=100_000, rich_help_panel=OUTPUT, show_default=False,
                 help="How many of the listing's models to work from: with --group (default 1,000; deeper finds "
                      "more re-uploads) or --sort providers|derivatives (default 100, at most 1,000)."),
]
ServedOpt = Annotated[
    bool, typer.Option("--served", help="Only models served by at least one live inference provider.",
                       rich_help_panel=FILTERS)
]
DerivativesOpt = Annotated[
    bool,
    typer.Option("--derivatives", rich_help_panel=OUTPUT,
                 help="Add a derivatives column: models built on each one (one Hub request per model, cached a "
                      "day); with --group, summed over each group's members."),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people; json, csv or md for pipes.",
                 case_sensitive=False, rich_help_panel=OUTPUT),
]
LimitOpt = Annotated[
    int, typer.Option("--limit", "-n", min=1, max=100_000, help="How many models to show.", rich_help_panel=OUTPUT)
]
TaskOpt = Annotated[
    str | None,
    typer.Option("--task", "-t", help="Pipeline tag, e.g. text-generation, feature-extraction.",
                 rich_help_panel=FILTERS, autocompletion=complete_task),
]
TasksOpt = Annotated[
    list[str] | None,
    typer.Option("--task", "-t", metavar="TAG", help="Pipeline tag, e.g. text-generation; repeat for several.",
                 rich_help_panel=FILTERS),
]
AuthorOpt = Annotated[
    str | None, typer.Option("--author", help="Only models of this org or user.", rich_help_panel=FILTERS)
]
SearchOpt = Annotated[
    str | None, typer.Option("--search", help="Only ids containing this text.", rich_help_panel=FILTERS)
]
LibraryOpt = Annotated[
    str | None,
    typer.Option("--library", help="Only models of this library (transformers, gguf, mlx, ...).",
                 rich_help_panel=FILTERS),
]
SizeOpt = Annotated[
    SizeBand | None,
    typer.Option("--size", case_sensitive=False, rich_help_panel=SIZES,
                 help="Size band: tiny (under 1B), small (1–9B), medium (10–99B), large (100B and over)."),
]
MinParamsOpt = Annotated[
    str | None,
    typer.Option("--min-params", metavar="SIZE", rich_help_panel=SIZES,
                 help="At least this many parameters: 500M, 7B, 1.5b, 1T, 7e9."),
]
MaxParamsOpt = Annotated[
    str | None,
    typer.Option("--max-params", metavar="SIZE", rich_help_panel=SIZES,
                 help="At most this many parameters: 500M, 7B, 1.5b, 1T, 7e9."),
]
IncludeUnknownOpt = Annotated[
    bool,
    typer.Option("--include-unknown", rich_help_panel=SIZES,
                 help="Keep models of unknown size when filtering by size (left out by default)."),
]
MaxAgeOpt = Annotated[
    str,
    typer.Option("--max-age", help="Serve a cached listing younger than this (30m, 2h, 0 = always fetch).",
                 rich_help_panel=FETCH),
]
RefreshOpt = Annotated[
    bool, typer.Option("--refresh", help="Fetch from the Hub even when the cache is fresh.", rich_help_panel=FETCH)
]
OfflineOpt = Annotated[
    bool,
    typer.Option("--offline", help="Never touch the network: cache, else the bundled snapshot.",
                 rich_help_panel=FETCH),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", envvar="HUBRADAR_CACHE_DIR", help="Where the SQLite cache lives.",
                 rich_help_panel=FETCH, show_envvar=True),
]
TokenOpt = Annotated[
    str | None,
    typer.Option("--token", envvar="HF_TOKEN", help="Hugging Face token (default: HF_TOKEN). Never shown or stored.",
                 rich_help_panel=FETCH, show_default=False, show_envvar=True),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", envvar="HF_ENDPOINT", help="Hub endpoint (default: HF_ENDPOINT or huggingface.co).",
                 rich_help_panel=FETCH, show_envvar=True),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0.1, max=3600, help="Seconds to wait for each Hub response, body included.",
                 rich_help_panel=FETCH),
]
RetriesOpt = Annotated[
    int,
    typer.Option("--retries", min=0, max=20, rich_help_panel=FETCH,
                 help="Retries after a 429, 5xx, timeout or dropped connection (within 20 s; then the cache answers)."),
]
GroupOpt = Annotated[
    GroupChoice | None,
    typer.Option("--group", "-g", case_sensitive=False, rich_help_panel=OUTPUT,
                 help="One row per family (a base and its re-uploads), author, or name series; see docs/lineage.md."),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No notices on stderr (errors are still shown).", rich_help_panel=OUTPUT)
]


def fetch_options(
    *,
    max_age: str,
    refresh: bool,
    offline: bool,
    cache_dir: Path | None,
    token: str | None,
    endpoint: str | None,
    timeout: float,
    notify: Notifier,
    retries: int | None = None,
    spinner: bool = False,
) -> FetchOptions:
    """Turn the shared fetch flags into `FetchOptions` (validating --max-age).

    `spinner=True` shows one on stderr while fetching (only when stderr is a terminal); pass it for
    table output only, never for json/csv/md.
    """
    from hubradar.fetch.client import HubSettings
    from hubradar.render.progress import no_progress
    from hubradar.render.progress import spinner as show_spinner

    return FetchOptions(
        max_age=parse_duration(max_age, "--max-age"),
        refresh=refresh,
        offline=offline,
        cache_dir=cache_dir,
        hub=HubSettings.from_env(endpoint=endpoint, token=token, timeout=timeout, retries=retries, offline=offline),
        notify=notify,
        progress=show_spinner if spinner and not notify.quiet else no_progress,
    )


def size_filter(
    *,
    size: SizeBand | None,
    min_params: str | None,
    max_params: str | None,
    include_unknown: bool,
    notify: Notifier,
) -> SizeFilter | None:
    """Turn the size flags into a `SizeFilter` (UsageError on bad sizes), None when none is given."""
    flt = SizeFilter.build(size=size, min_params=min_params, max_params=max_params,
                           include_unknown=include_unknown)
    if flt is None and include_unknown:
        notify("--include-unknown does nothing without --size, --min-params or --max-params")
    return flt
