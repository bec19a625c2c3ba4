"""History: the stored snapshots read as a time series.

Every listing hubradar fetches is kept as a snapshot (store.py). This module turns them into
answers over time, for the CLI and for library use:

    from hubradar.app.history import movers, model_series
    from hubradar.core.query import ListingQuery
    with Store.open() as store:
        result = movers(store, ListingQuery(sort="downloads"), timedelta(days=7))

- `movers`: the newest snapshot of a listing against the one nearest a moment.
- `model_series`: one model's (or family's) rank, downloads, likes and trending over every snapshot.
- `read_import` / `save_import`: backfill from a Hub-shaped JSON list (idempotent).
- `export_lines`: snapshots as JSON Lines. `record`: fetch the standard listings (for cron).
- `cache_summary` / `prune`: what the store holds, and dropping old snapshots.

Durations in `--since` count back from the newest snapshot, not from the clock, so a backfilled
archive answers "the last 7 days" of its own time.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from hubradar.analysis.lineage import Lineage
from hubradar.app.listing import check_task, get_listing
from hubradar.app.options import FetchOptions
from hubradar.core.errors import (
    HubAuthError,
    HubradarError,
    HubRateLimited,
    ModelMissing,
    NotEnoughHistory,
    OfflineError,
    StoreError,
    UnknownTask,
    UsageError,
)
from hubradar.core.query import ListingQuery, rank
from hubradar.core.record import BadRecord, ModelRecord, records_from_hub_json
from hubradar.core.time import Since, now_utc, resolve_since, to_iso
from hubradar.core.units import human_duration
from hubradar.core.vocabulary import Group
from hubradar.store.db import DB_NAME, SnapshotInfo, Store, default_cache_dir, open_or_recover

# The listings a history can be read from: ranked by one number the snapshots store.
HISTORY_SORTS: tuple[str, ...] = ("downloads", "trending", "likes")
SORT_WORDS = {"downloads": "30-day downloads", "trending": "trending score", "likes": "likes"}
_HUB_FIELD = {"downloads": "downloads", "trending": "trendingScore", "likes": "likes"}
_FROM_HUB_SORT = {"downloads": "downloads", "trendingScore": "trending", "likes": "likes", "createdAt": "created"}
_SPEC_FIELDS = ("task", "author", "search", "library", "num_parameters", "inference_provider")
HOW_TO_RECORD = (
    "run `hubradar record` on a schedule (see the README's crontab line) or backfill with "
    "`hubradar import FILE --at DATE`"
)


# --- naming listings and moments --------------------------------------------------------------


def parse_query_spec(text: str, option: str = "--query") -> ListingQuery:
    """`downloads`, `trending task=text-generation`, `likes author=Qwen filter=gguf`.

    The first word may be a bare sort; the rest are key=value pairs (commas work as separators too).
    """
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise UsageError(f"{option}: empty; name a listing such as 'downloads' or 'trending task=text-generation'")
    fields: dict[str, str] = {}
    filters: list[str] = []
    for i, token in enumerate(tokens):
        key, sep, value = token.partition("=")
        if not sep and i == 0:
            key, value = "sort", token
        key = key.lower()
        if (not sep and i > 0) or key not in ("sort", "filter", *_SPEC_FIELDS) or not value:
            raise UsageError(
                f"{option}: cannot read {token!r}; use a sort ({', '.join(HISTORY_SORTS)}) then key=value "
                f"pairs with keys {', '.join(('sort', *_SPEC_FIELDS, 'filter'))}"
            )
        if key == "filter":
            filters.append(value)
        elif key in fields:
            raise UsageError(f"{option}: {key} is given twice")
        else:
            fields[key] = value
    sort = fields.pop("sort", "downloads").lower()
    if sort not in HISTORY_SORTS:
        raise UsageError(f"{option}: sort {sort!r} has no history; use one of {', '.join(HISTORY_SORTS)}")
    return ListingQuery(sort=sort, filters=tuple(filters), **fields)


def query_label(query: ListingQuery) -> str:
    """The listing as `parse_query_spec` reads it back: `downloads task=text-generation`."""
    parts = [query.sort]
    parts += [f"{name}={getattr(query, name)}" for name in _SPEC_FIELDS if getattr(query, name)]
    parts += [f"filter={f}" for f in query.filters]
    return " ".join(parts)


def query_from_key(query_key: str) -> ListingQuery | None:
    """The listing a stored snapshot belongs to, from its cache key (None when unreadable)."""
    try:
        data = json.loads(query_key)
        data["sort"] = _FROM_HUB_SORT[data.get("sort", "trendingScore")]
        data["filters"] = tuple(data.get("filters") or ())
        return ListingQuery(**data)
    except (ValueError, KeyError, TypeError):
        return None


def key_label(query_key: str) -> str:
    query = query_from_key(query_key)
    return query_label(query) if query else query_key


def listing_name(query: ListingQuery) -> str:
    """`the downloads listing`, `the trending listing (task=text-generation)` — for messages."""
    label = query_label(query)
    sort, _, rest = label.partition(" ")
    return f"the {sort} listing" + (f" ({rest})" if rest else "")


def describe_gap(older: datetime, newer: datetime) -> str:
    """`7d apart`, `3h apart`: the distance between two snapshots, as notices say it."""
    return f"{human_duration(newer - older)} apart"


# --- which snapshots a query's history reads --------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The stored listing a query's history is read from.

    When the asked listing (say `--task text-generation`) has fewer than two snapshots but the
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


@dataclass(frozen=True)
class MoverRow:
    """One model (or family) between two snapshots. Changes are newer minus older; `rank_change`
    is places gained (positive = up). None where a side is not known."""

    id: str
    status: Literal["new", "dropped", "moved"]
    rank: int | None
    previous_rank: int | None
    rank_change: int | None
    likes_gained: int | None
    downloads_change: int | None
    trending_change: float | None
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "rank": self.rank,
            "previous_rank": self.previous_rank,
            "rank_change": self.rank_change,
            "likes_gained": self.likes_gained,
            "downloads_change": self.downloads_change,
            "trending_change": self.trending_change,
        }
        if self.members:
            data["members"] = list(self.members)
        return data


@dataclass(frozen=True)
class Movers:
    """The comparison `hubradar movers` shows."""

    query: ListingQuery
    older: SnapshotInfo
    newer: SnapshotInfo
    asked: datetime  # the moment --since named
    depth: int  # ranks compared: the shallower list
    rows: list[MoverRow]
    derived: bool = False
    group: Group | None = None
    near: bool = True  # False when no snapshot was near the moment asked for (the nearest was used)

    def gain(self, row: MoverRow) -> int:
        """Places gained, counting a side outside the compared ranks as one past the last."""
        outside = self.depth + 1
        return (row.previous_rank or outside) - (row.rank or outside)

    def by_change(self) -> list[tuple[str, list[MoverRow]]]:
        """The rows by kind of change, biggest first: rising, new, falling, dropped (what a person reads)."""
        return [
            ("rising", [r for r in self.rows if r.status == "moved" and self.gain(r) > 0]),
            ("new", [r for r in self.rows if r.status == "new"]),
            ("falling", [r for r in reversed(self.rows) if r.status == "moved" and self.gain(r) < 0]),
            ("dropped", [r for r in reversed(self.rows) if r.status == "dropped"]),
        ]


@dataclass(frozen=True)
class _Entry:
    rank: int
    downloads: int | None
    likes: int | None
    trending: float | None
    members: tuple[str, ...] = ()


def _total(values: Sequence[float | None]) -> Any:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _metric(entry: _Entry, sort: str) -> float:
    return {"downloads": entry.downloads, "likes": entry.likes, "trending": entry.trending}[sort] or 0


def _entries(records: Sequence[ModelRecord], sort: str, root: Callable[[str], str] | None) -> dict[str, _Entry]:
    """Rank by id, or (with `root`) families ranked by their members' summed number."""
    if root is None:
        return {
            r.id: _Entry(i, r.downloads, r.likes, r.trending_score) for i, r in enumerate(records, start=1)
        }
    groups: dict[str, list[tuple[int, ModelRecord]]] = {}
    for i, record in enumerate(records, start=1):
        groups.setdefault(root(record.id), []).append((i, record))
    families = {
        key: _Entry(
            rank=min(i for i, _ in members),
            downloads=_total([r.downloads for _, r in members]),
            likes=_total([r.likes for _, r in members]),
            trending=_total([r.trending_score for _, r in members]),
            members=tuple(r.id for _, r in members),
        )
        for key, members in groups.items()
    }
    order = sorted(families, key=lambda key: (-_metric(families[key], sort), families[key].rank))
    return {key: replace(families[key], rank=i) for i, key in enumerate(order, start=1)}


