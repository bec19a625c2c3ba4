"""What waits for the Hub are wrapped in: a progress context, a spinner in the CLI, nothing in the library."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

Progress = Callable[[str], AbstractContextManager[object]]
"""Given a message, a context to wrap one wait for the Hub in (the CLI's spinner)."""

Notify = Callable[[str], None]
"""Where notices go: one line each (stderr in the CLI, `Listing.notices` in the library)."""


def no_progress(message: str) -> AbstractContextManager[object]:
    """Show nothing (the default for the library and for json/csv/md output)."""
    return nullcontext()


def ignore(message: str) -> None:
    """Drop a notice."""
    return None
