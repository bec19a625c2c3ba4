"""How long `hubradar trending` takes to answer when the Hub misbehaves, next to a healthy fetch.

Runs the real CLI as a subprocess (startup included, as a user sees it) against the stand-in Hub
from tests/hubserver.py with its fault injection, with the default retry settings unless a
scenario says otherwise. Prints the median of a few runs of each scenario and its ratio to a
healthy live fetch measured in the same run.

    python benchmarks/fault_latency.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hubserver import Fault, StandInHub  # noqa: E402

MODELS = json.loads((ROOT / "tests" / "fixtures" / "hub" / "models-2026-08-21.json").read_text())


def _run(hub_url: str, cache: Path, *args: str) -> tuple[float, str, str]:
    env = dict(os.environ, HF_ENDPOINT=hub_url, HUBRADAR_CACHE_DIR=str(cache))
    env.pop("HF_TOKEN", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hubradar", "trending", "--format", "json", *args],
                          env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)["source"], done.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat

    hub = StandInHub(MODELS).serve()
    dead = StandInHub([]).serve()
    dead_url = dead.url
    dead.close()  # nothing listens there any more: connection refused
    # (name, endpoint, faults to inject before each run, extra CLI arguments)
    scenarios: list[tuple[str, str, Callable[[], list[Fault]], list[str]]] = [
        ("healthy Hub, live fetch", hub.url, list, ["--refresh"]),
        ("cache hit (no request)", hub.url, list, []),
        ("Hub down: connection refused", dead_url, list, ["--refresh"]),
        ("503 on every attempt (4 attempts)", hub.url, lambda: [Fault(503)] * 4, ["--refresh"]),
        ("429, Retry-After: 120", hub.url, lambda: [Fault(429, headers={"Retry-After": "120"})], ["--refresh"]),
        ("no answer for 30 s, --timeout 2 --retries 1", hub.url, lambda: [Fault(200, delay=30)] * 2,
         ["--refresh", "--timeout", "2", "--retries", "1"]),
    ]
    results: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        _run(hub.url, cache, "--refresh")  # warm the cache and the disk
        for name, url, faults, args in scenarios:
            times = []
            for _ in range(repeat):
                hub.faults.clear()
                hub.inject(*faults())
                seconds, source, _ = _run(url, cache, *args)
                times.append(seconds)
            results.append((name, statistics.median(times), source))
    hub.close()
    base = results[0][1]
    print(f"{'scenario':48} {'answer from':>12} {'seconds':>8} {'x healthy':>10}")
    for name, seconds, source in results:
        print(f"{name:48} {source:>12} {seconds:8.2f} {seconds / base:10.1f}")


if __name__ == "__main__":
    main()
