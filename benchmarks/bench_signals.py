"""Benchmark: what the honest signals (RAM, the bot flags) cost on the warm path, side by side, in one run.

With a cache that holds the 15 daily captures of 2026-08-07..21 as history (`hubradar import`, the
last day as the trending listing too), every command is a cache hit (`--max-age 1000d`; the stand-in
Hub of the tests is its endpoint, never reached); each runs as a subprocess, alternating, and the
medians are printed with their ratios to a warm `trending`:

- `trending` (cached): the flags, `jump`'s history reads included (its rows are young);
- `trending --ram` (cached): plus the RAM column (the downloads listing as peers, the history's counts);
- `top --sort ram` (cached): the top 100 of the downloads listing ranked by RAM;
- `--base PATH`: also a warm `trending` of another checkout's `src` (e.g. main's worktree) over the
  same cache, for the before/after ratio.

    python benchmarks/bench_signals.py [--runs 7] [--base /path/to/other/checkout/src]

Both sides need their bytecode cached (`PYTHONDONTWRITEBYTECODE` unset): a side compiling its
sources every run pays about 0.3 s for it, which would swamp the difference measured. Measured on
2026-12-02 (2 shared cores, 9-11 alternating runs, twice): a warm `trending` of this branch against
main's was 0.88x and 1.13x (no difference beyond the machine's noise); `trending --ram` 1.2-1.35x
and `top --sort ram` 1.3-1.5x a warm `trending`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hubserver import StandInHub  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "hub"
DAYS = [f"2026-08-{d:02d}" for d in range(7, 22)]


def run(args: list[str], env: dict[str, str], src: Path | None = None) -> float:
    code = "import sys; from hubradar.cli.main import main; main(sys.argv[1:])"
    if src is not None:
        code = f"import sys; sys.path.insert(0, {str(src)!r}); " + code
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--base", type=Path, default=None, help="another checkout's src/ to compare with")
    opts = parser.parse_args()
    import json

    server = StandInHub(json.loads((FIXTURES / "models-2026-08-21.json").read_text())).serve()
    try:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, HF_ENDPOINT=server.url, HUBRADAR_CACHE_DIR=cache, COLUMNS="120")
            for day in DAYS:
                run(["import", str(FIXTURES / f"models-{day}.json"), "--at", f"{day}T19:00Z"], env)
            # The trending listing of the last day: a cache hit for `trending`, with its young rows.
            run(["import", str(FIXTURES / f"models-{DAYS[-1]}.json"), "--at", f"{DAYS[-1]}T19:00Z",
                 "--query", "trending"], env)
            cases: dict[str, tuple[list[str], Path | None]] = {
                "trending": (["trending", "--max-age", "1000d"], None),
                "trending --ram": (["trending", "--ram", "--max-age", "1000d"], None),
                "top --sort ram": (["top", "--sort", "ram", "--max-age", "1000d"], None),
            }
            if opts.base is not None:
                cases["trending (base)"] = (["trending", "--max-age", "1000d"], opts.base)
            for args, src in cases.values():  # one run each before timing (the OS's file cache)
                run(args, env, src)
            times: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(opts.runs):
                for name, (args, src) in cases.items():
                    times[name].append(run(args, env, src))
    finally:
        server.close()
    warm = statistics.median(times["trending"])
    print(f"{'command':<22}{'median s':>10}{'x trending':>12}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<22}{median:>10.3f}{median / warm:>12.2f}")


if __name__ == "__main__":
    main()
