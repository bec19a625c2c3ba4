"""Benchmark: `hubradar state` (the app function, family roll-up included) on a generated whole-Hub snapshot.

    python benchmarks/bench_state.py [--models 2000000] [--workdir DIR] [--runs 1]

The snapshot is benchmarks/hub_shape.py's (originals, tagged and untagged quantizations, mirrors,
finetunes, adapters, merges, a few dozen cycles; Pareto downloads), written once into
`DIR/cache/hub/snapshots/` and kept between runs (generating 2M takes a minute on a quiet
machine, several on a busy one; that is setup, not a figure). Then, in this one process:

- lineage at write time: `app.state.keep_lineage`, what `hubradar crawl` and `hubradar import` now
  run after writing a snapshot: the lineage of every model built (analysis/sql/lineage.py) and its
  roots kept (store/derived.py);
- state: `app.state.hub_state` on that snapshot, reading the roots kept: what the first and every
  later `hubradar state` of a snapshot costs;
- state with `--task text-generation`;
- state with nothing kept (a snapshot written by an older hubradar, or one whose lineage could not
  be built at write time): the lineage built during the report.

Each: wall time, the process's CPU time (DuckDB's threads included) and the machine's load, since
the machine is shared. Target: `hubradar state` under 10 s. Exit status 1 when a figure is wrong
(the models counted are not the file's rows, no family is found).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from hub_shape import write_snapshot  # noqa: E402

from hubradar.app.state import HubState, hub_state, keep_lineage  # noqa: E402
from hubradar.store import derived, parquet  # noqa: E402

TARGET_S = 10.0
TAKEN = "2026-08-21T19:00:00Z"


def snapshot_for(models: int, work: Path, seed: int) -> tuple[Path, float]:
    """The cache dir holding a generated snapshot of `models` (made once); seconds it took to make."""
    cache = work / f"cache-{models}-{seed}"
    path = parquet.snapshots_dir(cache) / "models-20260821T190000Z.parquet"
    if path.exists():
        return cache, 0.0
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    write_snapshot(con, path.with_suffix(".tmp"), models, seed=seed, taken_at=TAKEN)
    con.close()
    os.replace(path.with_suffix(".tmp"), path)
    return cache, time.perf_counter() - started


def timed(label: str, cache: Path, task: str | None = None) -> tuple[float, HubState]:
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    answer = hub_state(cache_dir=cache, task=task)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"    {label:32} {wall:7.1f} s wall  {cpu:7.1f} s cpu   (load {load:.1f} on {os.cpu_count()} cpus)",
          flush=True)
    return wall, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--runs", type=int, default=1, help="cold and warm runs each (the best is the figure)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hubradar-bench-state"),
                        help="keeps the generated snapshot between runs")
    args = parser.parse_args()
    cache, made = snapshot_for(args.models, args.workdir, args.seed)
    snapshot = parquet.latest(cache)
    assert snapshot is not None
    con = parquet.connect(memory_limit=None)
    rows = parquet.row_count(con, snapshot)
    con.close()
    print(f"bench_state: {rows:,} generated models ({snapshot.size() / 2**20:,.1f} MiB); python "
          f"{platform.python_version()}" + (f"; snapshot generated in {made:.0f} s" if made else ""))
    writes, states, failures = [], [], []
    for _ in range(args.runs):
        shutil.rmtree(derived.derived_dir(cache), ignore_errors=True)
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        if not keep_lineage(snapshot, cache, memory_limit=parquet.MEMORY_LIMIT):
            failures.append("the lineage could not be built at write time")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"    {'lineage at write time':32} {wall:7.1f} s wall  {cpu:7.1f} s cpu   "
              f"(load {load:.1f} on {os.cpu_count()} cpus)", flush=True)
        writes.append(wall)
        wall, answer = timed("state (lineage kept)", cache)
        states.append(wall)
    timed("state, --task text-generation", cache, task="text-generation")
    shutil.rmtree(derived.derived_dir(cache), ignore_errors=True)
    timed("state, nothing kept", cache)
    state = answer  # the last warm answer
    if state.distribution.models != rows:
        failures.append(f"{state.distribution.models:,} models counted, the file has {rows:,}")
    families = state.families
    if not families:
        failures.append("no family found")
    else:
        top = families[0]
        print(f"  top family {top.family}: {top.derivatives:,} derivatives ({top.declared:,} declared, "
              f"{top.by_name:,} by name); {state.families_total:,} bases with a derivative; "
              f"{state.named_models:,} models reached by name")
    best = min(states)
    verdict = "met" if best < TARGET_S else "NOT met"
    print(f"\n  hubradar state {best:.1f} s (target under {TARGET_S:.0f} s: {verdict}); "
          f"the lineage it reads, built when the snapshot is written, {min(writes):.1f} s")
    for failure in failures:
        print(f"  FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
