"""A spinner on stderr while hubradar waits for the Hub, and nothing at all when stderr is not a terminal.

Fetches that take seconds (a cold listing, retries after a 503) should not look like a hang, but a
pipe, a log file or CI must get no spinner frames. Rich is imported only when a spinner is shown,
so a cache hit (which fetches nothing) never pays for `rich.live`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

Progress = Callable[[str], AbstractContextManager[object]]
"""What `FetchOptions.progress` holds: given a message, a context to wrap one wait for the Hub in."""


def no_progress(message: str) -> AbstractContextManager[object]:
    """Show nothing (the default for the library and for json/csv/md output)."""
    return nullcontext()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


@contextmanager
def spinner(message: str) -> Iterator[None]:
    """A transient Rich status on stderr while the block runs, when stderr is a (non-dumb) terminal."""
    if not _stderr_is_terminal():
        yield
        return
    from rich.console import Console

    console = Console(stderr=True, highlight=False, emoji=False)
    if not console.is_terminal or console.is_dumb_terminal:
        yield
        return
    with console.status(message, spinner="dots"):
        yield
