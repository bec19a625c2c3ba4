"""`hubradar trending` and `hubradar top`: what is rising, and what pipelines rely on."""

from __future__ import annotations

from hubradar.app.listing import GROUP_DEPTH, grouped, ranked
from hubradar.cli.options import (
    FetchFlags,
    FormatOpt,
    ListingFlags,
    QuietOpt,
    TopSort,
    TopSortOpt,
    bundled,
)
from hubradar.core.errors import UsageError
from hubradar.core.query import SIGNAL_DEPTH, SIGNAL_DEPTH_MAX, ListingQuery, SignalRequest
from hubradar.core.sizes import SizeFilter
from hubradar.core.vocabulary import SORTS
from hubradar.render.notices import Notifier
from hubradar.render.text import emit
from hubradar.views.listing import listing_view
from hubradar.views.view import OutputFormat

TRENDING_HELP = """Models rising now, by the Hub's trending score (the likes a model got over about the last 7 days).

Examples:

  hubradar trending

  hubradar trending --task text-generation --group family --derivatives --format json

  hubradar trending --size small --served --derivatives --ram
"""

TOP_HELP = """The most relied-on models, by downloads over the last 30 days (or --sort).

Examples:

  hubradar top --sort all-time --library gguf --format csv > top.csv

  hubradar top --task text-generation --min-params 7B --max-params 70B --group family

  hubradar top --sort ram --depth 200 --task text-generation
"""


def show(query: ListingQuery, *, fmt: OutputFormat, notify: Notifier, fetch: FetchFlags, title: str,
         signals: SignalRequest, sizes: SizeFilter | None, group: str | None, depth: int | None) -> None:
    """Answer a listing (`app.listing`) and print it, or its groups; shared by `trending` and `top`."""
    options = fetch.options(notify, spinner=fmt is OutputFormat.table)
    if group is not None:
        from hubradar.views.families import group_view  # lineage, families: only for --group

        answer = grouped(query, options, by=group, depth=depth or GROUP_DEPTH, sizes=sizes,
                         derivatives=signals.derivatives)
        view = group_view(answer, fmt=fmt, title=title)
        view.meta["query"].update(signals.describe())
    else:
        result = ranked(query, options, signals=signals, sizes=sizes)
        view = listing_view(result.listing, title, signals=signals.shown, sized=result.sized,
                            history=result.history)
        view.meta["query"].update(signals.describe())
    emit(view, fmt)


@bundled
def trending(
    listing: ListingFlags = ListingFlags(),
    fmt: FormatOpt = OutputFormat.table,
    fetch: FetchFlags = FetchFlags(),
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    size_filter = listing.sizes.filter(notify)
    if listing.depth is not None and listing.group is None:
        raise UsageError("--depth applies to trending only with --group")
    if listing.ram and listing.group is not None:
        raise UsageError("--ram is a column of models, not of groups: drop --group")
    show(listing.query("trending"), fmt=fmt, notify=notify, fetch=fetch, title=SORTS["trending"].title,
         signals=SignalRequest(derivatives=listing.derivatives, limit=listing.limit, ram=listing.ram),
         sizes=size_filter,
         group=listing.group.value if listing.group else None, depth=listing.depth)


@bundled
def top(
    sort: TopSortOpt = TopSort["downloads"],
    listing: ListingFlags = ListingFlags(),
    fmt: FormatOpt = OutputFormat.table,
    fetch: FetchFlags = FetchFlags(),
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    size_filter = listing.sizes.filter(notify)
    limit, group, depth, derivatives = listing.limit, listing.group, listing.depth, listing.derivatives
    spec = SORTS[sort.value]
    signal = spec.name if spec.signal else None  # ranked here over the top --depth by downloads
    if group is not None and signal is not None:
        # --derivatives is fine with --group: it adds the members' summed derivatives to each group shown.
        raise UsageError(f"--group ranks groups by downloads, likes, trending or all-time, not --sort {signal}")
    if listing.ram and group is not None:
        raise UsageError("--ram is a column of models, not of groups: drop --group")
    if depth is not None and signal is None and group is None:
        raise UsageError("--depth applies only with --group or --sort providers|derivatives|ram")
    if signal is not None and depth is not None and depth > SIGNAL_DEPTH_MAX:
        why = "one Hub page of peers" if signal == "ram" else "one lookup per model"
        raise UsageError(f"--depth with --sort {signal}: at most {SIGNAL_DEPTH_MAX:,} ({why})")
    rank_depth = max(depth or SIGNAL_DEPTH, limit)
    query = listing.query("downloads" if signal else spec.name, rank_depth if signal else limit)
    show(query, fmt=fmt, notify=notify, fetch=fetch, title=spec.title.format(depth=rank_depth),
         signals=SignalRequest(sort=signal, derivatives=derivatives, limit=limit, depth=rank_depth,
                               ram=listing.ram),
         sizes=size_filter, group=group.value if group else None, depth=depth)


trending.__doc__ = TRENDING_HELP
top.__doc__ = TOP_HELP
