"""The snapshot shipped inside the package: the last resort when neither Hub nor cache can answer.

Built from real Hub captures by `tools/build_snapshot.py` (provenance in docs/data-provenance.md);
read with the same normalizer as a live listing.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from hubradar.core.record import ModelRecord, records_from_hub_json
from hubradar.core.time import from_iso


@dataclass(frozen=True)
class BundledSnapshot:
    fetched_at: datetime
    source: str
    records: tuple[ModelRecord, ...]


@cache
def load_bundled() -> BundledSnapshot:
    raw = resources.files("hubradar").joinpath("data/snapshot.json.gz").read_bytes()
    payload = json.loads(gzip.decompress(raw))
    records, _ = records_from_hub_json(payload["models"])
    return BundledSnapshot(from_iso(payload["fetched_at"]), payload["source"], tuple(records))
