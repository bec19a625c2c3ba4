"""Rerun the samples in docs/usage.md and write their current output in place.

A sample is a ```console block whose lines start `$ hubradar`. Those that need nothing but the
bundled snapshot or a local cache (`--offline`, and history, export, cache and import commands) are
rerun at 100 columns, each block in a throwaway cache dir: the history commands' in one holding the
history the page describes (usage.md: the captures of 2026-08-15 and 2026-08-21; other pages: all
fifteen daily captures of tests/fixtures/hub/), the others in an
empty one (so offline listings read the bundled snapshot). Blocks that need the live Hub (crawl,
record, a listing without `--offline`), a file the repo lacks, or that elide their output (a `...`
or `…` line) are left as they are.

    python tools/refresh_usage.py                   # rewrite docs/usage.md, then read its git diff
    python tools/refresh_usage.py docs/history.md   # the same for another page

Ages ("103d old") and the prune's cut-off move with the clock; the rest changes only with the code.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USAGE = ROOT / "docs" / "usage.md"
FIXTURES = ROOT / "tests" / "fixtures" / "hub"
LOCAL = re.compile(r"^hubradar (movers|history|export|cache|import|state)\b")
NETWORK = re.compile(r"^hubradar (crawl|record)\b")
SAMPLE_CACHE = Path(tempfile.gettempdir()) / "hubradar-samples"  # a fixed path: samples print it
HISTORY = {"usage.md": ("2026-08-15", "2026-08-21")}  # the history each page describes; else all 15 days
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def runnable(command: str) -> bool:
    """True for a sample that needs no Hub: offline listings and the local-history commands."""
    words = command.split()
    if NETWORK.match(command) or (words[1] == "import" and not (ROOT / words[2]).exists()):
        return False
    return "--offline" in command.split() or bool(LOCAL.match(command))


def run(command: str, env: dict[str, str]) -> str:
    """The sample's stderr, then its stdout, as a reader at a terminal sees them.

    It runs in a scratch folder (what a sample writes, `--out radar.html`, lands there) that sees the
    repo's tests/ folder, the one the samples read from."""
    done = subprocess.run(["bash", "-c", command], cwd=env["SAMPLE_DIR"], env=env, capture_output=True,
                          text=True, check=False)
    shown = done.stderr + done.stdout
    return shown if shown.endswith("\n") or not shown else shown + "\n"  # `| head -c 300` ends mid-line


def refresh(block: str, days: list[str]) -> str:
    """The block with each runnable `$ hubradar` line followed by its current output."""
    commands = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    if not commands or any(line.strip() in ("...", "…") for line in block.splitlines()) or not all(
            c.startswith("hubradar ") and runnable(c) for c in commands):
        return block
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "tests").symlink_to(ROOT / "tests")
        cache = SAMPLE_CACHE
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "HUBRADAR_CACHE_DIR": str(cache), "COLUMNS": "100", "NO_COLOR": "1",
               "SAMPLE_DIR": scratch}
        env.pop("HF_TOKEN", None)
        if all(LOCAL.match(c) and not c.startswith("hubradar import ") for c in commands):
            for day in days:
                run(f"hubradar import {FIXTURES / f'models-{day}.json'} --at {day}T19:00Z", env)
        return "".join(f"$ {command}\n{run(command, env)}" for command in commands)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, default=[USAGE], help="Markdown files (docs/usage.md)")
    for page in parser.parse_args().pages:
        every_day = sorted(p.stem.removeprefix("models-") for p in FIXTURES.glob("models-*.json"))
        days = list(HISTORY.get(page.name) or every_day)
        text = page.read_text()
        page.write_text(BLOCK.sub(lambda m, days=days: f"```console\n{refresh(m.group(1), days)}```", text))
    shutil.rmtree(SAMPLE_CACHE, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