def _change(new: float | None, old: float | None) -> Any:
    return None if new is None or old is None else new - old


def compare(
    older: Sequence[ModelRecord],
    newer: Sequence[ModelRecord],
    sort: str = "downloads",
    root: Callable[[str], str] | None = None,
) -> tuple[int, list[MoverRow]]:
    """Diff two ranked lists over the ranks both cover; returns (ranks compared, rows by rank gained).

    A model is in a list when it ranks within the shallower list's depth; when the deeper list
    places it beyond that, the rank is still reported (a `new` entrant that came from rank 555).
    Families (`root`) are formed after cutting both lists to that depth, so their sums compare.
    """
    depth = min(len(older), len(newer))
    if root is not None:
        older, newer = older[:depth], newer[:depth]
    old, new = _entries(older, sort, root), _entries(newer, sort, root)
    window = min(len(old), len(new))
    rows: list[MoverRow] = []
    for key in dict.fromkeys([*new, *old]):
        a, b = old.get(key), new.get(key)
        was_in = a is not None and a.rank <= window
        is_in = b is not None and b.rank <= window
        if not (was_in or is_in):
            continue
        status: Literal["new", "dropped", "moved"] = "moved" if was_in and is_in else ("new" if is_in else "dropped")
        rows.append(
            MoverRow(
                id=key,
                status=status,
                rank=b.rank if b else None,
                previous_rank=a.rank if a else None,
                rank_change=a.rank - b.rank if a and b else None,
                likes_gained=_change(b.likes, a.likes) if a and b else None,
                downloads_change=_change(b.downloads, a.downloads) if a and b else None,
                trending_change=_change(b.trending, a.trending) if a and b else None,
                # Everyone summed on either side (a re-upload may be listed in one snapshot only).
                members=tuple(dict.fromkeys([*(b.members if b else ()), *(a.members if a else ())])) if root else (),
            )
        )
    outside = window + 1

    def order(row: MoverRow) -> tuple[int, int, str]:
        gained = (row.previous_rank or outside) - (row.rank or outside)
        return -gained, row.rank or outside + (row.previous_rank or 0), row.id

    rows.sort(key=order)
    return window, rows


