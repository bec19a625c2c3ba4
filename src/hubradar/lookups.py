"""Per-model lookups (`model_info`): bounded, concurrent, cached, and stopping early on 429.

The listing endpoint cannot serve `childrenModelCount` or `baseModels`, so the few numbers only a
single-model request has are fetched here, one request per model. The Hub allows anonymous
clients about 500 requests per 5 minutes, so callers pass a short list (the top few models of a
view), answers are kept in the store's `lookups` table for `--max-age`, and the first 429 stops
the rest with one notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import HubradarError, OfflineError
from .hub import HubClient, env_offline
from .listing import FetchOptions
from .record import ModelRecord
from .store import open_or_recover

WORKERS = 4


@dataclass
class Lookups:
    """What the lookups found: `found[id]` is None when the Hub says the model does not exist."""

    found: dict[str, ModelRecord | None] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # not looked up: offline, or stopped early
    live: int = 0
    cached: int = 0
    error: HubradarError | None = None  # why some were skipped, when the Hub refused or failed


def lookup_models(
    model_ids: Iterable[str], options: FetchOptions, expand: Sequence[str] = (), *, workers: int = WORKERS
) -> Lookups:
    """Look up each model once: fresh cached answers first, then the Hub, a few at a time."""
    ids = list(dict.fromkeys(model_ids))
    expand_key = ",".join(sorted(expand))
    result = Lookups()
    store = open_or_recover(options.cache_dir, options.notify)
    try:
        wanted = ids
        if store is not None and not options.refresh and options.max_age.total_seconds() > 0:
            wanted = []
            for model_id in ids:
                hit, record = store.get_lookup(model_id, expand_key, options.max_age)
                if hit:
                    result.found[model_id] = record
                    result.cached += 1
                else:
                    wanted.append(model_id)
        if not wanted:
            return result
        settings = options.settings()
        if settings.offline or env_offline():
            result.skipped = wanted
            result.error = OfflineError("offline mode is on: not contacting the Hub")
            return result
        fetched, notice = HubClient(settings).model_infos(wanted, expand, workers=workers)
        result.found.update(fetched)
        result.live = len(fetched)
        result.skipped = [m for m in wanted if m not in fetched]
        if notice:
            options.notify(notice)
            result.error = HubradarError(notice)
        if store is not None and fetched:
            store.put_lookups(expand_key, fetched.items())
        return result
    finally:
        if store is not None:
            store.close()
