"""`hubradar trending` and `hubradar top`: what is rising, and what pipelines rely on."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from hubradar.analysis.sizes import SizeFilter, filter_depth, scan_notice
from hubradar.app.listing import Listing, get_listing
from hubradar.app.signals import DEFAULT_DEPTH, SIGNALS, SignalRequest, apply_signals, hub_answered, with_derivatives
from hubradar.cli.options import (
    AuthorOpt,
    CacheDirOpt,
    DepthOpt,
    DerivativesOpt,
    EndpointOpt,
    FormatOpt,
    GroupChoice,
    GroupOpt,
    IncludeUnknownOpt,
    LibraryOpt,
    LimitOpt,
    MaxAgeOpt,
    MaxParamsOpt,
    MinParamsOpt,
    OfflineOpt,
    QuietOpt,
    RefreshOpt,
    RetriesOpt,
    SearchOpt,
    ServedOpt,
    SizeOpt,
    TaskOpt,
    TimeoutOpt,
    TokenOpt,
    TopSortChoice,
    TopSortOpt,
    fetch_options,
    size_filter,
)
from hubradar.core.errors import UsageError
from hubradar.core.query import ListingQuery
from hubradar.core.tasks import PIPELINE_TAGS, closest_tasks
from hubradar.render.text import Notifier, OutputFormat, emit
from hubradar.views.listing import listing_view, sized_listing

GROUP_DEPTH = 1000  # --group: families are computed from this many models of the listing
SIGNAL_DEPTH_MAX = 1000  # --sort providers|derivatives: one lookup per model, within the Hub's budget

TRENDING_HELP = """Models rising now, by the Hub's trending score.

Examples:

  hubradar trending

  hubradar trending --task text-generation --group family --derivatives --format json

  hubradar trending --size small --served --derivatives
"""

TOP_HELP = """The most relied-on models, by downloads over the last 30 days (or --sort).

Examples:

  hubradar top --sort all-time --library gguf --format csv > top.csv

  hubradar top --task text-generation --min-params 7B --max-params 70B --group family

  hubradar top --sort derivatives --depth 200 --task text-generation
