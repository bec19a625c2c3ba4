"""The whole Hub as a snapshot: crawl it page by page (resumable), or import a public dump.

`crawl` fetches every model, sorted by downloads, a page of 1,000 at a time, and keeps each page
on disk as it arrives, with a checkpoint after it (store/crawlstate.py). Run again after a stop
(Ctrl-C, the Hub down, the machine off) it continues from the last page, against the same
endpoint and query only; `restart` starts over. Once the last page is in, DuckDB reads every
page into one Parquet snapshot (store/hubsql.py, store/parquet.py) and the pages are removed.
`import_dump` makes a snapshot from a hub-stats `models` Parquet file instead.

Nothing here holds the whole Hub as Python objects: pages go from the socket to the disk, and
from the disk to Parquet inside DuckDB, under its own memory limit.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.app.options import FetchOptions
from hubradar.app.state import keep_lineage
from hubradar.core.crawl import EXPECTED_MODELS, CrawlProgress, NoProgress, SnapshotWritten
from hubradar.core.errors import HubError, HubradarError, StoreError, UsageError, param
from hubradar.core.time import from_iso
from hubradar.fetch.client import HubClient
from hubradar.fetch.crawl import Pacer, crawl_params, fetch_page, first_url
from hubradar.store import parquet
from hubradar.store.crawlstate import Checkpoint, CrawlDir
from hubradar.store.hubsql import dump_sql, install_macros, pages_sql, parquet_columns, stage

if TYPE_CHECKING:
    import duckdb


class CrawlStopped(HubError):
    """The crawl could not go on; what it fetched is kept and a later run continues from there."""


def _expected_rows(cache_dir: Path | None) -> int:
    """How many models to expect: the latest snapshot's count, else the Hub's size as last known."""
    snapshot = parquet.latest(cache_dir)
    if snapshot is None:
        return EXPECTED_MODELS
    con = parquet.connect(memory_limit=None)
    try:
        return parquet.row_count(con, snapshot) or EXPECTED_MODELS
    except Exception:  # an unreadable old snapshot only costs the progress bar its guess
        return EXPECTED_MODELS
    finally:
        con.close()


def _resume(state: CrawlDir, endpoint: str, query: dict, restart: bool, options: FetchOptions,
            start_url: str) -> Checkpoint:
    """The checkpoint to go on from, or a fresh one."""
    if restart:
        state.clear()
    checkpoint = state.load()
    if checkpoint is None:
        if state.checkpoint_path.exists():
            options.notify("the crawl's checkpoint cannot be read: starting over")
            state.clear()
        return Checkpoint(endpoint=endpoint, query=query, next_url=start_url)
    if not checkpoint.same_crawl(endpoint, query):
        raise HubradarError(
            f"a crawl of {checkpoint.endpoint} with other parameters is in progress ({checkpoint.pages} pages, "
            f"{checkpoint.rows:,} models, in {state.path}); run it against that endpoint to finish it, "
            f"or pass {param('restart')} to drop it and start over")
    if checkpoint.done:
        options.notify(f"the crawl of {endpoint} fetched all {checkpoint.pages} pages before it stopped: "
                       "writing its snapshot")
    else:
        options.notify(f"continuing the crawl of {endpoint} from page {checkpoint.pages + 1} "
                       f"({checkpoint.pages} pages, {checkpoint.rows:,} models fetched since "
                       f"{checkpoint.started_at}; pass {param('restart')} to start over)")
    return checkpoint


def crawl(options: FetchOptions, *, restart: bool = False, progress: CrawlProgress | None = None,
          memory_limit: str | None = parquet.MEMORY_LIMIT) -> SnapshotWritten:
    """Fetch every model on the Hub into a new snapshot, resuming an interrupted crawl.

    Raises CrawlStopped (the checkpoint kept) when the Hub cannot be crawled to the end now;
    KeyboardInterrupt passes through, with every page fetched so far kept.
    """
    shown = progress or NoProgress()
    began = time.monotonic()
    client = HubClient(options.hub)
    query = crawl_params()
    state = CrawlDir(parquet.crawl_dir(options.cache_dir))
    with state.running():
        return _crawl(client, state, query, options, restart, shown, memory_limit, began)


def _crawl(client: HubClient, state: CrawlDir, query: dict, options: FetchOptions, restart: bool,
           shown: CrawlProgress, memory_limit: str | None, began: float) -> SnapshotWritten:
    endpoint = client.settings.endpoint
    checkpoint = _resume(state, endpoint, query, restart, options, first_url(client))
    resumed_from = checkpoint.pages
    pacer = Pacer(shown.waiting)
    visited = {checkpoint.next_url} if checkpoint.next_url else set()
    shown.start(pages=checkpoint.pages, rows=checkpoint.rows, expected_rows=_expected_rows(options.cache_dir))
    try:
        if not checkpoint.done:
            client.check_online()
        while not checkpoint.done and checkpoint.next_url is not None:
            params = query if checkpoint.pages == 0 else None  # a next link carries the query itself
            try:
                page = fetch_page(client, checkpoint.next_url, params, pacer)
            except HubradarError as err:
                raise _stopped(err, checkpoint) from err
            next_url = page.next_url if page.next_url not in visited else None  # a repeated link ends it
            if next_url:
                visited.add(next_url)
            state.write_page(checkpoint.pages + 1, page.body)
            checkpoint = checkpoint.after_page(page.rows, next_url)
            state.save(checkpoint)
            budget = page.budget
            shown.page(pages=checkpoint.pages, rows=checkpoint.rows, remaining=budget.remaining if budget else None,
                       limit=budget.limit if budget else None)
        shown.finishing(checkpoint.rows)
        written = _assemble(state, checkpoint, options.cache_dir, memory_limit)
        keep_lineage(written, options.cache_dir, memory_limit)
    finally:
        shown.stop()
    state.clear()
    return SnapshotWritten(written.path, _rows(written), checkpoint.rows, checkpoint.pages, resumed_from,
                           time.monotonic() - began, pacer.waited)


def _stopped(err: HubradarError, checkpoint: Checkpoint) -> CrawlStopped:
    kept = (f"the crawl stopped after page {checkpoint.pages} ({checkpoint.rows:,} models kept); "
            "running it again continues from there") if checkpoint.pages else "the crawl could not start"
    return CrawlStopped(f"{err.args[0] if err.args else err}: {kept}")


def _rows(snapshot: parquet.SnapshotFile) -> int:
    con = parquet.connect(memory_limit=None)
    try:
        return parquet.row_count(con, snapshot)
    finally:
        con.close()


def _connection(cache_dir: Path | None, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for a snapshot write: spilling under the cache dir, the field rules installed."""
    con = parquet.connect(memory_limit=memory_limit)
    spill = parquet.hub_dir(cache_dir) / "duckdb-tmp"
    con.execute(f"SET temp_directory = {parquet.sql_path(spill)}")
    con.execute("SET preserve_insertion_order = false")
    install_macros(con)
    return con