def movers(store: Store, query: ListingQuery, since: Since, group: Group | None = None) -> Movers:
    """The newest snapshot of the query against the other one nearest `since` (for a day: its first)."""
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
    depth, rows = compare(old_records, new_records, query.sort, root)
    return Movers(query, older, newer, asked, depth, rows, source.derived, group, near)


# --- one model's series -----------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One snapshot of a series. `listed`: members in the snapshot (0 = not in the listing)."""

    fetched_at: datetime
    rank: int | None
    downloads: int | None
    likes: int | None
    trending_score: float | None
    listed: int


@dataclass(frozen=True)
class Series:
    """A model's (or a family's: summed numbers, best member's rank) history in one listing."""

    id: str
    query: ListingQuery
    points: list[Point]
    members: tuple[str, ...] = ()
    group: Group | None = None
    derived: bool = False

    @property
    def listed_points(self) -> list[Point]:
        return [p for p in self.points if p.listed]


def _resolve_id(model_id: str, known: Sequence[str]) -> str | None:
    if model_id in known:
        return model_id
    folded = {k.lower(): k for k in known}
    return folded.get(model_id.lower())


def _missing(model_id: str, known: Sequence[str], store: Store, query: ListingQuery) -> ModelMissing:
    """The one-line answer for a model the listing never held: where it is, or what is close."""
    found = _resolve_id(model_id, known)
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
    group: Group | None = None,
    since: Since | None = None,
) -> Series:
    """Rank, downloads, likes and trending of a model (or its family) over every stored snapshot."""
    source = history_source(store, query)
    if source.count == 0:
        raise _too_few(source, store, "history reads them")
    latest = store.latest_models()
    known = list(latest)
    found = _resolve_id(model_id, known)
    if found is None:
        raise _missing(model_id, known, store, query)
    target, members = found, (found,)
    if group == "family":
        lineage = Lineage(latest.values())
        target = lineage.family_root(found)
        members = tuple(sorted(k for k in known if lineage.family_root(k) == target))
    every = store.snapshots(source.key)
    infos = every
    if since is not None:
        start = resolve_since(since, every[-1].fetched_at)
        infos = [i for i in every if i.fetched_at >= start]
    rows: dict[int, list[tuple[int, int | None, int | None, float | None]]] = {}
    if source.derived:
        wanted = set(members)
        for info in infos:
            for position, r in enumerate(source.records(store, info), start=1):
                if r.id in wanted:
                    rows.setdefault(info.id, []).append((position, r.downloads, r.likes, r.trending_score))
    else:
        start_at = infos[0].fetched_at if infos else None
        for snapshot_id, _, position, downloads, likes, trending in store.series(source.key, members, start_at):
            rows.setdefault(snapshot_id, []).append((position, downloads, likes, trending))
    points = []
    for info in infos:
        got = rows.get(info.id, [])
        points.append(
            Point(
                fetched_at=info.fetched_at,
                rank=min((r[0] for r in got), default=None),
                downloads=_total([r[1] for r in got]),
                likes=_total([r[2] for r in got]),
                trending_score=_total([r[3] for r in got]),
                listed=len(got),
            )
        )
    if not any(p.listed for p in points):
        if len(infos) < len(every):
            raise ModelMissing(
                f"{found} is in no snapshot of {listing_name(query)} in that time; try an earlier --since"
            )
        raise _missing(found, known, store, query)
    return Series(target, query, points, members if group else (), group, source.derived)


