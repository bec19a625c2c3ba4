"""Benchmark: `hubradar trending` against `hf models ls`, side by side, in one run, on one machine.

Both commands run as subprocesses against the stand-in Hub of the tests (tests/hubserver.py) on
127.0.0.1, reached through HF_ENDPOINT, so what is measured is the tools, not the network. Prints:

- warm: `hubradar trending` answered from its cache vs `hf models ls --sort trending_score --limit 20`
  (median of alternating runs, as a ratio; target <= 0.3x);
- cold: `hubradar trending` with an empty cache (a live fetch) vs `hf models ls` with an empty HF_HOME;
- the requests hubradar (and hf) send to list 20, 1,000 and 5,000 models (expected ceil(N/1000));
- what a warm `hubradar trending` imports (`python -X importtime`), and whether it pulls in modules
  a cached answer does not need.

Run from a checkout with hubradar installed (`pip install -e ".[test]"`):

    python benchmarks/bench_listing.py [--runs 9]

Exit status 1 when a correctness check fails (a warm run that sends requests, a wrong request count,
a command that fails); the timing target is reported, not enforced.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hubserver import StandInHub  # noqa: E402  (the stand-in Hub lives with the tests)

FIXTURE = ROOT / "tests" / "fixtures" / "hub" / "models-2026-08-21.json"
WARM_TARGET = 0.3
LIST_SIZES = (20, 1000, 5000)
HEAVY = ("huggingface_hub", "httpx2", "pydantic", "rich.live", "hubradar.fetch.bundled")  # a cache hit needs none
HF_ARGS = ["models", "ls", "--sort", "trending_score", "--limit", "20"]
# The floor: the least a Typer + Rich program can do for the same answer (20 rows from a JSON file).
MINIMAL_CLI = """
import json, sys
import typer

def trending(limit: int = 20) -> None:
    from rich.console import Console
    from rich.table import Table
    rows = json.loads(open(sys.argv[0] + ".json").read())["rows"][:limit]
    table = Table(title="Trending on the Hub")
    for header in ("#", "model", "task", "trending", "downloads", "likes"):
        table.add_column(header, no_wrap=True)
    for r in rows:
        table.add_row(str(r["rank"]), r["id"], r["task"] or "-", str(r["trending_score"]), str(r["downloads"]),
                      str(r["likes"]))
    Console().print(table)

