"""`hubradar trending` and `hubradar top`: what is rising, and what pipelines rely on."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..listing import Listing, get_listing
from ..query import ListingQuery
from ..render import Notifier, OutputFormat, emit
from ..tasks import PIPELINE_TAGS, closest_tasks
from ..views import listing_view
from .options import (
    AuthorOpt,
    CacheDirOpt,
    EndpointOpt,
    FormatOpt,
    LibraryOpt,
    LimitOpt,
    MaxAgeOpt,
    OfflineOpt,
    QuietOpt,
    RefreshOpt,
    RetriesOpt,
    SearchOpt,
    SortChoice,
    SortOpt,
    TaskOpt,
    TimeoutOpt,
    TokenOpt,
    fetch_options,
)

TRENDING_HELP = """Models rising now, by the Hub's trending score.

Examples:

  hubradar trending

  hubradar trending --task text-generation --limit 10

  hubradar trending --author Qwen --format json
"""

TOP_HELP = """The most relied-on models, by downloads over the last 30 days (or --sort).

Examples:

  hubradar top --task text-generation

  hubradar top --sort likes --library gguf

  hubradar top --sort all-time --format csv > top.csv
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
    retries: int | None = None,
) -> Listing:
    """Fetch (or serve from cache) a listing and print it; shared by `trending` and `top`."""
    options = fetch_options(max_age=max_age, refresh=refresh, offline=offline, cache_dir=cache_dir,
                            token=token, endpoint=endpoint, timeout=timeout, retries=retries, notify=notify)
    listing = get_listing(query, options)
    if not listing.records and query.task and query.task not in PIPELINE_TAGS:
        suggestions = closest_tasks(query.task)
        hint = f"; closest known pipeline tags: {', '.join(suggestions)}" if suggestions else ""
        raise UsageError(f"--task {query.task!r} matches no models{hint}")
    if query.sort == "all-time":
        notify("the Hub cannot sort by all-time downloads: ranked the top 1,000 by 30-day downloads instead")
    emit(listing_view(listing, title), fmt)
    return listing


def trending(
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    limit: LimitOpt = 20,
    fmt: FormatOpt = OutputFormat.table,
    max_age: MaxAgeOpt = "1h",
    refresh: RefreshOpt = False,
    offline: OfflineOpt = False,
    cache_dir: CacheDirOpt = None,
    token: TokenOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    retries: RetriesOpt = 3,
    quiet: QuietOpt = False,
) -> None:
    query = ListingQuery(sort="trending", task=task, author=author, search=search, library=library, limit=limit)
    run_listing(query, fmt=fmt, notify=Notifier(quiet), title="Trending on the Hub", max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, retries=retries)


def top(
    sort: SortOpt = SortChoice.downloads,
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    limit: LimitOpt = 20,
    fmt: FormatOpt = OutputFormat.table,
    max_age: MaxAgeOpt = "1h",
    refresh: RefreshOpt = False,
    offline: OfflineOpt = False,
    cache_dir: CacheDirOpt = None,
    token: TokenOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    retries: RetriesOpt = 3,
    quiet: QuietOpt = False,
) -> None:
    query = ListingQuery(sort=sort.value, task=task, author=author, search=search, library=library, limit=limit)
    titles = {"downloads": "Most downloaded (30 days)", "likes": "Most liked", "trending": "Trending on the Hub",
              "all-time": "Most downloaded (all time)"}
    run_listing(query, fmt=fmt, notify=Notifier(quiet), title=titles[sort.value], max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, retries=retries)


trending.__doc__ = TRENDING_HELP
top.__doc__ = TOP_HELP