# --- backfill, export -------------------------------------------------------------------------


@dataclass(frozen=True)
class Backfill:
    """A Hub-shaped file read and ranked for one listing, ready to store."""

    path: Path
    query: ListingQuery
    records: list[ModelRecord]
    skipped: int  # unreadable or duplicate rows
    unmatched: int  # readable rows the listing's filters leave out
    content_hash: str


def _hub_rows(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror or err})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            raise UsageError(f"{path}: a damaged gzip file") from None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise UsageError(f"{path} is not JSON; expected a Hub-shaped list (what /api/models returns)") from None


def read_import(path: Path, query: ListingQuery) -> Backfill:
    """Read a Hub-shaped JSON list (optionally gzipped) and rank it as `query` would.

    Raises UsageError for anything that is not such a list, before the store is opened.
    """
    payload = _hub_rows(path)
    try:
        records, skipped = records_from_hub_json(payload)
    except BadRecord:
        raise UsageError(
            f"{path} is not a Hub-shaped list: expected a JSON list of models (what /api/models returns), "
            f"got a JSON {type(payload).__name__}"
        ) from None
    if not records:
        raise UsageError(f"{path} holds no model with a readable id; expected rows of /api/models")
    field_name = _HUB_FIELD[query.sort]
    if not any(isinstance(row, dict) and field_name in row for row in payload):
        raise UsageError(f"{path}: no row carries {field_name!r}, so it cannot be ranked as {listing_name(query)}")
    matching = [r for r in records if query.matches(r)]
    ranked = rank(matching, query.sort)
    digest = hashlib.sha256(f"hubradar-import-1\n{query.key()}\n".encode())
    for record in ranked:
        digest.update(json.dumps(record.to_dict(), sort_keys=True, separators=(",", ":")).encode())
        digest.update(b"\n")
    return Backfill(path, query, ranked, skipped, len(records) - len(matching), digest.hexdigest())