typer.run(trending)
"""


def find_tool(name: str) -> str:
    """The console script installed next to this interpreter (the same venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        sys.exit(f"bench_listing: `{name}` is not installed (pip install -e '.[test]')")
    return found


def derived_models(models: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """`count` models derived from the real ones: copies with suffixed ids and scaled-down numbers.

    Only the request count depends on this list (pages of 1,000); the copies keep the real rows'
    shape, so hubradar and hf read them as they read the real ones.
    """
    out: list[dict[str, Any]] = []
    copy = 0
    while len(out) < count:
        for model in models:
            if len(out) == count:
                break
            row = dict(model)
            if copy:
                row["id"] = row["modelId"] = f"{model['id']}-copy{copy}"
                for key in ("downloads", "likes", "trendingScore"):
                    if isinstance(row.get(key), int | float):
                        row[key] = type(row[key])(row[key] / (copy + 1))
            out.append(row)
        copy += 1
    return out


def child_env(hub: StandInHub, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell, pointed at the stand-in Hub and at throwaway dirs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HUBRADAR_", "HF_")) and k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR")}
    env.update(
        HF_ENDPOINT=hub.url,
        HF_HOME=str(home / "hf-home"),  # no token, no stored settings
        HF_HUB_DISABLE_UPDATE_CHECK="1",  # hf would otherwise ask PyPI for its latest version
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
        XDG_CACHE_HOME=str(home / "xdg-cache"),  # hubradar's default (platformdirs) cache dir
        COLUMNS="120",
    )
    env.update(extra)
    return env


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


@dataclass
class Check:
    failures: list[str] = field(default_factory=list)

    def __call__(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)
            print(f"  FAILED: {message}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def timings(runs: int, cases: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run every case once per round, rotating the order each round so drift hits all alike."""
    names = list(cases)
    out: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            out[name].append(cases[name]())
    return out


def import_profile(script: str, args: Sequence[str], env: dict[str, str]) -> tuple[float, int, set[str], list]:
    """Total import time (sum of top-level cumulative), module count, modules, top-level heaviest."""
    done = subprocess.run([sys.executable, "-X", "importtime", script, *args], env=env,
                          capture_output=True, text=True, check=False)
    top: list[tuple[int, str]] = []
    modules: set[str] = set()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        modules.add(name.strip())
        if not name.startswith("   "):  # " name" at depth 0, " " plus two spaces a level below
            top.append((int(cumulative), name.strip()))
    top.sort(reverse=True)
    return sum(c for c, _ in top) / 1e6, len(modules), modules, top[:8]


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed rounds (each runs every case once)")
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also time a warm run of another checkout's src/ (say, an older commit's worktree), "
                             "side by side, with the same cache")
    args = parser.parse_args(argv)
    check = Check()
    hubradar, hf = find_tool("hubradar"), find_tool("hf")
    models = json.loads(FIXTURE.read_text())
    top_id = max(models, key=lambda m: m.get("trendingScore") or 0)["id"]

    print("hubradar listing benchmark")
    print(f"  machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    print(f"  hubradar {version('hubradar')}, huggingface_hub {version('huggingface_hub')}, "
          f"typer {version('typer')}, rich {version('rich')}")
    print(f"  stand-in Hub: {FIXTURE.name} ({len(models)} models); {args.runs} alternating rounds")

    with tempfile.TemporaryDirectory(prefix="hubradar-bench-") as tmp:
        home = Path(tmp)
        hub = StandInHub(models).serve()
        try:
            env = child_env(hub, home)
            # Warm-up: fills hubradar's cache and lets Python write bytecode, as an installed package has.
            for cmd in ([hubradar, "trending"], [hf, *HF_ARGS]):
                _, done = run(cmd, env)
                check(done.returncode == 0, f"{' '.join(cmd[-2:])} failed: {done.stderr.strip()[-300:]}")
            _, done = run([hubradar, "trending"], env)
            check(top_id in done.stdout, f"hubradar trending does not show {top_id}")
            hub.reset_log()
            _, done = run([hf, *HF_ARGS], env)
            check(len(hub.listing_requests()) == 1, "hf models ls did not reach the stand-in Hub")

            cold_dirs = iter(range(10**6))

            def hubradar_warm() -> float:
                before = len(hub.requests)
                seconds, done = run([hubradar, "trending"], env)
                check(done.returncode == 0 and len(hub.requests) == before,
                      "a warm hubradar trending sent a request or failed")
                return seconds

            def hubradar_cold() -> float:
                fresh = child_env(hub, home, XDG_CACHE_HOME=str(home / f"cold-{next(cold_dirs)}"))
                seconds, done = run([hubradar, "trending"], fresh)
                check(done.returncode == 0 and "live from the Hub" in done.stdout, "a cold hubradar run did not fetch")
                return seconds

            def hf_warm() -> float:
                seconds, done = run([hf, *HF_ARGS], env)
                check(done.returncode == 0, "hf models ls failed")
                return seconds

            def hf_cold() -> float:
                fresh = child_env(hub, home, HF_HOME=str(home / f"cold-hf-{next(cold_dirs)}"))
                seconds, done = run([hf, *HF_ARGS], fresh)
                check(done.returncode == 0, "hf models ls (empty HF_HOME) failed")
                return seconds

            minimal = home / "minimal_cli.py"
            minimal.write_text(MINIMAL_CLI)
            _, done = run([hubradar, "trending", "--format", "json"], env)
            Path(f"{minimal}.json").write_text(done.stdout)

            def floor() -> float:
                seconds, done = run([sys.executable, str(minimal)], env)
                check(done.returncode == 0 and top_id in done.stdout, "the minimal Typer + Rich program failed")
                return seconds

            cases = {"hubradar warm": hubradar_warm, "hf": hf_warm, "hubradar cold": hubradar_cold,
                     "hf cold": hf_cold, "floor": floor}
            if args.compare is not None:
                other = child_env(hub, home, PYTHONPATH=str(args.compare.resolve()))

                def compared_warm() -> float:
                    before = len(hub.requests)
                    seconds, done = run([sys.executable, "-m", "hubradar", "trending"], other)
                    check(done.returncode == 0 and len(hub.requests) == before,
                          f"a warm hubradar trending from {args.compare} sent a request or failed")
                    return seconds

                compared_warm()  # let it write its bytecode
                cases["compared warm"] = compared_warm
            times = timings(args.runs, cases)
            medians = {name: statistics.median(values) for name, values in times.items()}

            fastest = {name: min(values) for name, values in times.items()}
            print("\nWall time, subprocesses, median (min-max):")
            for name, values in times.items():
                print(f"  {name:<14} {ms(medians[name])}  ({min(values) * 1000:.0f}-{max(values) * 1000:.0f} ms)")
            print(f"  floor: a minimal Typer + Rich program printing the same 20 rows from a JSON file: "
                  f"{medians['floor'] / medians['hf']:.2f}x hf (fastest {fastest['floor'] / fastest['hf']:.2f}x)")
            warm_ratio = medians["hubradar warm"] / medians["hf"]
            cold_ratio = medians["hubradar cold"] / medians["hf cold"]
            verdict = "met" if warm_ratio <= WARM_TARGET else "NOT met"
            print(f"  warm hubradar trending / hf models ls: {warm_ratio:.2f}x  (target <= {WARM_TARGET}x: {verdict}); "
                  f"fastest runs: {fastest['hubradar warm'] / fastest['hf']:.2f}x")
            print(f"  cold hubradar trending / hf models ls: {cold_ratio:.2f}x; "
                  f"fastest runs: {fastest['hubradar cold'] / fastest['hf cold']:.2f}x")
            print(f"  warm hubradar trending / floor: {medians['hubradar warm'] / medians['floor']:.2f}x; "
                  f"fastest runs: {fastest['hubradar warm'] / fastest['floor']:.2f}x")
            if args.compare is not None:
                print(f"  warm, {args.compare} / this checkout: "
                      f"{medians['compared warm'] / medians['hubradar warm']:.2f}x; fastest runs: "
                      f"{fastest['compared warm'] / fastest['hubradar warm']:.2f}x "
                      f"({medians['compared warm'] / medians['hf']:.2f}x hf)")

            print("\nImports (python -X importtime):")
            for label, script, cmd_args, run_env in (
                ("hubradar trending, warm", hubradar, ["trending"], env),
                ("hubradar trending, cold", hubradar, ["trending"],
                 child_env(hub, home, XDG_CACHE_HOME=str(home / "cold-imports"))),
                ("hf models ls", hf, HF_ARGS, env),
            ):
                total, count, modules, heaviest = import_profile(script, cmd_args, run_env)
                heavy = [m for m in HEAVY if m in modules]
                print(f"  {label:<24} {total * 1000:5.0f} ms, {count} modules; "
                      f"of {', '.join(HEAVY)}: {', '.join(heavy) or 'none'}")
                print("    heaviest: " + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in heaviest[:5]))
                if label.endswith("warm"):
                    check(not heavy, f"a cache hit imports {', '.join(heavy)}")
        finally:
            hub.close()

        print("\nRequests to list N models (stand-in Hub with 5,000 models derived from the fixture):")
        big = StandInHub(derived_models(models, max(LIST_SIZES))).serve()
        try:
            for n in LIST_SIZES:
                counts = []
                for name, cmd in (("hubradar", [hubradar, "trending", "--limit", str(n), "--format", "json"]),
                                  ("hf", [hf, "models", "ls", "--sort", "trending_score", "--limit", str(n),
                                          "--format", "json"])):
                    big.reset_log()
                    fresh = child_env(big, home, XDG_CACHE_HOME=str(home / f"count-{n}"))
                    _, done = run(cmd, fresh)
                    check(done.returncode == 0, f"{name} listing {n} failed: {done.stderr.strip()[-300:]}")
                    counts.append(len(big.listing_requests()))
                    if name == "hubradar" and done.returncode == 0:
                        rows = json.loads(done.stdout)["rows"]
                        check(len(rows) == n, f"hubradar listed {len(rows)} of {n} models")
                expected = math.ceil(n / 1000)
                check(counts[0] == expected, f"hubradar sent {counts[0]} requests for {n} models, expected {expected}")
                print(f"  {n:>5} models: hubradar {counts[0]} request(s), hf {counts[1]}; expected ceil(N/1000) = "
                      f"{expected}")
        finally:
            big.close()

    if check.failures:
        print(f"\n{len(check.failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
