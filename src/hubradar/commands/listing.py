"""`hubradar trending` and `hubradar top`: what is rising, and what pipelines rely on."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..listing import Listing, get_listing
from ..query import ListingQuery
from ..render import Notifier, OutputFormat, emit
from ..sizes import SizeFilter, filter_depth, scan_notice
from ..tasks import PIPELINE_TAGS, closest_tasks
from ..views import listing_view, sized_listing
from .options import (
    AuthorOpt,
    CacheDirOpt,
    EndpointOpt,
    FormatOpt,
    IncludeUnknownOpt,
    LibraryOpt,
    LimitOpt,
    MaxAgeOpt,
    MaxParamsOpt,
    MinParamsOpt,
    OfflineOpt,
    QuietOpt,
    RefreshOpt,
    SearchOpt,
    SizeOpt,
    SortChoice,
    SortOpt,
    TaskOpt,
    TimeoutOpt,
    TokenOpt,
    fetch_options,
    size_filter,
)

TRENDING_HELP = """Models rising now, by the Hub's trending score.

Examples:

  hubradar trending

  hubradar trending --task text-generation --limit 10

  hubradar trending --author Qwen --format json

  hubradar trending --size small --limit 10
"""

TOP_HELP = """The most relied-on models, by downloads over the last 30 days (or --sort).

Examples:

  hubradar top --task text-generation

  hubradar top --sort likes --library gguf

  hubradar top --sort all-time --format csv > top.csv

  hubradar top --task text-generation --min-params 7B --max-params 70B
"""


def run_listing(
    query: ListingQuery,
    *,
    fmt: OutputFormat,
    notify: Notifier,
    title: str,
    max_age: str,
    refresh: bool,
    offline: bool,
    cache_dir: Path | None,
    token: str | None,
    endpoint: str | None,
    timeout: float,
    sizes: SizeFilter | None = None,
) -> Listing:
    """Fetch (or serve from cache) a listing and print it; shared by `trending` and `top`.

    A size filter looks deeper than the rows shown (`filter_depth`) and cuts to --limit after.
    """
    options = fetch_options(max_age=max_age, refresh=refresh, offline=offline, cache_dir=cache_dir,
                            token=token, endpoint=endpoint, timeout=timeout, notify=notify)
    listing = get_listing(query, options, depth=filter_depth(query.limit) if sizes else 0)
    if not listing.records and query.task and query.task not in PIPELINE_TAGS:
        suggestions = closest_tasks(query.task)
        hint = f"; closest known pipeline tags: {', '.join(suggestions)}" if suggestions else ""
        raise UsageError(f"--task {query.task!r} matches no models{hint}")
    if query.sort == "all-time":
        notify("the Hub cannot sort by all-time downloads: ranked the top 1,000 by 30-day downloads instead")
    sized = sized_listing(listing, sizes)
    if sizes is not None:
        notify(scan_notice(sized, query.sort))
    emit(listing_view(listing, title, sized), fmt)
    return listing


def trending(
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    size: SizeOpt = None,
    min_params: MinParamsOpt = None,
    max_params: MaxParamsOpt = None,
    include_unknown: IncludeUnknownOpt = False,
    limit: LimitOpt = 20,
    fmt: FormatOpt = OutputFormat.table,
    max_age: MaxAgeOpt = "1h",
    refresh: RefreshOpt = False,
    offline: OfflineOpt = False,
    cache_dir: CacheDirOpt = None,
    token: TokenOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    sizes = size_filter(size=size, min_params=min_params, max_params=max_params, include_unknown=include_unknown,
                        notify=notify)
    query = ListingQuery(sort="trending", task=task, author=author, search=search, library=library, limit=limit)
    run_listing(query, fmt=fmt, notify=notify, title="Trending on the Hub", max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, sizes=sizes)


def top(
    sort: SortOpt = SortChoice.downloads,
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    size: SizeOpt = None,
    min_params: MinParamsOpt = None,
    max_params: MaxParamsOpt = None,
    include_unknown: IncludeUnknownOpt = False,
    limit: LimitOpt = 20,
    fmt: FormatOpt = OutputFormat.table,
    max_age: MaxAgeOpt = "1h",
    refresh: RefreshOpt = False,
    offline: OfflineOpt = False,
    cache_dir: CacheDirOpt = None,
    token: TokenOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    sizes = size_filter(size=size, min_params=min_params, max_params=max_params, include_unknown=include_unknown,
                        notify=notify)
    query = ListingQuery(sort=sort.value, task=task, author=author, search=search, library=library, limit=limit)
    titles = {"downloads": "Most downloaded (30 days)", "likes": "Most liked", "trending": "Trending on the Hub",
              "all-time": "Most downloaded (all time)"}
    run_listing(query, fmt=fmt, notify=notify, title=titles[sort.value], max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, sizes=sizes)


trending.__doc__ = TRENDING_HELP
top.__doc__ = TOP_HELP
