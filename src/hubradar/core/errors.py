"""Expected errors: each carries the one line a user sees and the exit code.

The CLI maps these (and nothing else) to a one-line message; anything not listed here
is a bug and shows a traceback only with HUBRADAR_DEBUG=1.
"""

from __future__ import annotations


class HubradarError(Exception):
    """An expected failure with a one-line message. Exit 1 unless a subclass says otherwise."""

    exit_code = 1


class UsageError(HubradarError):
    """Bad input from the user (an option value, a file): exit 2."""

    exit_code = 2


class HubError(HubradarError):
    """The Hub could not give an answer."""


class HubUnreachable(HubError):
    """No answer after the bounded retries: network down, timeouts, 5xx or 429."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class HubRateLimited(HubUnreachable):
    """429 from the Hub with a wait longer than hubradar's retry budget."""


class HubBadResponse(HubUnreachable):
    """The Hub answered, but not with something readable (not JSON, not a list, mostly bad rows)."""


class HubAuthError(HubError):
    """401/403: a bad or missing token for what was asked."""


class HubBadRequest(HubError):
    """400/422: the Hub rejected the request itself."""


class ModelNotFound(HubError):
    """404 for a model id."""


class OfflineError(HubError):
    """Offline mode was asked for and nothing local can answer."""


class StoreError(HubradarError):
    """The local store cannot be used (e.g. written by a newer hubradar)."""
