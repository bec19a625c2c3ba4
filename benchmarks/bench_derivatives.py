"""Derivative lookups: one model_info request per model, sequential vs a few at a time vs cached.

Runs the three side by side in one process against the stand-in Hub (tests/hubserver.py) with a fixed
per-request latency standing in for the network, and prints times, requests and ratios. Absolute
times depend on the machine and the latency chosen; the ratios are the point.

    python benchmarks/bench_derivatives.py [--models 100] [--latency 0.05] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hubradar.app.lookups import with_derivatives  # noqa: E402
from hubradar.app.options import FetchOptions  # noqa: E402
from hubradar.core.record import from_hub_json  # noqa: E402
from hubradar.fetch.lookups import LOOKUP_WORKERS  # noqa: E402
from hubradar.fetch.settings import HubSettings  # noqa: E402
from hubserver import StandInHub  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100, help="models to look up (the default --depth)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds each Hub answer waits")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    models = json.loads((ROOT / "tests/fixtures/hub/models-2026-08-21.json").read_text())
    models.sort(key=lambda m: m.get("downloads", 0), reverse=True)
    for rank, model in enumerate(models):
        model["childrenModelCount"] = rank  # any count: the cost is the request, not the value
    records = [from_hub_json({k: v for k, v in m.items() if k != "childrenModelCount"})
               for m in models[: args.models]]
    hub = StandInHub(models).serve()
    hub.latency = args.latency
    os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
    settings = HubSettings.from_env(endpoint=hub.url)

    def run(workers: int, cache_dir: Path, refresh: bool) -> tuple[float, int]:
        hub.reset_log()
        start = time.perf_counter()
        out = with_derivatives(records, FetchOptions(cache_dir=cache_dir, hub=settings, refresh=refresh),
                               workers=workers)
        elapsed = time.perf_counter() - start
        assert all(r.children_count is not None for r in out), "a lookup failed"
        return elapsed, len(hub.info_requests())

    results: dict[str, list[float]] = {"sequential (1 at a time)": [], f"{LOOKUP_WORKERS} at a time": [],
                                       "cached (a second run)": []}
    requests: dict[str, int] = {}
    try:
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as few:
                for name, workers, where, refresh in (
                    ("sequential (1 at a time)", 1, one, True),
                    (f"{LOOKUP_WORKERS} at a time", LOOKUP_WORKERS, few, True),
                    ("cached (a second run)", LOOKUP_WORKERS, few, False),
                ):
                    elapsed, count = run(workers, Path(where), refresh)
                    results[name].append(elapsed)
                    requests[name] = count
    finally:
        hub.close()

    base = statistics.median(results["sequential (1 at a time)"])
    print(f"{args.models} derivative lookups, {args.latency * 1000:.0f} ms per Hub answer, "
          f"median of {args.repeat}")
    print(f"{'strategy':<26}{'seconds':>10}{'requests':>10}{'vs sequential':>15}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<26}{median:>10.3f}{requests[name]:>10}{base / median:>14.1f}x")


if __name__ == "__main__":
    main()
