"""`cache info` and `cache prune` as use cases: the store opened only if it exists, then read or pruned."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hubradar.core.errors import param
from hubradar.core.progress import Notify
from hubradar.store.admin import CacheSummary, Pruned, cache_summary, existing_store, why_unusable
from hubradar.store.admin import prune as prune_store
from hubradar.store.db import DB_NAME, default_cache_dir

__all__ = ["CacheSummary", "Pruned", "info", "prune"]


def info(cache_dir: Path | None, notify: Notify) -> CacheSummary | None:
    """What the store holds; None (and a notice saying so) when there is none yet."""
    store = existing_store(cache_dir, notify, required=True)
    if store is None:
        notify(_no_store(cache_dir, "`hubradar record` or any listing creates it"))
        return None
    with store:
        return cache_summary(store)


def _no_store(cache_dir: Path | None, then: str) -> str:
    """There is no store: where it would be, and either what creates it or why none can be made there."""
    directory = cache_dir or default_cache_dir()
    reason = why_unusable(directory)
    if reason is not None:
        return (f"no cache at {directory / DB_NAME}, and none can be made there ({reason}); "
                f"set {param('cache_dir')} or HUBRADAR_CACHE_DIR to a folder hubradar can write")
    return f"no cache at {directory / DB_NAME} yet; {then}"


def prune(cache_dir: Path | None, older_than: timedelta, notify: Notify) -> Pruned | None:
    """Drop the snapshots taken more than `older_than` ago; None (and a notice) when there is no store."""
    store = existing_store(cache_dir, notify, required=True)
    if store is None:
        notify(_no_store(cache_dir, "nothing to prune"))
        return None
    with store:
        return prune_store(store, older_than)
