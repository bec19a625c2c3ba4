"""Expected errors: each carries the one line a user sees and the exit code.

The CLI maps these (and nothing else) to a one-line message; anything not listed here is a bug
and shows a traceback only with HUBRADAR_DEBUG=1.

A message names the parameter it is about with `param("min_params")`, never a CLI flag: a
library caller reads `min_params`, the CLI's user reads `--min-params` (`wording`). Notices
follow the same rule, since the library and the CLI print the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MARK = "\x1f"  # the ASCII unit separator: never in a model id or a user's text (`clean` strips it)
_PARAM_RE = re.compile(f"{_MARK}([a-z_]+){_MARK}")


def param(name: str) -> str:
    """A parameter named inside a message: `min_params` for the library, `--min-params` in the CLI."""
    return f"{_MARK}{name}{_MARK}"


def as_flag(name: str) -> str:
    """The CLI's spelling of a library parameter: `min_params` -> `--min-params`."""
    return "--" + name.replace("_", "-")


def wording(message: str, name: Callable[[str], str] | None = None) -> str:
    """A message with its parameters spelled for its reader (as is, or through `name`, e.g. `as_flag`)."""
    if _MARK not in message:
        return message
    return _PARAM_RE.sub(lambda m: name(m[1]) if name else m[1], message)


class HubradarError(Exception):
    """An expected failure with a one-line message. Exit 1 unless a subclass says otherwise."""

    exit_code = 1

    def __str__(self) -> str:
        return wording(super().__str__())

    def for_cli(self) -> str:
        """The message with its parameters spelled as the CLI's flags."""
        return wording(super().__str__(), as_flag)


class UsageError(HubradarError):
    """Bad input from the user (an option value, a file): exit 2."""

    exit_code = 2


class UnknownTask(UsageError):
    """A task that matches no model and that the Hub does not know: most likely a typo."""

    def __init__(self, task: str, suggestions: list[str]) -> None:
        hint = f"; closest known pipeline tags: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"{param('task')} {task!r} matches no models{hint}")
        self.task = task
        self.suggestions = suggestions


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


class NotEnoughHistory(HubradarError):
    """The store holds too few snapshots to answer (exit 1, with how to get more)."""


class ModelMissing(HubradarError):
    """The model is in no stored snapshot of the listing (exit 1)."""
