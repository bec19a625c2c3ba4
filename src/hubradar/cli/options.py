"""Options shared by several commands: `Annotated` aliases, and the flag bundles they make up.

Each command declares its own options with these aliases, so a flag is spelled, documented and
validated in one place. Options that always travel together are a bundle: a NamedTuple whose
fields are the aliases (`FetchFlags`, `HubFlags`, `SizeFlags`, NamedTuples). A command takes a bundle as one
parameter, `fetch: FetchFlags`, and `@bundled` gives Typer its options and the command the filled
bundle, as sqlite-utils' `output_options` decorator does for click. The choices are derived from
the library's vocabulary (`core.vocabulary`), as the hf CLI derives its enums from `Literal`s.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TypeVar

import typer

from hubradar.app.options import FetchOptions, fetch_options
from hubradar.core.progress import no_progress
from hubradar.core.query import ListingQuery
from hubradar.core.sizes import SizeBand, SizeFilter
from hubradar.core.vocabulary import ADOPTION_KINDS, GROUPS, HISTORY_GROUPS, HISTORY_SORTS, TOP_SORTS
from hubradar.render.notices import Notifier
from hubradar.views.view import OutputFormat

FETCH = "Fetching and cache"
FILTERS = "Filters"
SIZES = "Sizes"
OUTPUT = "Output"


def _members(values: Iterable[str]) -> dict[str, str]:
    """Enum members for the library's names (`all-time` becomes the member `all_time`)."""
    return {value.replace("-", "_"): value for value in values}


# The CLI's choices, made from the library's vocabulary (as the hf CLI builds its enums from `Literal`s).
TopSort = StrEnum("TopSort", _members(TOP_SORTS))  # type: ignore[misc]
HistorySort = StrEnum("HistorySort", _members(HISTORY_SORTS))  # type: ignore[misc]
GroupChoice = StrEnum("GroupChoice", _members(GROUPS))  # type: ignore[misc]
HistoryGroup = StrEnum("HistoryGroup", _members(HISTORY_GROUPS))  # type: ignore[misc]
AdoptionChoice = StrEnum("AdoptionChoice", _members(ADOPTION_KINDS))  # type: ignore[misc]


def complete_task(incomplete: str) -> list[str]:
    """Shell completion for --task: the Hub's pipeline tags that start with what was typed."""
    from hubradar.core.tasks import PIPELINE_TAGS

    return [tag for tag in PIPELINE_TAGS if tag.startswith(incomplete)]


FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people; json, csv or md for pipes.",
                 case_sensitive=False, rich_help_panel=OUTPUT),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No notices on stderr (errors are still shown).", rich_help_panel=OUTPUT)
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
ServedOpt = Annotated[
    bool, typer.Option("--served", help="Only models served by at least one live inference provider.",
                       rich_help_panel=FILTERS)
]
TopSortOpt = Annotated[
    TopSort,
    typer.Option("--sort", "-s", case_sensitive=False, rich_help_panel=OUTPUT,
                 help="downloads (30 days), likes, trending, all-time downloads, or providers (live inference "
                      "providers) / derivatives (models built on it) / ram (relative adoption: downloads against "
                      "the 10th of its size class at the same age) among the top --depth by downloads."),
]
DepthOpt = Annotated[
    int | None,
    typer.Option("--depth", min=1, max=100_000, rich_help_panel=OUTPUT, show_default=False,
                 help="How many of the listing's models to work from: with --group (default 1,000; deeper finds "
                      "more re-uploads) or --sort providers|derivatives|ram (default 100, at most 1,000)."),
]
RamOpt = Annotated[
    bool,
    typer.Option("--ram", rich_help_panel=OUTPUT,
                 help="Add a RAM column: relative adoption, the model's cumulative downloads over those of the "
                      "10th-ranked model of its size class at the same age (above 1: on track for its class's top "
                      "10); see docs/methodology.md."),
]
DerivativesOpt = Annotated[
    bool,
    typer.Option("--derivatives", rich_help_panel=OUTPUT,
                 help="Add a derivatives column: models built on each one (one Hub request per model, cached a "
                      "day); with --group, summed over each group's members."),
]
GroupOpt = Annotated[
    GroupChoice | None,
    typer.Option("--group", "-g", case_sensitive=False, rich_help_panel=OUTPUT,
                 help="One row per family (a base and its re-uploads), author, or name series; see docs/lineage.md."),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", envvar="HUBRADAR_CACHE_DIR", help="Where the SQLite cache lives.",
                 rich_help_panel=FETCH, show_envvar=True),
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


class HubFlags(NamedTuple):
    """How to reach the Hub: every command that may fetch takes these (`record` and `crawl` alone)."""

    cache_dir: CacheDirOpt = None
    token: TokenOpt = None
    endpoint: EndpointOpt = None
    timeout: TimeoutOpt = 10.0
    retries: RetriesOpt = 3

    def options(self, notify: Notifier, *, spinner: bool = False, max_age: str = "0", refresh: bool = True,
                offline: bool = False) -> FetchOptions:
        """`FetchOptions` for these flags: by default fetch every time (no cached answer to fall back on).

        `spinner` shows one on stderr while waiting (a terminal only): for table output, never json/csv/md.
        """
        from hubradar.render.progress import spinner as show_spinner

        return fetch_options(max_age=max_age, refresh=refresh, offline=offline, cache_dir=self.cache_dir,
                             token=self.token, endpoint=self.endpoint, timeout=self.timeout, retries=self.retries,
                             notify=notify, progress=show_spinner if spinner and not notify.quiet else no_progress)


