"""History: the stored snapshots read as a time series, for the CLI and for library use.

    from hubradar.app.history import movers, model_series, reader
    from hubradar.core.query import ListingQuery
    with reader(None, print) as store:
        result = movers(store, ListingQuery(sort="downloads"), timedelta(days=7))

- `movers`: the newest snapshot of a listing against the one nearest a moment (analysis.movers).
- `model_series`: one model's (or family's) rank, downloads, likes and trending over every snapshot.
- `record`: fetch the standard listings (for cron). Backfill and export are app.backfill; what the
  store holds and pruning it, app.cache.
- `reader` / `writer`: the store as a command that reads history (it must exist) or writes it.

Durations in `since` count back from the newest snapshot, not from the clock, so a backfilled
archive answers "the last 7 days" of its own time.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from hubradar.analysis.lineage import Lineage
from hubradar.analysis.movers import MoverRow, Movers, compare
from hubradar.analysis.series import Point, Row, Series, resolve_id, series_points
from hubradar.app.listing import check_task, get_listing
from hubradar.app.options import FetchOptions
from hubradar.core.errors import (
    HubAuthError,
    HubradarError,
    HubRateLimited,
    ModelMissing,
    NotEnoughHistory,
    OfflineError,
    UnknownTask,
    param,
)
from hubradar.core.progress import Notify
from hubradar.core.query import ListingQuery, key_label, listing_name
from hubradar.core.record import ModelRecord
from hubradar.core.snapshot import SnapshotInfo
from hubradar.core.time import Since, resolve_since
from hubradar.core.vocabulary import HISTORY_GROUPS, check
from hubradar.store.admin import existing_store
from hubradar.store.db import Store
from hubradar.store.recovery import open_or_recover

__all__ = [
    "HOW_TO_RECORD", "MoverRow", "Movers", "Point", "Recorded", "Series", "Source", "existing_store",
    "history_source", "model_series", "movers", "reader", "record", "standard_queries", "writer",
]

HOW_TO_RECORD = (
    "run `hubradar record` on a schedule (docs/history.md has a crontab line) or backfill with "
    "`hubradar import FILE --at DATE`"
)


def _check_group(group: str | None) -> None:
    if group is not None:
        check(group, dict.fromkeys(HISTORY_GROUPS), "group")


# --- the store, as a command that reads or writes history opens it ------------------------------


def reader(cache_dir: Path | None, notify: Notify) -> Store:
    """The existing store, for commands that only read it; no store is an answer, not a crash.

    One that exists but cannot be used (locked, unreadable beyond a rebuild) is an error saying why.
    """
    store = existing_store(cache_dir, notify, required=True)
    if store is None:
        raise HubradarError(f"no snapshots stored yet: {HOW_TO_RECORD}")
    return store


def writer(cache_dir: Path | None, notify: Notify) -> Store:
    """The store, created if need be; without one there is nowhere to write, so that is an error."""
    store = open_or_recover(cache_dir, notify, required=True)
    assert store is not None  # required: raised otherwise
    return store


# --- which snapshots a query's history reads --------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The stored listing a query's history is read from.

    When the asked listing (say `task=text-generation`) has fewer than two snapshots but the
    unfiltered listing of the same sort has more, its rows are filtered locally: filtering a
    top-N list by a field keeps exact ranks for every model it holds, since both rank by the
    same number.
    """

    query: ListingQuery
    key: str
    count: int
    derived: bool = False

    def records(self, store: Store, info: SnapshotInfo) -> list[ModelRecord]:
        records = store.load(info).records
        return [r for r in records if self.query.matches(r)] if self.derived else records


def history_source(store: Store, query: ListingQuery) -> Source:
    counts = {key: count for key, count, *_ in store.summary()}
    key = query.key()
    base_key = ListingQuery(sort=query.sort).key()
    if key != base_key and counts.get(key, 0) < 2 and counts.get(base_key, 0) > counts.get(key, 0):
        return Source(query, base_key, counts[base_key], derived=True)
    return Source(query, key, counts.get(key, 0))


def _too_few(source: Source, store: Store, need: str) -> NotEnoughHistory:
    name = listing_name(source.query)
    if source.count == 0:
        return NotEnoughHistory(f"no snapshots of {name} yet; {need}: {HOW_TO_RECORD}")
    only = store.find(source.key, max_age=None, rows=0)
    when = f" ({only.fetched_at:%Y-%m-%d %H:%M} UTC)" if only else ""
    return NotEnoughHistory(f"only one snapshot of {name}{when}; {need}: {HOW_TO_RECORD}")


# --- movers -----------------------------------------------------------------------------------


def movers(store: Store, query: ListingQuery, since: Since, group: str | None = None) -> Movers:
    """The newest snapshot of the query against the other one nearest `since` (for a day: its first)."""
    _check_group(group)
    return store.consistent(lambda s: _movers(s, query, since, group))


def _movers(store: Store, query: ListingQuery, since: Since, group: str | None) -> Movers:
    source = history_source(store, query)
    if source.count < 2:
        raise _too_few(source, store, "movers compares two")
    newer = store.find(source.key, max_age=None, rows=0)
    assert newer is not None  # count >= 2
    asked = resolve_since(since, newer.fetched_at)
    older = None
    if isinstance(since, date) and not isinstance(since, datetime):  # a day: its first snapshot, if any
        older = store.nearest(source.key, asked, exclude_id=newer.id, not_before=asked)
        if older is not None and older.fetched_at >= asked + timedelta(days=1):
            older = None
        near = older is not None
    older = older or store.nearest(source.key, asked, exclude_id=newer.id)
    assert older is not None
    if not isinstance(since, date) or isinstance(since, datetime):
        off = abs((older.fetched_at - asked).total_seconds())
        near = off <= max(3600.0, 0.1 * abs((newer.fetched_at - asked).total_seconds()))
    old_records, new_records = source.records(store, older), source.records(store, newer)
    root = Lineage([*old_records, *new_records]).family_root if group == "family" else None
    depth, rows = compare(old_records, new_records, query.sort, root, older_at=older.fetched_at)
    return Movers(query, older, newer, asked, depth, rows, source.derived, group, near)