def save_import(store: Store, backfill: Backfill, at: datetime) -> int | None:
    """Store the backfill as a snapshot taken `at`; None when this content was imported before."""
    if store.has_content(backfill.content_hash):
        return None
    if not backfill.records:
        raise UsageError(f"{backfill.path}: no row matches {listing_name(backfill.query)}; nothing to import")
    return store.save_snapshot(
        backfill.query.key(),
        backfill.query.describe() | {"limit": len(backfill.records)},
        backfill.records,
        depth=len(backfill.records),
        fetched_at=at,
        source="import",
        content_hash=backfill.content_hash,
    )


def export_lines(store: Store, query: ListingQuery | None = None, since: Since | None = None) -> Iterator[str]:
    """One JSON object per snapshot, oldest first: when, which listing, and its ranked records."""
    infos = store.snapshots(query.key() if query else None)
    if since is not None and infos:
        start = resolve_since(since, max(i.fetched_at for i in infos))
        infos = [i for i in infos if i.fetched_at >= start]
    for info in infos:
        records = store.load(info).records
        line = {
            "fetched_at": to_iso(info.fetched_at),
            "query": key_label(info.query_key),
            "query_key": info.query_key,
            "source": info.source,
            "depth": info.depth,
            "rows": [{"rank": i, **r.to_dict()} for i, r in enumerate(records, start=1)],
        }
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":"))


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
    messages: list[str] = []
    store = open_or_recover(options.cache_dir, messages.append)
    if store is None:
        raise StoreError(f"nothing recorded: {messages[-1] if messages else 'the cache cannot be opened'}")
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


# --- the store itself -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryStats:
    label: str
    key: str
    snapshots: int
    oldest: datetime
    newest: datetime
    rows: int


@dataclass(frozen=True)
class CacheSummary:
    path: Path
    size_bytes: int
    snapshots: int
    models: int
    oldest: datetime | None
    newest: datetime | None
    queries: list[QueryStats] = field(default_factory=list)


def store_size(path: Path) -> int:
    """Bytes on disk: the database and its write-ahead log."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def existing_store(cache_dir: Path | None, notify: Callable[[str], None]) -> Store | None:
    """Open the store only if one exists: reading history never creates an empty cache."""
    directory = cache_dir or default_cache_dir()
    if not (directory / DB_NAME).exists():
        return None
    return open_or_recover(directory, notify)


def cache_summary(store: Store) -> CacheSummary:
    queries = [
        QueryStats(key_label(key), key, count, oldest, newest, depth)
        for key, count, oldest, newest, depth in store.summary()
    ]
    models = store.conn.execute("SELECT COUNT(DISTINCT model_id) FROM models").fetchone()[0]
    return CacheSummary(
        path=store.path,
        size_bytes=store_size(store.path),
        snapshots=sum(q.snapshots for q in queries),
        models=models,
        oldest=min((q.oldest for q in queries), default=None),
        newest=max((q.newest for q in queries), default=None),
        queries=queries,
    )


@dataclass(frozen=True)
class Pruned:
    removed: int
    cutoff: datetime
    size_before: int
    size_after: int
    compacted: bool  # False: the space freed is reused by the next snapshots instead


COMPACT_AT = 0.2  # rewrite the file when a fifth or more of it is free


def prune(store: Store, older_than: timedelta, now: datetime | None = None) -> Pruned:
    """Delete snapshots taken more than `older_than` ago; give the space back when it is worth it."""
    cutoff = resolve_since(older_than, now or now_utc())
    before = store_size(store.path)
    removed = store.prune(cutoff)
    compacted = store.compact(COMPACT_AT) if removed else False
    return Pruned(removed, cutoff, before, store_size(store.path), compacted)
