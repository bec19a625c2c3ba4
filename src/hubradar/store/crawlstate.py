"""The crawl in progress on disk: each page as the Hub sent it, and a checkpoint after each page.

    <cache>/hub/crawl/checkpoint.json    endpoint, query, the next link, pages and rows done
    <cache>/hub/crawl/page-000001.json   page 1, a JSON list of models as `/api/models` sent it

Both are written to a temporary file and renamed, page first, checkpoint second: a crawl stopped
at any instant (Ctrl-C, the machine off) resumes from the last page the checkpoint names, and a
page written after it is fetched again. Only pages 1..`pages` are ever read into a snapshot.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from hubradar.core.errors import StoreError
from hubradar.core.time import now_utc, to_iso

CHECKPOINT = "checkpoint.json"
LOCK = "crawl.lock"  # beside the crawl directory: held by the one crawl that runs
VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    """Where a crawl stands. `next_url` is None once the last page is in (`done`)."""

    endpoint: str
    query: dict[str, Any]
    next_url: str | None
    pages: int = 0
    rows: int = 0
    started_at: str = field(default_factory=lambda: to_iso(now_utc()))
    updated_at: str = field(default_factory=lambda: to_iso(now_utc()))
    done: bool = False
    version: int = VERSION

    def same_crawl(self, endpoint: str, query: dict[str, Any]) -> bool:
        """Is this the checkpoint of a crawl of `endpoint` with `query`? Only such a crawl may resume."""
        return self.endpoint == endpoint and self.query == query

    def after_page(self, rows: int, next_url: str | None) -> Checkpoint:
        return replace(self, pages=self.pages + 1, rows=self.rows + rows, next_url=next_url,
                       done=next_url is None, updated_at=to_iso(now_utc()))


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise StoreError(f"cannot write {path}: {err.strerror or err}") from None


class CrawlDir:
    """The crawl directory: load and save the checkpoint, write and find pages, clear it all."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def checkpoint_path(self) -> Path:
        return self.path / CHECKPOINT

    def page_path(self, number: int) -> Path:
        return self.path / f"page-{number:06d}.json"

    def load(self) -> Checkpoint | None:
        """The checkpoint, or None when no crawl is in progress (or its checkpoint cannot be read)."""
        try:
            data = json.loads(self.checkpoint_path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != VERSION:
                return None
            checkpoint = Checkpoint(**data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError):
            return None
        missing = [n for n in range(1, checkpoint.pages + 1) if not self.page_path(n).is_file()]
        return None if missing else checkpoint

    def save(self, checkpoint: Checkpoint) -> None:
        self._ensure()
        _write_atomically(self.checkpoint_path, json.dumps(asdict(checkpoint), indent=1).encode())

    def write_page(self, number: int, body: bytes) -> None:
        self._ensure()
        _write_atomically(self.page_path(number), body)

    def bytes_on_disk(self) -> int:
        with contextlib.suppress(OSError):
            return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return 0

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Hold the crawl's lock while the block runs: a second crawl at the same time is refused.

        An advisory lock (`flock`) that the system drops when the process dies, so a killed crawl
        leaves nothing to clean up. Where `fcntl` does not exist (Windows), no lock is taken.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX
            yield
            return
        lock_path = self.path.parent / LOCK
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole block
        except OSError as err:
            raise StoreError(f"cannot open {lock_path}: {err.strerror or err}") from None
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreError(f"another crawl is running on {self.path} (it holds {lock_path}); "
                                 "wait for it to finish") from None
            yield
        finally:
            handle.close()

    def clear(self) -> None:
        """Remove the crawl in progress (after its snapshot is written, or on `restart`)."""
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(self.path)

    def _ensure(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot create {self.path}: {err.strerror or err}") from None