class FetchFlags(NamedTuple):
    """The fetch flags of every command answered from listings: the cache's age, refresh, offline, the Hub."""

    max_age: MaxAgeOpt = "1h"
    refresh: RefreshOpt = False
    offline: OfflineOpt = False
    hub: HubFlags = HubFlags()

    @property
    def cache_dir(self) -> Path | None:
        return self.hub.cache_dir

    def options(self, notify: Notifier, *, spinner: bool = False) -> FetchOptions:
        """`FetchOptions` for these flags (see `HubFlags.options`)."""
        return self.hub.options(notify, spinner=spinner, max_age=self.max_age, refresh=self.refresh,
                                offline=self.offline)


class SizeFlags(NamedTuple):
    """Which model sizes to keep."""

    size: Annotated[
        SizeBand | None,
        typer.Option("--size", case_sensitive=False, rich_help_panel=SIZES,
                     help="Size band: tiny (under 1B), small (1–9B), medium (10–99B), large (100B and over)."),
    ] = None
    min_params: Annotated[
        str | None,
        typer.Option("--min-params", metavar="SIZE", rich_help_panel=SIZES,
                     help="At least this many parameters: 500M, 7B, 1.5b, 1T, 7e9; a bare number is billions "
                          "(7 = 7B)."),
    ] = None
    max_params: Annotated[
        str | None,
        typer.Option("--max-params", metavar="SIZE", rich_help_panel=SIZES,
                     help="At most this many parameters: 500M, 7B, 1.5b, 1T, 7e9; a bare number is billions (7 = 7B)."),
    ] = None
    include_unknown: Annotated[
        bool,
        typer.Option("--include-unknown", rich_help_panel=SIZES,
                     help="Keep models of unknown size when filtering by size (left out by default)."),
    ] = False

    def filter(self, notify: Notifier) -> SizeFilter | None:
        """The `SizeFilter` these flags ask for (UsageError on bad sizes), None when none is given."""
        flt = SizeFilter.build(size=self.size, min_params=self.min_params, max_params=self.max_params,
                               include_unknown=self.include_unknown)
        if flt is None and self.include_unknown:
            notify("--include-unknown does nothing without --size, --min-params or --max-params")
        return flt


class ListingFlags(NamedTuple):
    """What `trending` and `top` share: the listing's filters, sizes, how many rows, and grouping."""

    task: TaskOpt = None
    author: AuthorOpt = None
    search: SearchOpt = None
    library: LibraryOpt = None
    served: ServedOpt = False
    sizes: SizeFlags = SizeFlags()
    limit: LimitOpt = 20
    group: GroupOpt = None
    depth: DepthOpt = None
    derivatives: DerivativesOpt = False
    ram: RamOpt = False

    def query(self, sort: str, limit: int | None = None) -> ListingQuery:
        return ListingQuery(sort=sort, task=self.task, author=self.author, search=self.search, library=self.library,
                            limit=self.limit if limit is None else limit,
                            inference_provider="all" if self.served else None)


F = TypeVar("F", bound=Callable[..., Any])


def _is_bundle(hint: object) -> bool:
    """A flag bundle: a NamedTuple whose fields are `Annotated` option declarations."""
    return isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_field_defaults")


def _expand(name: str, hint: Any, default: Any) -> list[tuple[str, Any, Any]]:
    """A parameter, or a bundle's fields in its place (a bundle inside a bundle too)."""
    if not _is_bundle(hint):
        return [(name, hint, default)]
    hints = typing.get_type_hints(hint, include_extras=True)
    return [item for key in hint._fields for item in _expand(key, hints[key], hint._field_defaults[key])]


def _gather(bundle: Any, values: dict[str, Any]) -> Any:
    """The bundle filled from the parsed values, taking its fields out of `values`."""
    hints = typing.get_type_hints(bundle, include_extras=True)
    return bundle(**{key: _gather(hints[key], values) if _is_bundle(hints[key]) else values.pop(key)
                     for key in bundle._fields})


def bundled(command: F) -> F:
    """Give Typer the options of each flag bundle a command takes, and the command the filled bundle.

    A parameter annotated with a bundle (a NamedTuple of options, which may hold another bundle)
    becomes the bundle's fields, in place, each a keyword option with its own `Annotated`
    declaration; the call gathers them back.
    """
    hints = typing.get_type_hints(command, include_extras=True)
    bundles: dict[str, Any] = {name: hint for name, hint in hints.items() if _is_bundle(hint)}
    params: list[inspect.Parameter] = []
    annotations: dict[str, Any] = {}
    for name, parameter in inspect.signature(command).parameters.items():
        for key, hint, default in _expand(name, hints.get(name, parameter.annotation), parameter.default):
            params.append(inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=hint, default=default))
            annotations[key] = hint

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        for name, bundle in bundles.items():
            values[name] = _gather(bundle, values)
        return command(**values)

    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = annotations
    del run.__wrapped__  # Typer must read the signature above, not the command's own
    return run  # type: ignore[return-value]
