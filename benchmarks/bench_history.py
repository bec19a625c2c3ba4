"""How history scales: `movers` and `history` over a year of hourly snapshots vs over one day.

Builds two stores side by side with the same generator: one day (24 hourly snapshots) and a year
(8,760 hourly snapshots), each of a 1,000-model downloads listing drawn from 1,200 models whose
downloads random-walk (so ranks move, and models enter and leave). Then times, on both:

- `hubradar movers` end to end (a fresh process: start-up, imports, store, diff, JSON out),
- `movers` and `history` as library calls (warm process), `cache info`,
- and on the year store: the history query in SQLite's own join order against the fixed one,
  importing one more 1,000-model file, pruning its oldest day.

Prints the figures and the year/day ratios. Target: `movers` over the year store under 1 s.

    python benchmarks/bench_history.py            # the full year (about a minute to build)
    python benchmarks/bench_history.py --hours 720 --keep /tmp/bench-store
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubradar.app.backfill import read_import, save_import
from hubradar.app.history import model_series, movers
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord
from hubradar.core.time import to_iso
from hubradar.store.admin import cache_summary, prune
from hubradar.store.db import Store

QUERY = ListingQuery(sort="downloads")
END = datetime(2026, 8, 21, 19, tzinfo=UTC)


def build(directory: Path, hours: int, models: int, pool: int, seed: int = 7) -> float:
    """A store of `hours` hourly snapshots of the top `models` of `pool` models; returns seconds."""
    started = time.perf_counter()
    rng = random.Random(seed)
    ids = [f"org{i % 97}/model-{i}" for i in range(pool)]
    downloads = [rng.lognormvariate(11, 2) for _ in range(pool)]
    likes = [rng.randint(0, 5000) for _ in range(pool)]
    records = [ModelRecord(id=i, downloads=int(d), likes=n, trending_score=0.0, task="text-generation",
                           library="transformers", tags=("transformers", "text-generation"),
                           created_at="2026-01-01T00:00:00.000Z")
               for i, d, n in zip(ids, downloads, likes, strict=True)]
    with Store.open(directory) as store:
        # One snapshot through the Store API writes every model's metadata once (the models table).
        first = store.save_snapshot(QUERY.key(), QUERY.describe() | {"limit": models}, records, depth=pool,
                                    fetched_at=END - timedelta(hours=hours + 1))
        refs = dict(store.conn.execute("SELECT model_id, ref FROM models"))
        ref = [refs[i] for i in ids]
        query_json = json.dumps(QUERY.describe() | {"limit": models}, sort_keys=True)
        with store.transaction() as conn:
            for h in range(hours):
                moment = END - timedelta(hours=hours - 1 - h)
                for j in range(pool):
                    downloads[j] *= rng.lognormvariate(0, 0.03)
                    if rng.random() < 0.05:
                        likes[j] += 1
                order = sorted(range(pool), key=downloads.__getitem__, reverse=True)[:models]
                cur = conn.execute(
                    "INSERT INTO snapshots (query_key, query_json, fetched_at, source, depth, row_count, complete) "
                    "VALUES (?, ?, ?, 'live', ?, ?, 0)",
                    (QUERY.key(), query_json, to_iso(moment), models, models),
                )
                sid = cur.lastrowid
                conn.executemany(
                    "INSERT INTO snapshot_rows (snapshot_id, rank, model_ref, downloads, downloads_all_time, likes, "
                    "trending_score) VALUES (?, ?, ?, ?, NULL, ?, ?)",
                    [(sid, r, ref[j], int(downloads[j]), likes[j], 0.0) for r, j in enumerate(order, start=1)],
                )
            # Drop the seed snapshot, keeping the models it wrote.
            conn.execute("DELETE FROM snapshot_rows WHERE snapshot_id = ?", (first,))
            conn.execute("DELETE FROM snapshots WHERE id = ?", (first,))
    return time.perf_counter() - started


def clock(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cli(directory: Path, *args: str) -> float:
    """`hubradar ARGS` in a fresh process, as a user or cron job runs it; seconds."""
    env = dict(os.environ, HUBRADAR_CACHE_DIR=str(directory))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hubradar", *args], env=env, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hubradar {' '.join(args)} failed: {done.stderr}")
    return elapsed


def side_by_side(small: Path, big: Path, rounds: int) -> dict[str, tuple[float, float]]:
    """Each figure on both stores, alternately, `rounds` times; the best of each (seconds)."""
    stores = {d: Store.open(d) for d in (small, big)}
    model = {d: s.conn.execute("SELECT model_id FROM models ORDER BY ref LIMIT 1").fetchone()[0]
             for d, s in stores.items()}
    week = timedelta(days=7)
    figures: dict[str, Callable[[Path], float]] = {
        "start-up only (hubradar --version)": lambda d: cli(d, "--version"),
        "hubradar movers --format json": lambda d: cli(d, "movers", "--format", "json"),
        "hubradar history ORG/NAME --format json": lambda d: cli(d, "history", model[d], "--format", "json"),
        "movers (library)": lambda d: clock(lambda: movers(stores[d], QUERY, week)),
        "movers --group family (library)": lambda d: clock(lambda: movers(stores[d], QUERY, week, "family")),
        "history of one model (library)": lambda d: clock(lambda: model_series(stores[d], QUERY, model[d])),
        "history --group family (library)": lambda d: clock(
            lambda: model_series(stores[d], QUERY, model[d], group="family")),
        "cache info (library)": lambda d: clock(lambda: cache_summary(stores[d])),
    }
    best: dict[str, tuple[float, float]] = {}
    try:
        for name, run in figures.items():
            samples: dict[Path, list[float]] = {small: [], big: []}
            for _ in range(rounds):
                for directory in (small, big):
                    samples[directory].append(run(directory))
            best[name] = (min(samples[small]), min(samples[big]))
        best["store size (MB)"] = tuple(cache_summary(stores[d]).size_bytes / 1e6 for d in (small, big))  # type: ignore[assignment]
    finally:
        for store in stores.values():
            store.close()
    return best


# Store.series before it fixed the join order: SQLite, without statistics, starts from the
# snapshots of the listing and walks all their rows.
PLANNER_ORDER = (
    "SELECT s.id, m.model_id, r.rank, r.downloads, r.likes, r.trending_score FROM models m "
    "JOIN snapshot_rows r ON r.model_ref = m.ref JOIN snapshots s ON s.id = r.snapshot_id "
    "WHERE m.model_id IN (?) AND s.query_key = ? ORDER BY s.fetched_at, s.id, r.rank"
)


def year_only(directory: Path, workdir: Path, rounds: int) -> dict[str, float]:
    """On the big store: the history query before/after, one more import, the daily prune."""
    figures: dict[str, float] = {}
    with Store.open(directory) as store:
        model = store.conn.execute("SELECT model_id FROM models ORDER BY ref LIMIT 1").fetchone()[0]
        before = min(clock(lambda: list(store.conn.execute(PLANNER_ORDER, (model, QUERY.key()))))
                     for _ in range(max(1, rounds // 2)))
        after = min(clock(lambda: store.series(QUERY.key(), [model])) for _ in range(rounds))
        figures["history query, planner's join order (before)"] = before
        figures[f"history query, CROSS JOIN order (now; {before / after:.0f}x faster)"] = after
        newest = store.find(QUERY.key(), max_age=None, rows=0)
        assert newest is not None
        rows = [{"id": r.id, "downloads": (r.downloads or 0) + 1, "likes": r.likes, "tags": list(r.tags)}
                for r in store.load(newest).records]
        path = workdir / "extra.json"
        path.write_text(json.dumps(rows))
        start = time.perf_counter()
        save_import(store, read_import(path, QUERY), newest.fetched_at + timedelta(minutes=30))
        figures["import 1,000 models"] = time.perf_counter() - start
        oldest = store.snapshots(QUERY.key())[0].fetched_at
        start = time.perf_counter()
        result = prune(store, older_than=END - oldest - timedelta(days=1), now=END)
        rewrite = "file rewritten" if result.compacted else "space left for reuse"
        figures[f"prune the oldest day ({result.removed} snapshots, {rewrite})"] = time.perf_counter() - start
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8760, help="snapshots in the big store (default: a year)")
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7, help="runs of each figure; the best is shown")
    parser.add_argument("--keep", type=Path, help="build the big store here, or reuse it if it exists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        day_dir = work / "day"
        year_dir = args.keep or work / "year"
        build_day = build(day_dir, 24, args.models, int(args.models * 1.2))
        reused = bool(args.keep and (year_dir / "hubradar.sqlite").exists())
        build_year = 0.0 if reused else build(year_dir, args.hours, args.models, int(args.models * 1.2))
        with Store.open(year_dir) as store:
            count = len(store.snapshots(QUERY.key()))
        print(f"stores: 24 hourly snapshots built in {build_day:.1f} s; {count} hourly snapshots of "
              f"{args.models} models " + ("reused" if reused else f"built in {build_year:.1f} s"))
        figures = side_by_side(day_dir, year_dir, args.rounds)
        writes = year_only(year_dir, work, args.rounds)
        width = max(len(k) for k in [*figures, *writes]) + 2
        print(f"\nbest of {args.rounds}, run alternately on both stores\n")
        print(f"{'':<{width}}{'24 snapshots':>14}{f'{count} snapshots':>18}{'ratio':>9}")
        for key, (day, year) in figures.items():
            unit = "" if "MB" in key else " s"
            print(f"{key:<{width}}{day:>12.3f}{unit:2}{year:>16.3f}{unit:2}{year / day:>8.1f}x")
        print()
        for key, value in writes.items():
            print(f"{key:<{width}}{'':>14}{value:>16.3f} s")
        end_to_end = figures["hubradar movers --format json"][1]
        verdict = "meets" if end_to_end < 1.0 else "MISSES"
        print(f"\nmovers over {count} snapshots: {end_to_end:.2f} s end to end ({verdict} the 1 s target)")


if __name__ == "__main__":
    main()
