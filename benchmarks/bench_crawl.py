"""Benchmark: a whole-Hub snapshot at 2,000,000 models, side by side with today's SQLite store, in one run.

Generated records in the Hub's listing shape (tests/hubgen.py: counts, times, tags with lineage,
cardData, safetensors and gguf totals), written as the crawl writes them (one JSON page of 1,000
models per file). Prints, side by side:

- parse and write: the crawl's DuckDB SQL turning the pages into a zstd Parquet snapshot
  (records per second, the whole N), against today's path, `json.loads` + `from_hub_json` and
  `Store.save_snapshot` into SQLite (on a sample of --sample pages when N is large: said so, and
  scaled to N);
- disk: the snapshot's bytes (and bytes a row) against the SQLite store's for the same records;
- a real crawl: `hubradar crawl` in a subprocess against the stand-in Hub serving N generated
  models lazily over HTTP, its peak memory (RSS, target under 2 GB) and its wall time.

    python benchmarks/bench_crawl.py [--models 2000000] [--sample 100] [--workdir DIR] [--skip-crawl]

The machine is shared: run the heavy parts sparingly; the figures are for docs/performance.md.
Exit status 1 when a check fails (row counts differ, peak RSS over 2 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hubgen import GeneratedHub, generated_row  # noqa: E402
from hubradar.core.record import from_hub_json  # noqa: E402
from hubradar.fetch.crawl import page_body  # noqa: E402
from hubradar.fetch.listings import LISTING_EXPAND  # noqa: E402
from hubradar.store import hubsql, parquet  # noqa: E402
from hubradar.store.db import Store  # noqa: E402
from hubserver import StandInHub  # noqa: E402

PAGE = 1000
RSS_LIMIT = 2 * 2**30


def shaped(row: dict) -> dict:
    """A generated row as the listing sends it with the crawl's expand (only those fields)."""
    return {"_id": row["_id"], "id": row["id"], **{k: row[k] for k in LISTING_EXPAND if k in row}}


def write_pages(directory: Path, models: int) -> float:
    """The crawl's pages for `models` generated models; seconds (not a figure: the setup)."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(1, -(-models // PAGE) + 1):
        path = directory / f"page-{number:06d}.json"
        if path.exists():
            continue
        start = (number - 1) * PAGE
        rows = [shaped(generated_row(i)) for i in range(start, min(models, start + PAGE))]
        body, _ = page_body(json.dumps(rows).encode())
        path.write_bytes(body)
    return time.perf_counter() - started


def duckdb_snapshot(pages: Path, count: int, cache: Path) -> tuple[float, int, int]:
    """Pages -> snapshot as the crawl does it: seconds, rows, bytes."""
    con = parquet.connect()
    con.execute(f"SET temp_directory = {parquet.sql_path(cache / 'duckdb-tmp')}")
    con.execute("SET preserve_insertion_order = false")
    hubsql.install_macros(con)
    started = time.perf_counter()
    written = parquet.write_snapshot(con, hubsql.stage(con, hubsql.pages_sql(pages, count)), taken_at=datetime.now(UTC),
                                     source="crawl", origin="bench", cache_dir=cache)
    seconds = time.perf_counter() - started
    rows = parquet.row_count(con, written)
    con.close()
    return seconds, rows, written.size()


def sqlite_snapshot(pages: Path, count: int, cache: Path) -> tuple[float, float, int, int]:
    """Today's path on the first `count` pages: (parse seconds, save seconds, rows, bytes)."""
    started = time.perf_counter()
    records = []
    for number in range(1, count + 1):
        records += [from_hub_json(row) for row in json.loads((pages / f"page-{number:06d}.json").read_bytes())]
    parsed = time.perf_counter() - started
    with Store.open(cache) as store:
        started = time.perf_counter()
        store.save_snapshot("bench", {"sort": "downloads"}, records, depth=len(records))
        saved = time.perf_counter() - started
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in cache.glob("hubradar.sqlite*"))
    return parsed, saved, len(records), size


def crawl_rss(models: int, work: Path) -> tuple[float, int, int, str]:
    """`hubradar crawl` against the stand-in serving `models` lazily: (seconds, peak RSS bytes, exit, stderr)."""
    hub = StandInHub(GeneratedHub(models), lazy=True).serve()
    cache = work / "crawl-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, HF_ENDPOINT=hub.url, HUBRADAR_CACHE_DIR=str(cache), HF_HUB_DISABLE_IMPLICIT_TOKEN="1")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "hubradar", "crawl"], env=env, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    hub.close()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux: KiB
    return seconds, peak, proc.returncode, err.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=100, help="pages for today's SQLite path (0: all)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated pages here between runs")
    parser.add_argument("--skip-crawl", action="store_true", help="leave out the crawl over HTTP (peak RSS)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    pages_dir = work / f"pages-{args.models}"
    count = -(-args.models // PAGE)
    sample = min(count, args.sample or count)
    print(f"bench_crawl: {args.models:,} generated models, {count:,} pages; python {platform.python_version()}, "
          f"{os.cpu_count()} cpus")
    setup = write_pages(pages_dir, args.models)
    print(f"  (pages written in {setup:.1f}s, {sum(p.stat().st_size for p in pages_dir.iterdir()) / 2**20:,.0f} MiB)")

    duck_s, duck_rows, duck_bytes = duckdb_snapshot(pages_dir, count, work / "duck")
    parse_s, save_s, sql_rows, sql_bytes = sqlite_snapshot(pages_dir, sample, work / "sqlite")
    scale = duck_rows / sql_rows
    failures = [] if duck_rows == args.models else [f"snapshot has {duck_rows:,} rows, not {args.models:,}"]
    sampled = "" if sample == count else f" (measured on {sql_rows:,} rows, scaled x{scale:,.1f})"

    print("\n  parse and write a snapshot of every model")
    print(f"    DuckDB pages -> Parquet (zstd)       {duck_s:8.1f} s   {duck_rows / duck_s:>10,.0f} records/s")
    today = (parse_s + save_s) * scale
    print(f"    json.loads + from_hub_json + SQLite  {today:8.1f} s   {sql_rows / (parse_s + save_s):>10,.0f} records/s"
          f"{sampled}")
    print(f"      of which parsing {parse_s * scale:.1f} s, save_snapshot {save_s * scale:.1f} s")
    print(f"    ratio DuckDB / today                 {duck_s / today:8.2f}x")
    print("\n  disk for one snapshot")
    print(f"    Parquet                              {duck_bytes / 2**20:8.1f} MiB  "
          f"{duck_bytes / duck_rows:6.1f} bytes a row")
    print(f"    SQLite store                         {sql_bytes * scale / 2**20:8.1f} MiB  "
          f"{sql_bytes / sql_rows:6.1f} bytes a row{sampled}")
    print(f"    ratio Parquet / SQLite               {(duck_bytes / duck_rows) / (sql_bytes / sql_rows):8.3f}x")

    if not args.skip_crawl:
        seconds, peak, code, err = crawl_rss(args.models, work)
        print(f"\n  hubradar crawl over HTTP (stand-in Hub on 127.0.0.1, {count:,} requests)")
        print(f"    wall time {seconds:,.0f} s, peak RSS {peak / 2**20:,.0f} MiB (target under 2,048 MiB); exit {code}")
        print(f"    {err.splitlines()[-1] if err else ''}")
        if code != 0:
            failures.append(f"the crawl failed: {err}")
        if peak >= RSS_LIMIT:
            failures.append(f"peak RSS {peak / 2**20:,.0f} MiB is over 2 GiB")
    for failure in failures:
        print(f"FAIL: {failure}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
