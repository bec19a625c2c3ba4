"""How to reach the Hub, decided once per command: endpoint, token, timeouts, retries, offline.

Read at call time, so HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE set after import still count
(huggingface_hub reads them once, when it is imported). Everything that could talk to the Hub
asks `settings.offline`, and nothing else, whether it may. Also the Hub's own limits, which the
listings, the lookups and the crawl share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 1000  # the Hub's page cap for /api/models, as far as is known
MAX_RESPONSE_BYTES = 64 * 2**20  # a page of 1,000 fully expanded rows is a few MB
_TRUTHY = {"1", "true", "yes", "on"}

# The Hub allows about 500 anonymous requests per 5-minute window (1,000 with a free token);
# per-model lookups keep some room for listings.
REQUEST_BUDGET = 450
BUDGET_WINDOW = timedelta(minutes=5)


def env_offline() -> bool:
    """HF_HUB_OFFLINE, read now."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


@dataclass(frozen=True)
class HubSettings:
    """How to reach the Hub. `offline` defaults to HF_HUB_OFFLINE as it is when the settings are made."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0  # seconds for a whole response, headers and body
    retries: int = 3  # further attempts after a 408/429/5xx, a timeout or a dropped connection
    retry_budget: float = 20.0  # seconds all the attempts for one request may take, waits included
    base_wait: float = 0.5  # first wait between attempts, doubling (unless the Hub says how long)
    offline: bool = field(default_factory=env_offline)
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def from_env(
        cls,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        offline: bool = False,
    ) -> HubSettings:
        """Explicit values first, then HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE, then the defaults."""
        defaults = cls(offline=False)
        return cls(
            endpoint=(endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            token=token or os.environ.get("HF_TOKEN") or None,
            timeout=timeout if timeout is not None else defaults.timeout,
            retries=retries if retries is not None else defaults.retries,
            offline=offline or env_offline(),
        )
