"""Run the real `hubradar` CLI several times in one process, for the two-process cache test.

    python cli_worker.py GATE_FILE RUNS ARG...

Waits until GATE_FILE exists (so every worker starts writing at the same moment), runs
`hubradar ARG...` RUNS times, and prints one JSON line per run: exit code, source, row count.
Notices and errors go to stderr as usual.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path


def main() -> None:
    gate, runs, args = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    from hubradar.cli.main import main as hubradar

    while not gate.exists():
        time.sleep(0.005)
    results = []
    for _ in range(runs):
        out = io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out):
            try:
                hubradar(args)
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
        payload = json.loads(out.getvalue()) if code == 0 else {}
        results.append({"code": code, "source": payload.get("source"), "rows": len(payload.get("rows", []))})
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
