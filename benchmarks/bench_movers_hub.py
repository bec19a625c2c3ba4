"""Benchmark: `movers --whole-hub` between two generated 2,000,000-model snapshots, in one run.

The older snapshot is generated in SQL with benchmarks/hub_shape.py's Pareto-tailed downloads (the
rest of a record, lineage and tags, plays no part in movers, so it is kept minimal: seconds to
make); the newer is made from it a day later: 2% of the models gone, 1% new (created after the
older snapshot), every all-time counter grown by a day of its 30-day figure times 0.2 to 1.8
(unknown for 3%), the 30-day figure moved by up to ±1,000 (unknown for 2%). Both are written
through `store.parquet.write_snapshot`, as an import writes them. Then, side by side:

- the floor: one DuckDB query joining the two files on id and returning the top N by the
  difference of `downloads_all_time` (no ranks, no totals, no unknowns handled);
- `app.hub_movers.hub_movers` as a library call (warm process): pairs, both snapshots' ranks, the
  basis of every model, the totals, the top N;
- `hubradar movers --whole-hub --format json` end to end in a fresh process, with its peak RSS.

    python benchmarks/bench_movers_hub.py [--models 2000000] [--limit 20] [--repeat 3] [--workdir DIR]

Exit status 1 when a check fails (the top N differ from the floor's where both are exact).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubradar.app.hub_movers import hub_movers
from hubradar.store import parquet

OLDER_AT = datetime(2026, 11, 30, 3, 30, tzinfo=UTC)
NEWER_AT = OLDER_AT + timedelta(days=1)

NEXT_DAY = """
SELECT id, author, task, library,
       CASE WHEN hash(id, 2) % 50 = 0 THEN NULL
            ELSE greatest(0, downloads + CAST(hash(id, 3) % 2001 AS BIGINT) - 1000) END AS downloads,
       CASE WHEN hash(id, 4) % 33 = 0 THEN NULL
            ELSE downloads_all_time + CAST(coalesce(downloads, 0) * (0.2 + (hash(id, 5) % 1000) / 625.0) / 30
                                           AS BIGINT) END AS downloads_all_time,
       likes + CAST(hash(id, 6) % 3 AS BIGINT) AS likes, trending_score, created_at, last_modified, tags,
       safetensors_total, gguf_total, card_base_models, card_base_relation, gated
FROM read_parquet({older}) WHERE hash(id, 1) % 50 <> 0
UNION ALL
SELECT 'fresh/model-' || i, 'fresh', 'text-generation', 'transformers', CAST(hash(i, 7) % 5000 AS BIGINT),
       CAST(hash(i, 7) % 5000 AS BIGINT), 0, 0.0, TIMESTAMPTZ '{made}', TIMESTAMPTZ '{made}', [], NULL, NULL, [],
       NULL, 'false'
FROM range({fresh}) t(i)
"""

FLOOR = """
SELECT b.id, b.downloads_all_time - a.downloads_all_time AS gained
FROM read_parquet({newer}) b JOIN read_parquet({older}) a ON a.id = b.id
WHERE a.downloads_all_time IS NOT NULL AND b.downloads_all_time IS NOT NULL
ORDER BY gained DESC, b.id LIMIT {limit}
"""


FIRST_DAY = """
SELECT 'org' || o || '/Model' || i || ['-7B', '-8B-GGUF', '-1B-Instruct', '-32B-AWQ', ''][1 + k % 5] AS id,
       'org' || o AS author, ['text-generation', 'feature-extraction', 'text-classification', NULL][1 + k % 4] AS task,
       'transformers' AS library,
       CAST(floor(pow(1 - u, -1 / 1.1) * 40) - 40 AS BIGINT) AS downloads,
       CAST(floor(pow(1 - u, -1 / 1.1) * 400) - 400 + k % 100 AS BIGINT) AS downloads_all_time,
       CAST(floor(pow(1 - u, -1 / 1.3)) - 1 AS BIGINT) AS likes, 0.0 AS trending_score,
       TIMESTAMPTZ '2021-06-01 00:00:00+00' + to_seconds(k % 157680000) AS created_at,
       TIMESTAMPTZ '2026-08-01 00:00:00+00' AS last_modified, ['transformers', 'safetensors'] AS tags,
       NULL AS safetensors_total, NULL AS gguf_total, CAST([] AS VARCHAR[]) AS card_base_models,
       NULL AS card_base_relation, 'false' AS gated
