"""The crawl's progress bar on stderr: pages, models, the Hub's request budget left, and an ETA.

Shown on a (non-dumb) terminal only: into a pipe, a log file or cron's mail the crawl writes
nothing but its notices. Rich's live display is imported only when a bar is shown.
"""

from __future__ import annotations

import math
from typing import Any

from hubradar.core.crawl import CrawlProgress, NoProgress
from hubradar.render.progress import _stderr_is_terminal

PAGE = 1000  # models a page, to turn an expected model count into pages


class CrawlBar:
    """A Rich progress bar: pages done of the pages expected, models, budget left, ETA."""

    def __init__(self, console: Any) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"),
            TextColumn("{task.fields[models]} models"), TextColumn("{task.fields[budget]}"),
            TimeRemainingColumn(), console=console, transient=True, refresh_per_second=4)
        self._task: Any = None
        self._pages = 0

    def start(self, *, pages: int, rows: int, expected_rows: int) -> None:
        self._progress.start()
        total = max(pages + 1, math.ceil(expected_rows / PAGE))
        self._task = self._progress.add_task("crawling the Hub", total=total, completed=pages,
                                             models=f"{rows:,}", budget="")
        self._pages = pages

    def page(self, *, pages: int, rows: int, remaining: int | None, limit: int | None) -> None:
        budget = f"{remaining}/{limit} requests left" if remaining is not None and limit else (
            f"{remaining} requests left" if remaining is not None else "")
        total = self._progress.tasks[0].total or 0 if self._progress.tasks else 0
        self._progress.update(self._task, completed=pages, total=max(total, pages + 1), models=f"{rows:,}",
                              budget=budget, description="crawling the Hub")

    def waiting(self, seconds: float, reason: str) -> None:
        words = "a 429 from the Hub" if "429" in reason else "the Hub's rate limit"  # short: the bar needs the room
        text = f"waiting {math.ceil(seconds)}s for {words}" if seconds > 0 else "crawling the Hub"
        self._progress.update(self._task, description=text)

    def finishing(self, rows: int) -> None:
        done = self._progress.tasks[0].completed if self._progress.tasks else 0
        self._progress.update(self._task, total=done, completed=done, models=f"{rows:,}",
                              description="writing the snapshot")

    def stop(self) -> None:
        self._progress.stop()


def crawl_progress(quiet: bool = False) -> CrawlProgress:
    """A progress bar on stderr when it is a terminal (and not `quiet`), else nothing."""
    if quiet or not _stderr_is_terminal():
        return NoProgress()
    from rich.console import Console

    console = Console(stderr=True, highlight=False, emoji=False)
    if not console.is_terminal or console.is_dumb_terminal:
        return NoProgress()
    return CrawlBar(console)
