"""Benchmark: `--group family` over a cached 100,000-model listing, each engine side by side in one run.

    python benchmarks/bench_group.py [--models 100000] [--repeat 5] [--sizes 1000,10000,100000]

The listing is benchmarks/bench_families.py's generated records, stored as a snapshot in a scratch
cache and read back as `top` reads it (`get_listing`). Then, over --repeat runs, each engine's runs
interleaved with the others' (a shared machine loads them alike), the use case end to end
(`group_listing`, then the members of the 20 groups a table shows), best wall and best CPU time:

- python: the lineage built over the records (`Lineage`), as before the lineage was stored;
- stored: the lineage read back from the snapshot (store/lineage.py), what `auto` runs on it;
- duckdb: the records loaded into DuckDB and the lineage built there (analysis/sql/lineage.py),
  the step that would replace `Lineage`; `import duckdb` is timed apart, in a fresh interpreter.

Prints each size's times and the ratios python / stored and duckdb / python, and, for scale, the
cache read that comes before any grouping (`get_listing`, wall time of one read).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_families import generate

from hubradar.analysis.lineage import Lineage
from hubradar.app.groups import group_listing, lineage_rules, stored_links
from hubradar.app.listing import get_listing
from hubradar.app.options import FetchOptions, fetch_options
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery, rank
from hubradar.store.db import Store
from hubradar.store.lineage import save_lineage

QUERY = ListingQuery(sort="downloads", limit=20)


def cached(directory: Path, n: int) -> tuple[FetchOptions, Listing, float]:
    """`n` generated records stored as the `top` snapshot with its lineage; the listing read back,
    and how long that read took."""
    records = rank(generate(n), QUERY.sort)
    with Store.open(directory) as store:
        snapshot = store.save_snapshot(QUERY.key(), QUERY.describe(), records, depth=n + 1)
        save_lineage(store, snapshot, QUERY.sort, lineage_rules(), stored_links(Lineage(records)))
    options = fetch_options(cache_dir=directory, offline=True, max_age=timedelta(days=1))
    start = time.perf_counter()
    listing = get_listing(QUERY, options, depth=n)
    return options, listing, time.perf_counter() - start


def grouped(listing: Listing, options: FetchOptions, engine: str) -> list:
    result = group_listing(listing, options, by="family", depth=len(listing.pool), engine=engine)
    assert result.engine == engine
    return [group.members for group in result.grouping.top(20)]


def duckdb_lineage(listing: Listing) -> Callable[[], object]:
    import duckdb

    from hubradar.analysis.sql.lineage import build_lineage
    from hubradar.analysis.sql.records import load_records

    con = duckdb.connect()
    pool = rank(listing.pool, QUERY.sort)

    def run() -> object:
        load_records(con, pool)
        build_lineage(con, "records")
        return con.execute("SELECT family, count(*) FROM lin_roots GROUP BY family").fetchall()

    return run


def best(steps: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Best wall and best CPU time of each step, the steps interleaved; a result is freed after the
    clocks stop. CPU time counts every thread (DuckDB runs two here)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            wall, cpu = time.perf_counter(), time.process_time()
            result = step()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            del result
    return {name: (min(w for w, _ in values), min(c for _, c in values)) for name, values in times.items()}


def import_seconds(module: str, runs: int = 5) -> float:
    """The best time a fresh interpreter takes to import `module` (beyond starting)."""
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(runs))


def time_size(n: int, repeat: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """The cache read of `n` models, and each engine's best time over them."""
    with tempfile.TemporaryDirectory(prefix="bench-group-") as scratch:
        options, listing, read = cached(Path(scratch), n)
        first = grouped(listing, options, "python")
        assert grouped(listing, options, "stored") == first  # the same groups and members
        return read, best({"python": lambda: grouped(listing, options, "python"),
                           "stored": lambda: grouped(listing, options, "stored"),
                           "duckdb": duckdb_lineage(listing)}, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--sizes", default="", help="comma-separated sizes to time too (the crossover)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted({args.models, *(int(s) for s in args.sizes.split(",") if s)})
    print(f"import duckdb, fresh interpreter: {import_seconds('duckdb'):.3f} s")
    print(f"{'models':>8} {'cache read':>10} {'python':>13} {'stored':>13} {'duckdb':>13} {'python/stored':>13} "
          f"{'duckdb/python':>13}")
    for n in sizes:
        read, times = time_size(n, args.repeat)
        cells = " ".join(f"{times[name][0]:6.3f} {times[name][1]:6.3f}" for name in ("python", "stored", "duckdb"))
        ratios = " ".join(f"{times[a][0] / times[b][0]:6.2f} {times[a][1] / times[b][1]:6.2f}"
                          for a, b in (("python", "stored"), ("duckdb", "python")))
        print(f"{n:8,} {read:10.3f} {cells} {ratios}")
    print("each cell: best wall, best CPU seconds (ratios: of wall, of CPU); python and stored: group_listing by "
          "family and the 20 groups' members; duckdb: the records loaded into DuckDB and its lineage built "
          "(import not included); cache read: get_listing, once")

if __name__ == "__main__":
    main()