"""


def check_task(listing: Listing) -> None:
    """An empty listing for a task the Hub does not know is a typo: say so, with the closest tags."""
    task = listing.query.task
    if not listing.records and task and task not in PIPELINE_TAGS:
        suggestions = closest_tasks(task)
        hint = f"; closest known pipeline tags: {', '.join(suggestions)}" if suggestions else ""
        raise UsageError(f"--task {task!r} matches no models{hint}")


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
    signals: SignalRequest | None = None,
    sizes: SizeFilter | None = None,
    group: GroupChoice | None = None,
    depth: int = GROUP_DEPTH,
) -> Listing:
    """Fetch (or serve from cache) a listing and print it, or its groups; shared by `trending` and `top`.

    A size filter looks deeper than the rows shown (`filter_depth`) and cuts to --limit after.
    `--group` groups the top `depth` models of the listing instead (see docs/lineage.md); with
    --derivatives, the members of the groups shown are looked up and summed per group.
    """
    options = fetch_options(max_age=max_age, refresh=refresh, offline=offline, cache_dir=cache_dir,
                            token=token, endpoint=endpoint, timeout=timeout, retries=retries, notify=notify,
                            spinner=fmt is OutputFormat.table)
    if group is not None:
        listing = get_listing(query, options, depth=depth)
        check_task(listing)
        if query.sort == "all-time":
            notify("the Hub cannot sort by all-time downloads: ranked the top 1,000 by 30-day downloads instead")
        from hubradar.views.families import listing_group_view  # lineage, families, trees: only for --group

        look_up = None
        if signals is not None and signals.derivatives:
            look_up = partial(with_derivatives, options=options, online=hub_answered(listing, options))
        view = listing_group_view(listing, group.value, depth=depth, fmt=fmt, title=title, sizes=sizes,
                                  derivatives=look_up)
        if signals is not None:
            view.meta["query"].update(signals.describe())
        emit(view, fmt)
        return listing
    listing = get_listing(query, options, depth=filter_depth(query.limit) if sizes else 0)
    check_task(listing)
    if query.sort == "all-time":
        notify("the Hub cannot sort by all-time downloads: ranked the top 1,000 by 30-day downloads instead")
    kept = None
    if sizes is not None:  # the first --limit (or --depth) models of the size asked for, in the Hub's order
        kept = sized_listing(listing, sizes)
        notify(scan_notice(kept, query.sort))
        listing = replace(listing, records=[row.record for row in kept.rows])
    signals = signals or SignalRequest(limit=query.limit)
    listing = apply_signals(listing, signals, options)
    view = listing_view(listing, title, signals=signals.shown, sized=kept)
    view.meta["query"].update(signals.describe())
    emit(view, fmt)
    return listing


def _check_group(group: GroupChoice | None, signal: str | None = None) -> None:
    """`--group` ranks groups by summed downloads, likes or trending scores, not by a signal sort.

    (`--derivatives` is fine: it adds the members' summed derivatives to each group shown.)
    """
    if group is not None and signal is not None:
        raise UsageError(f"--group ranks groups by downloads, likes, trending or all-time, not --sort {signal}")


def trending(
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    served: ServedOpt = False,
    size: SizeOpt = None,
    min_params: MinParamsOpt = None,
    max_params: MaxParamsOpt = None,
    include_unknown: IncludeUnknownOpt = False,
    limit: LimitOpt = 20,
    group: GroupOpt = None,
    depth: DepthOpt = None,
    derivatives: DerivativesOpt = False,
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
    notify = Notifier(quiet)
    sizes = size_filter(size=size, min_params=min_params, max_params=max_params, include_unknown=include_unknown,
                        notify=notify)
    _check_group(group)
    if depth is not None and group is None:
        raise UsageError("--depth applies to trending only with --group")
    query = ListingQuery(sort="trending", task=task, author=author, search=search, library=library, limit=limit,
                         inference_provider="all" if served else None)
    run_listing(query, fmt=fmt, notify=notify, title="Trending on the Hub", max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, retries=retries, signals=SignalRequest(derivatives=derivatives, limit=limit),
                sizes=sizes, group=group, depth=depth or GROUP_DEPTH)


def top(
    sort: TopSortOpt = TopSortChoice.downloads,
    task: TaskOpt = None,
    author: AuthorOpt = None,
    search: SearchOpt = None,
    library: LibraryOpt = None,
    served: ServedOpt = False,
    size: SizeOpt = None,
    min_params: MinParamsOpt = None,
    max_params: MaxParamsOpt = None,
    include_unknown: IncludeUnknownOpt = False,
    limit: LimitOpt = 20,
    group: GroupOpt = None,
    depth: DepthOpt = None,
    derivatives: DerivativesOpt = False,
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
    notify = Notifier(quiet)
    sizes = size_filter(size=size, min_params=min_params, max_params=max_params, include_unknown=include_unknown,
                        notify=notify)
    signal = sort.value if sort.value in SIGNALS else None  # ranked here over the top --depth by downloads
    _check_group(group, signal)
    if depth is not None and signal is None and group is None:
        raise UsageError("--depth applies only with --group or --sort providers|derivatives")
    if signal is not None and depth is not None and depth > SIGNAL_DEPTH_MAX:
        raise UsageError(f"--depth with --sort {signal}: at most {SIGNAL_DEPTH_MAX:,} (one lookup per model)")
    rank_depth = max(depth or DEFAULT_DEPTH, limit)
    query = ListingQuery(sort="downloads" if signal else sort.value, task=task, author=author, search=search,
                         library=library, limit=rank_depth if signal else limit,
                         inference_provider="all" if served else None)
    titles = {"downloads": "Most downloaded (30 days)", "likes": "Most liked", "trending": "Trending on the Hub",
              "all-time": "Most downloaded (all time)",
              "providers": f"Most served (live inference providers, top {rank_depth} by downloads)",
              "derivatives": f"Most built on (derivative models, top {rank_depth} by downloads)"}
    run_listing(query, fmt=fmt, notify=notify, title=titles[sort.value], max_age=max_age,
                refresh=refresh, offline=offline, cache_dir=cache_dir, token=token, endpoint=endpoint,
                timeout=timeout, retries=retries,
                signals=SignalRequest(sort=signal, derivatives=derivatives, limit=limit, depth=rank_depth),
                sizes=sizes, group=group, depth=depth or GROUP_DEPTH)


trending.__doc__ = TRENDING_HELP
top.__doc__ = TOP_HELP
