"""What a whole-Hub crawl reports while it runs, and what it reports at the end.

The crawl (app/crawl.py) tells a `CrawlProgress` about each page and each wait; the CLI's is a
Rich progress bar on a terminal (render/crawlbar.py), the library's shows nothing. Plain values
only, so the layers that show progress need not know the crawl's own types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

EXPECTED_MODELS = 2_300_000  # public models on the Hub, late 2026: the progress bar's first guess


class CrawlProgress(Protocol):
    """Told how a crawl is going. Each method is called from the crawl's own thread."""

    def start(self, *, pages: int, rows: int, expected_rows: int) -> None:
        """The crawl begins (or resumes with `pages` and `rows` already done)."""

    def page(self, *, pages: int, rows: int, remaining: int | None, limit: int | None) -> None:
        """One more page is on disk; `remaining` of `limit` requests are left in the Hub's window."""

    def waiting(self, seconds: float, reason: str) -> None:
        """A wait for the Hub's rate limit: `seconds` left (0 when it is over)."""

    def finishing(self, rows: int) -> None:
        """Every page is in: the snapshot is being written."""

    def stop(self) -> None:
        """The crawl is over, done or not: remove any display."""


class NoProgress:
    """Show nothing (the library's default, and the CLI's off a terminal)."""

    def start(self, *, pages: int, rows: int, expected_rows: int) -> None:
        return None

    def page(self, *, pages: int, rows: int, remaining: int | None, limit: int | None) -> None:
        return None

    def waiting(self, seconds: float, reason: str) -> None:
        return None

    def finishing(self, rows: int) -> None:
        return None

    def stop(self) -> None:
        return None


@dataclass(frozen=True)
class SnapshotWritten:
    """A whole-Hub snapshot written by a crawl or an import."""

    path: Path
    models: int  # rows in the snapshot (unique, readable models)
    received: int  # rows the pages or the dump held
    pages: int = 0  # pages fetched in all (a crawl only)
    resumed_from: int = 0  # pages that an earlier run had fetched
    seconds: float = 0.0
    waited: float = 0.0  # seconds spent waiting for the rate limit

    @property
    def skipped(self) -> int:
        """Rows left out: unreadable, or a model seen twice (it moved between pages while the crawl ran)."""
        return max(0, self.received - self.models)
