"""What sizing costs, measured side by side in one run (figures in docs/performance.md, "Sizes").

    python benchmarks/bench_sizes.py

1. Sizing a listing vs normalizing it: the bundled snapshot's rows, repeated under new ids to 10,000
   (about a 10-page listing), read by `records_from_hub_json`, then sized (lineage built, every count
   estimated, a band filter applied).
2. A size-filtered `top` vs a plain `top`, both answered from the bundled snapshot in-process (no
   network), so the ratio is what the filter adds to a command.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources

from hubradar.analysis.sizes import SizeEstimator, size_listing
from hubradar.core.record import records_from_hub_json
from hubradar.core.sizes import SizeFilter

ROWS = 10_000


def side_by_side(a: Callable[[], object], b: Callable[[], object], repeat: int = 15) -> tuple[float, float]:
    """Fastest seconds of `a` and of `b`, run alternately (after a warm-up) so load hits both alike."""
    a()
    b()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def hub_rows() -> list[dict]:
    raw = resources.files("hubradar").joinpath("data/snapshot.json.gz").read_bytes()
    models = json.loads(gzip.decompress(raw))["models"]
    rows = []
    for copy in range(ROWS // len(models) + 1):
        for model in models:
            org, _, name = model["id"].partition("/")
            rows.append(model | {"id": f"{org}{copy}/{name}" if name else f"{org}{copy}"})
    return rows[:ROWS]


def cli(*args: str) -> None:
    from hubradar.cli.main import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(list(args))
        except SystemExit as exit_:
            if exit_.code:
                raise RuntimeError(f"hubradar {' '.join(args)} exited {exit_.code}") from None


def main() -> None:
    rows = hub_rows()
    records, _ = records_from_hub_json(rows)
    small = SizeFilter.build(size="small")

    def size_all() -> None:
        sizes = SizeEstimator(records)
        size_listing(records, sizes, small, limit=20)

    normalize, sizing = side_by_side(lambda: records_from_hub_json(rows), size_all)
    print(f"{len(records):,} rows: normalize {normalize * 1000:.1f} ms, size+filter {sizing * 1000:.1f} ms, "
          f"ratio {sizing / normalize:.2f}")

    with tempfile.TemporaryDirectory() as cache:
        os.environ["HUBRADAR_CACHE_DIR"] = cache
        plain, sized = side_by_side(lambda: cli("top", "--offline", "--format", "json", "--quiet"),
                                    lambda: cli("top", "--offline", "--size", "small", "--format", "json", "--quiet"))
    print(f"offline top: plain {plain * 1000:.1f} ms, --size small {sized * 1000:.1f} ms, "
          f"ratio {sized / plain:.2f}")


if __name__ == "__main__":
    sys.exit(main())
