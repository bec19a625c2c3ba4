"""The radar page's data: every listing, grouping, history and comparison `hubradar report` shows.

`radar` gathers it in one call, for the CLI and the library alike; `views.report` says what each
section of the page shows and `render.html` draws it. The history is read before anything is
fetched: this run's own fetches must not become the "newest snapshot" the movers compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.app.gaps import GapReport, find_gaps, read_scores
from hubradar.app.groups import Grouped, group_listing
from hubradar.app.history import Movers, existing_store, history_source, movers
from hubradar.app.listing import check_task, get_listing
from hubradar.app.options import FetchOptions
from hubradar.core.errors import NotEnoughHistory
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery
from hubradar.core.snapshot import SnapshotInfo
from hubradar.core.time import Since, now_utc
from hubradar.store.db import Store

if TYPE_CHECKING:
    from hubradar.app.state import HubState

STATE_FAMILIES = 5  # families the "State of the Hub" section lists
FAMILY_DEPTH = 1000  # families are grouped over the 1,000 most downloaded models: one request
MOVERS_QUERY = ListingQuery(sort="downloads")
MOVERS_SINCE = timedelta(days=7)
SPARK_POINTS = 60  # snapshots a rank series keeps at most (hourly records over a week would be 168)


@dataclass(frozen=True)
class RankHistory:
    """`movers` since a moment, and each shown model's rank in the snapshots between the two compared."""

    movers: Movers
    limit: int  # rows shown of each kind of change (rising, new, falling, dropped)
    times: list[datetime]
    ranks: dict[str, list[int | None]]  # model id -> its rank at each of `times`, None where not listed


@dataclass(frozen=True)
class Radar:
    """What the page shows, gathered: the listings, the families, the movers, the gaps."""

    generated_at: datetime
    trending: Listing
    tops: list[Listing]  # the most downloaded, one listing per task (or one over all tasks)
    families: Grouped | None = None
    history: RankHistory | None = None  # None: fewer than two stored snapshots of the downloads listing
    gaps: GapReport | None = None
    hub: HubState | None = None  # the latest whole-Hub snapshot's figures; None without one


def _evenly(items: Sequence[SnapshotInfo], count: int) -> list[SnapshotInfo]:
    """At most `count` items spread evenly, the first and the last always kept."""
    if len(items) <= count:
        return list(items)
    picks = sorted({round(i * (len(items) - 1) / (count - 1)) for i in range(count)})
    return [items[i] for i in picks]


def load_movers(store: Store | None, since: Since = MOVERS_SINCE, *, limit: int = 10) -> RankHistory | None:
    """The downloads listing's movers since `since` (7 days back from the newest snapshot), with rank series.

    The series are read for the rows a person is shown: the `limit` biggest of each kind of change.
    None when the store holds fewer than two snapshots of that listing: the page says how to get some.
    """
    if store is None:
        return None
    try:
        result = movers(store, MOVERS_QUERY, since)
    except NotEnoughHistory:
        return None
    key = history_source(store, MOVERS_QUERY).key
    start, end = result.older.fetched_at, result.newer.fetched_at
    infos = _evenly([i for i in store.snapshots(key) if start <= i.fetched_at <= end], SPARK_POINTS)
    column = {info.id: n for n, info in enumerate(infos)}
    ids = list(dict.fromkeys(row.id for _, rows in result.by_change() for row in rows[:limit]))
    ranks: dict[str, list[int | None]] = {model: [None] * len(infos) for model in ids}
    for snapshot_id, model_id, rank, *_ in store.series(key, ids, start) if ids else ():
        if snapshot_id in column and model_id in ranks:
            ranks[model_id][column[snapshot_id]] = rank
    return RankHistory(result, limit, [i.fetched_at for i in infos], ranks)


def radar(options: FetchOptions, *, tasks: Sequence[str | None] = (), limit: int = 20, scores: Path | None = None,
          model_col: str | None = None, score_col: str | None = None) -> Radar:
    """Everything the page shows: trending, the most downloaded per task (each task checked), the
    families of the 1,000 most downloaded, the movers of the stored history, and with `scores` the
    gaps between a team's measured scores and the Hub's adoption.

    The scores file is read first, so a bad one fails before anything is fetched.
    """
    notify = options.notify
    sheet = read_scores(scores, model_col=model_col, score_col=score_col) if scores is not None else None
    if sheet is not None:
        notify(sheet.describe())
    store = existing_store(options.cache_dir, notify)
    try:
        history = load_movers(store, limit=limit)
    finally:
        if store is not None:
            store.close()
    trending = get_listing(ListingQuery(sort="trending", limit=limit), options)
    # Families first: the deep downloads listing then also serves the unfiltered "most downloaded" table.
    deep = get_listing(ListingQuery(sort="downloads", limit=limit), options, depth=FAMILY_DEPTH)
    tops = []
    for task in dict.fromkeys(tasks or [None]):
        listing = get_listing(ListingQuery(sort="downloads", task=task, limit=limit), options)
        check_task(listing)
        tops.append(listing)
    gaps = find_gaps(sheet, options) if sheet is not None else None
    for notice in gaps.notices if gaps else ():
        notify(notice)
    families = group_listing(deep, options, by="family", depth=FAMILY_DEPTH)
    return Radar(now_utc(), trending, tops, families, history, gaps, whole_hub(options))


def whole_hub(options: FetchOptions) -> HubState | None:
    """The figures of the latest whole-Hub snapshot, if one was made (`hubradar crawl` or `import`).

    No snapshot is no section; one that cannot be read is a notice, never a failed page.
    """
    from hubradar.store import parquet

    if parquet.latest(options.cache_dir) is None:
        return None
    from hubradar.app.state import hub_state
    from hubradar.core.errors import HubradarError

    try:
        return hub_state(cache_dir=options.cache_dir, limit=STATE_FAMILIES)
    except HubradarError as err:
        options.notify(f"the State of the Hub section is left out: {err}")
        return None