# --- one model's series -----------------------------------------------------------------------


def _missing(model_id: str, known: Sequence[str], store: Store, query: ListingQuery) -> ModelMissing:
    """The one-line answer for a model the listing never held: where it is, or what is close."""
    found = resolve_id(model_id, known)
    if found is not None:
        elsewhere = [
            key_label(key)
            for key, *_ in store.summary()
            if key != query.key() and store.series(key, [found])
        ]
        hint = f"; it is in: {', '.join(elsewhere[:3])}" if elsewhere else ""
        return ModelMissing(f"{found} is in no stored snapshot of {listing_name(query)}{hint}")
    close = difflib.get_close_matches(model_id.lower(), [k.lower() for k in known], n=3, cutoff=0.6)
    folded = {k.lower(): k for k in known}
    hint = f"; did you mean {', '.join(folded[c] for c in close)}?" if close else ""
    return ModelMissing(f"{model_id} is in no stored snapshot{hint}")


def model_series(
    store: Store,
    query: ListingQuery,
    model_id: str,
    *,
    group: str | None = None,
    since: Since | None = None,
) -> Series:
    """Rank, downloads, likes and trending of a model (or its family) over every stored snapshot."""
    _check_group(group)
    return store.consistent(lambda s: _series(s, query, model_id, group, since))


def _series(store: Store, query: ListingQuery, model_id: str, group: str | None, since: Since | None) -> Series:
    source = history_source(store, query)
    if source.count == 0:
        raise _too_few(source, store, "history reads them")
    latest = store.latest_models()
    known = list(latest)
    found = resolve_id(model_id, known)
    if found is None:
        raise _missing(model_id, known, store, query)
    target = found
    members: tuple[str, ...] = (found,)
    if group == "family":
        lineage = Lineage(latest.values())
        target = lineage.family_root(found)
        members = tuple(sorted(k for k in known if lineage.family_root(k) == target))
    every = store.snapshots(source.key)
    infos = every
    if since is not None:
        start = resolve_since(since, every[-1].fetched_at)
        infos = [i for i in every if i.fetched_at >= start]
    rows: dict[int, list[Row]] = {}
    if source.derived:
        wanted = set(members)
        for info in infos:
            for position, r in enumerate(source.records(store, info), start=1):
                if r.id in wanted:
                    rows.setdefault(info.id, []).append(
                        (position, r.downloads, r.likes, r.trending_score, r.downloads_all_time))
    else:
        start_at = infos[0].fetched_at if infos else None
        for snapshot_id, _, position, downloads, likes, trending, all_time in store.series(source.key, members,
                                                                                          start_at):
            rows.setdefault(snapshot_id, []).append((position, downloads, likes, trending, all_time))
    points = series_points(infos, rows)
    if not any(p.listed for p in points):
        if len(infos) < len(every):
            raise ModelMissing(
                f"{found} is in no snapshot of {listing_name(query)} in that time; try an earlier {param('since')}"
            )
        raise _missing(found, known, store, query)
    return Series(target, query, points, members if group else (), group, source.derived)


# --- recording on a schedule ------------------------------------------------------------------

STANDARD_SORTS = ("trending", "downloads")


def standard_queries(tasks: Sequence[str] = (), depth: int = 1000) -> list[ListingQuery]:
    """What `hubradar record` fetches: trending and top (30-day downloads), overall and per task."""
    return [
        ListingQuery(sort=sort, task=task, limit=depth)
        for task in (None, *dict.fromkeys(tasks))
        for sort in STANDARD_SORTS
    ]


@dataclass(frozen=True)
class Recorded:
    """One listing `record` fetched, or why not (`failure`)."""

    query: ListingQuery
    rows: int = 0
    failure: HubradarError | None = None

    @property
    def error(self) -> str | None:
        return None if self.failure is None else str(self.failure)


def record(queries: Sequence[ListingQuery], options: FetchOptions) -> list[Recorded]:
    """Fetch each listing live and store it; a failure is reported, never answered from old data.

    Stops early when continuing cannot help (bad token, rate limit, offline): the rest are
    reported as not attempted.
    """
    store = open_or_recover(options.cache_dir, options.notify, required=True)  # nowhere to record: an error
    if store is not None:
        store.close()
    live = replace(options, refresh=True)
    results: list[Recorded] = []
    for i, query in enumerate(queries):
        try:
            listing = get_listing(query, live, depth=query.limit, fallback=False)
        except (HubAuthError, HubRateLimited, OfflineError) as err:
            results.append(Recorded(query, failure=err))
            results += [Recorded(q, failure=HubradarError("not attempted after the error above"))
                        for q in queries[i + 1 :]]
            break
        except HubradarError as err:
            results.append(Recorded(query, failure=err))
            continue
        try:
            check_task(listing)
        except UnknownTask as err:
            results.append(Recorded(query, failure=err))
            continue
        results.append(Recorded(query, len(listing.records)))
    return results