FROM (SELECT i, CAST(hash(i, 1) % {orgs} AS BIGINT) AS o, CAST(hash(i, 2) >> 2 AS BIGINT) AS k,
             CAST(hash(i, 6) % 1000000 AS BIGINT) / 1000000.0 AS u FROM range({n}) t(i))
"""


def build(cache: Path, models: int) -> None:
    """Two snapshots, as an import writes them: the Hub's shape of downloads (Pareto-tailed), a day apart."""
    con = parquet.connect()
    con.execute(f"SET temp_directory = {parquet.sql_path(cache / 'duckdb-tmp')}")
    con.execute("SET preserve_insertion_order = false")
    older = parquet.write_snapshot(con, FIRST_DAY.format(n=models, orgs=max(10, models // 40)), taken_at=OLDER_AT,
                                   source="import", origin="bench", cache_dir=cache)
    made = (OLDER_AT + timedelta(hours=6)).isoformat()
    parquet.write_snapshot(con, NEXT_DAY.format(older=parquet.sql_path(older.path), made=made, fresh=models // 100),
                           taken_at=NEWER_AT, source="import", origin="bench", cache_dir=cache)
    con.close()


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:7.2f} s")
    return value, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the two snapshots here between runs")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-movers-hub-"))
    cache = work / "cache"
    try:
        snapshots = parquet.list_snapshots(cache)
        if len(snapshots) < 2:
            timed(f"generate two snapshots of {args.models:,} models", lambda: build(cache, args.models))
            snapshots = parquet.list_snapshots(cache)
        older, newer = snapshots[-2], snapshots[-1]
        con = parquet.connect()
        rows = [parquet.row_count(con, s) for s in (older, newer)]
        print(f"snapshots: {rows[0]:,} and {rows[1]:,} models, {older.size() / 2**20:.1f} + "
              f"{newer.size() / 2**20:.1f} MiB")
        env = os.environ | {"HUBRADAR_CACHE_DIR": str(cache)}
        command = [sys.executable, "-m", "hubradar", "movers", "--whole-hub", "--format", "json",
                   "--limit", str(args.limit)]
        runs: dict[str, list[float]] = {"floor": [], "library": [], "command": []}
        for _ in range(args.repeat):  # alternately, best of each: the machine is shared
            started = time.perf_counter()
            floor = con.execute(FLOOR.format(newer=parquet.sql_path(newer.path), older=parquet.sql_path(older.path),
                                             limit=args.limit)).fetchall()
            runs["floor"].append(time.perf_counter() - started)
            started = time.perf_counter()
            result = hub_movers(limit=args.limit, cache_dir=cache)
            runs["library"].append(time.perf_counter() - started)
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            runs["command"].append(time.perf_counter() - started)
        con.close()
        labels = {"floor": "floor: join + top N by all-time difference (DuckDB)",
                  "library": "hub_movers (library): pairs, bases, totals, top N, ranks",
                  "command": "hubradar movers --whole-hub --format json (fresh process)"}
        print(f"best of {args.repeat}, alternately")
        for key, label in labels.items():
            print(f"{label:<62} {min(runs[key]):7.2f} s")
        print(f"{'ratio: library / floor':<62} {min(runs['library']) / min(runs['floor']):7.2f} x")
        print(f"peak RSS of the command: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
        t = result.totals
        print(f"totals: {t.models:,} models, {t.new:,} new, {t.gone:,} gone; exact {t.exact:,}, 30-day window "
              f"{t.window:,}, unknown {t.unknown:,}; {t.exact_downloads:,} downloads where exact")
        ok = done.returncode == 0 and len(json.loads(done.stdout)["rows"]) == len(result.rows)
        # The floor's rows are the models in both with both counters: those rows, in order, lead it.
        exact = [(r.id, r.downloads_between) for r in result.rows
                 if r.downloads_basis == "exact" and r.status == "moved"]
        ok = ok and exact == [tuple(r) for r in floor][: len(exact)]
        print("check:", "the top rows agree with the floor's" if ok else "MISMATCH")
        return 0 if ok else 1
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
