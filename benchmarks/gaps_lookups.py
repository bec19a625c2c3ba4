"""How `hubradar gaps` spends its time: lookups one at a time vs a few at a time, cold vs cached.

    python benchmarks/gaps_lookups.py [--latency 0.05]

Runs against the stand-in Hub (tests/hubserver.py) serving the 2026-08-21 capture plus llmfit's
long tail, with a fixed delay on every answer to stand for the network round trip. Every figure
is measured in this one run, side by side, and printed as a ratio; nothing is compared with a
number from another machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hubradar.app.gaps import find_gaps, read_scores  # noqa: E402
from hubradar.app.lookups import lookup_models  # noqa: E402
from hubradar.app.options import FetchOptions  # noqa: E402
from hubradar.fetch.settings import HubSettings  # noqa: E402
from hubserver import StandInHub  # noqa: E402

T = TypeVar("T")
FIXTURES = ROOT / "tests" / "fixtures"
IDS_CSV = FIXTURES / "scores" / "evalplus-mbpp-plus-ids.csv"
NAMES_CSV = FIXTURES / "scores" / "evalplus-humaneval-plus.csv"


def _models() -> list[dict]:
    hub = json.loads((FIXTURES / "hub" / "models-2026-08-21.json").read_text())
    return hub + json.loads((FIXTURES / "hub" / "longtail-llmfit-2026-05-17.json").read_text())


def _options(cache: Path, endpoint: str) -> FetchOptions:
    return FetchOptions(cache_dir=cache, hub=HubSettings.from_env(endpoint=endpoint))


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every Hub answer")
    args = parser.parse_args()
    hub = StandInHub(_models()).serve()
    hub.latency = args.latency
    os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"
    ids = [row.model for row in read_scores(IDS_CSV).rows]
    print(f"stand-in Hub with {args.latency * 1000:.0f} ms per answer; {len(ids)} ids from {IDS_CSV.name}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # warm up: import huggingface_hub and open the session outside the timings
            lookup_models(ids[:1], _options(Path(tmp) / "warm-up", hub.url))
            timings = {}
            for workers in (1, 4):
                cache = Path(tmp) / f"w{workers}"
                hub.reset_log()
                seconds, got = _timed(lambda c=cache, w=workers: lookup_models(ids, _options(c, hub.url), workers=w))
                timings[workers] = seconds
                print(f"  lookups, {workers} at a time: {seconds:.2f}s, {len(hub.requests)} requests, "
                      f"{len(got.found)} found, {len(got.missing)} not on the Hub")
            print(f"  -> 4 at a time is {timings[1] / timings[4]:.1f}x faster than one at a time")
            hub.reset_log()
            seconds, _ = _timed(lambda: lookup_models(ids, _options(Path(tmp) / "w4", hub.url)))
            print(f"  lookups again from the cache: {seconds * 1000:.1f} ms, {len(hub.requests)} requests "
                  f"-> {timings[4] / seconds:.0f}x faster than asking the Hub")

            for csv_path in (IDS_CSV, NAMES_CSV):
                sheet = read_scores(csv_path)
                cache = Path(tmp) / f"e2e-{csv_path.stem}"
                hub.reset_log()
                cold, report = _timed(lambda s=sheet, c=cache: find_gaps(s, _options(c, hub.url)))
                cold_requests = len(hub.requests)
                hub.reset_log()
                warm, _ = _timed(lambda s=sheet, c=cache: find_gaps(s, _options(c, hub.url)))
                print(f"  gaps on {csv_path.name} ({len(sheet.rows)} rows, {len(report.rows)} matched): "
                      f"cold {cold:.2f}s ({cold_requests} requests), cached {warm:.2f}s ({len(hub.requests)} "
                      f"requests) -> {cold / warm:.1f}x")
    finally:
        hub.close()


if __name__ == "__main__":
    main()
