"""`cache info` and `cache prune` as use cases: the store opened only if it exists, then read or pruned."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hubradar.core.progress import Notify
from hubradar.store.admin import CacheSummary, Pruned, cache_summary, existing_store
from hubradar.store.admin import prune as prune_store
from hubradar.store.db import DB_NAME, default_cache_dir

__all__ = ["CacheSummary", "Pruned", "info", "prune"]


def info(cache_dir: Path | None, notify: Notify) -> CacheSummary | None:
    """What the store holds; None (and a notice saying so) when there is none yet."""
    store = existing_store(cache_dir, notify)
    if store is None:
        path = (cache_dir or default_cache_dir()) / DB_NAME
        notify(f"no cache at {path} yet; `hubradar record` or any listing creates it")
        return None
    with store:
        return cache_summary(store)


def prune(cache_dir: Path | None, older_than: timedelta, notify: Notify) -> Pruned | None:
    """Drop the snapshots taken more than `older_than` ago; None (and a notice) when there is no store."""
    store = existing_store(cache_dir, notify)
    if store is None:
        notify("no cache yet; nothing to prune")
        return None
    with store:
        return prune_store(store, older_than)
