"""Backfill and export: Hub-shaped JSON lists stored as snapshots, and snapshots written as JSON Lines.

- `read_import` / `save_import`: a file ranked as one listing, stored once (importing the same
  content again changes nothing).
- `export_lines`: every stored snapshot (or one listing's) as one JSON object a line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hubradar.core.errors import UsageError
from hubradar.core.query import ListingQuery, key_label, listing_name, rank
from hubradar.core.record import BadRecord, ModelRecord, records_from_hub_json
from hubradar.core.time import Since, resolve_since, to_iso
from hubradar.core.vocabulary import SORTS
from hubradar.store.db import Store


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
    field_name = SORTS[query.sort].hub  # the Hub's name of the number the listing ranks by
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
    """One JSON object per snapshot, oldest first: when, which listing, and its ranked records.

    When the file turns out damaged halfway, the store keeps what still reads (with the same ids)
    and the export goes on with those; the snapshots lost are left out.
    """
    infos = store.snapshots(query.key() if query else None)
    if since is not None and infos:
        start = resolve_since(since, max(i.fetched_at for i in infos))
        infos = [i for i in infos if i.fetched_at >= start]
    rebuilds, kept = store.rebuilds, None
    for info in infos:
        records = store.load(info).records
        if store.rebuilds != rebuilds:  # rebuilt: only what it saved is still there
            rebuilds, kept = store.rebuilds, {i.id for i in store.snapshots()}
        if kept is not None and info.id not in kept:
            continue
        line = {
            "fetched_at": to_iso(info.fetched_at),
            "query": key_label(info.query_key),
            "query_key": info.query_key,
            "source": info.source,
            "depth": info.depth,
            "rows": [{"rank": i, **r.to_dict()} for i, r in enumerate(records, start=1)],
        }
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":"))