def _assemble(state: CrawlDir, checkpoint: Checkpoint, cache_dir: Path | None,
              memory_limit: str | None) -> parquet.SnapshotFile:
    """Every page of a finished crawl into one snapshot, taken when the last page arrived."""
    con = _connection(cache_dir, memory_limit)
    try:
        return parquet.write_snapshot(con, stage(con, pages_sql(state.path, checkpoint.pages)),
                                      taken_at=from_iso(checkpoint.updated_at), source="crawl",
                                      origin=checkpoint.endpoint, cache_dir=cache_dir)
    except Exception as err:
        if isinstance(err, HubradarError):
            raise
        raise StoreError(f"cannot write the snapshot from {state.path}: {err}; the pages are kept, "
                         "running the crawl again writes it") from err
    finally:
        con.close()


def import_dump(path: Path, at: datetime, cache_dir: Path | None = None,
                memory_limit: str | None = parquet.MEMORY_LIMIT) -> SnapshotWritten:
    """A whole-Hub snapshot taken at `at` from a Parquet dump in the hub-stats `models` layout."""
    began = time.monotonic()
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    con = _connection(cache_dir, memory_limit)
    try:
        try:
            columns = parquet_columns(con, path)
            received = parquet.row_count(con, path)
        except Exception as err:
            raise UsageError(f"{path.name} is not a Parquet file DuckDB can read ({type(err).__name__})") from None
        if "id" not in columns and "modelId" not in columns:
            raise UsageError(f"{path.name} has no id column: not a dump of the Hub's models "
                             "(the hub-stats dataset's models table)")
        try:
            written = parquet.write_snapshot(con, stage(con, dump_sql(path, columns)), taken_at=at, source="import",
                                             origin=path.name, cache_dir=cache_dir)
        except HubradarError:
            raise
        except Exception as err:
            raise StoreError(f"cannot import {path.name}: {err}") from err
        models = parquet.row_count(con, written)
    finally:
        con.close()
    keep_lineage(written, cache_dir, memory_limit)
    return SnapshotWritten(written.path, models, received, seconds=time.monotonic() - began)


def describe(written: SnapshotWritten) -> str:
    """A snapshot just written, for a notice: its path, its models, the rows left out."""
    n = written.skipped
    skipped = f"; {n:,} row{'' if n == 1 else 's'} skipped: unreadable, or seen twice" if n else ""
    pages = f" from {written.pages:,} pages" if written.pages else ""
    return f"{written.path} ({written.models:,} models{pages}{skipped})"
