"""How a use case may be answered: the cache's age limit, refresh, where the cache is, the Hub.

`FetchOptions` is the one bundle every use case takes; `fetch_options` builds it from the values
a person gives (the CLI's flags, the library's keyword arguments), deciding offline once (in
`HubSettings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from hubradar.core.progress import Notify, Progress, ignore, no_progress
from hubradar.core.units import parse_duration
from hubradar.fetch.settings import HubSettings
from hubradar.store.db import BUSY_TIMEOUT


@dataclass
class FetchOptions:
    """How a listing may be answered. Defaults: cache for an hour, live otherwise."""

    max_age: timedelta = timedelta(hours=1)
    refresh: bool = False
    cache_dir: Path | None = None
    hub: HubSettings = field(default_factory=HubSettings.from_env)
    notify: Notify = field(default=ignore)
    progress: Progress = field(default=no_progress)  # wraps each wait for the Hub (the CLI's spinner)
    cache_wait: float = BUSY_TIMEOUT  # seconds to wait for another hubradar writing the cache

    @property
    def offline(self) -> bool:
        return self.hub.offline


def fetch_options(
    *,
    max_age: str | timedelta = timedelta(hours=1),
    refresh: bool = False,
    offline: bool = False,
    cache_dir: Path | str | None = None,
    token: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    notify: Notify = ignore,
    progress: Progress = no_progress,
) -> FetchOptions:
    """`FetchOptions` from plain values (`max_age` as `30m`, `2h`, `0`, or a timedelta)."""
    age = parse_duration(max_age, "max_age") if isinstance(max_age, str) else max_age
    return FetchOptions(
        max_age=age,
        refresh=refresh,
        cache_dir=Path(cache_dir).expanduser() if cache_dir is not None else None,
        hub=HubSettings.from_env(endpoint=endpoint, token=token, timeout=timeout, retries=retries, offline=offline),
        notify=notify,
        progress=progress,
    )
