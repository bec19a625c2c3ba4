"""A cached answer must stay cheap: no Hub client stack, no spinner, no bundled-snapshot reader.

Checked in a fresh interpreter (`sys.modules` after a call), not by timing: a warm `hubradar
trending` that imports huggingface_hub, httpx2 or pydantic pays ~100-200 ms for nothing
(docs/performance.md). The same process then fetches, to show the probe sees those imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hubserver import StandInHub

HEAVY = ("huggingface_hub", "httpx2", "pydantic", "rich.live", "hubradar.fetch.bundled",
         # whole-Hub snapshots: duckdb costs ~110 ms to import, and the crawl's code is another command's
         "duckdb", "hubradar.store.parquet", "hubradar.app.crawl",
         # other commands' code: `hubradar` loads a command's module only when that command runs
         "hubradar.app.gaps", "hubradar.app.history", "hubradar.app.report", "hubradar.render.html.page",
         "hubradar.cli.gaps",
         # ... and a listing's grouping code only with --group
         "hubradar.views.families", "hubradar.analysis.families", "hubradar.app.family")

PROBE = f"""
import json, sys
from hubradar.cli.main import main

def call(*args):
    try:
        main(list(args))
    except SystemExit as exit:
        assert exit.code in (0, None), exit.code
    return [name for name in {HEAVY!r} if name in sys.modules]

warm = call("trending")
warm_json = call("top", "--limit", "5", "--format", "json")
cold = call("trending", "--refresh")
other = call("gaps", "--help")
grouped = call("top", "--group", "family", "--format", "json")
seen = {{"warm": warm, "warm_json": warm_json, "cold": cold, "other": other, "grouped": grouped}}
sys.stderr.write(json.dumps(seen) + "\\n")
"""


def test_a_cache_hit_imports_no_hub_client(run, hub: StandInHub) -> None:
    assert run("trending").code == 0
    assert run("top", "--limit", "5", "--format", "json").code == 0
    assert run("top", "--group", "family", "--format", "json").code == 0
    hub.reset_log()
    done = subprocess.run([sys.executable, "-c", PROBE], env=dict(os.environ), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert seen["warm"] == [] and seen["warm_json"] == []
    assert "duckdb" not in seen["grouped"]  # not even --group family over a listing reads snapshots
    assert {"huggingface_hub", "httpx2"} <= set(seen["cold"])  # the probe does see a fetch's imports
    assert {"hubradar.app.gaps", "hubradar.cli.gaps"} <= set(seen["other"])  # ... and another command's
    assert {"hubradar.views.families", "hubradar.analysis.families"} <= set(seen["grouped"])  # ... and --group's
    assert len(hub.listing_requests()) == 1  # only the --refresh went to the Hub
