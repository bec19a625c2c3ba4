"""`hubradar crawl` against a stand-in Hub of tens of thousands of generated models (tens of pages).

The snapshot a crawl writes is compared with the rows the stand-in served, read by the plain
rules of a Hub listing row (written out below, not hubradar's code); the crawl is stopped by the
Hub going down, by a long 429, by Ctrl-C and by a killed process, and must resume to the same
snapshot; it paces itself by the `RateLimit` headers so that it never runs into a 429.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from hubgen import GeneratedHub, generated_row
from hubserver import Fault, RateLimit, StandInHub

COUNT = 20_300  # 21 pages
SMALL = 8_300  # 9 pages, for the tests of one stop each


def serve_generated(monkeypatch: pytest.MonkeyPatch, count: int = COUNT, **kwargs: Any) -> StandInHub:
    hub = StandInHub(GeneratedHub(count), lazy=True, **kwargs).serve()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    return hub


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> Any:
    servers: list[StandInHub] = []

    def _serve(count: int = COUNT, **kwargs: Any) -> StandInHub:
        servers.append(serve_generated(monkeypatch, count, **kwargs))
        return servers[-1]

    yield _serve
    for server in servers:
        server.close()


def snapshots(cache: Path) -> list[Path]:
    return sorted((cache / "hub" / "snapshots").glob("models-*.parquet"))


def read_snapshot(path: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def served_as_snapshot(row: dict[str, Any], expand: list[str]) -> dict[str, Any]:
    """A listing row (only the expanded fields are sent) as a snapshot row, by the API's meaning."""
    sent = {k: row[k] for k in expand if k in row}
    card = sent.get("cardData") or {}
    base = card.get("base_model")
    trending = sent.get("trendingScore")
    return {
        "id": row["id"],
        "author": sent.get("author"),
        "task": sent.get("pipeline_tag"),
        "library": sent.get("library_name"),
        "downloads": _count(sent.get("downloads")),
        "downloads_all_time": _count(sent.get("downloadsAllTime")),
        "likes": _count(sent.get("likes")),
        "trending_score": float(trending) if trending is not None else None,  # not said: unknown
        "created_at": datetime.fromisoformat(sent["createdAt"]).astimezone(UTC),
        "last_modified": datetime.fromisoformat(sent["lastModified"]).astimezone(UTC),
        "tags": list(dict.fromkeys(sent.get("tags") or [])),
        "safetensors_total": (sent.get("safetensors") or {}).get("total"),
        "gguf_total": (sent.get("gguf") or {}).get("total"),
        "card_base_models": [base] if isinstance(base, str) else list(base or []),
        "card_base_relation": card.get("base_model_relation"),
        "gated": None if "gated" not in sent else str(sent["gated"]).lower(),
    }


def expected(hub: StandInHub, count: int) -> dict[str, dict[str, Any]]:
    expand = hub.listing_requests()[-1].query["expand"]  # every page's link carries the query
    return {row["id"]: served_as_snapshot(row, expand) for row in (generated_row(i) for i in range(count))}


def assert_equal_to_served(path: Path, hub: StandInHub, count: int) -> None:
    got = read_snapshot(path)
    want = expected(hub, count)
    assert len(got) == count
    assert got.keys() == want.keys()
    differ = [(k, c) for k in want for c in want[k] if got[k][c] != want[k][c]]
    assert differ == [], differ[:5]


def checkpoint(cache: Path) -> dict[str, Any]:
    return json.loads((cache / "hub" / "crawl" / "checkpoint.json").read_text())


def test_a_crawl_writes_one_snapshot_equal_to_the_served_hub(run, generated, _isolated: Path) -> None:
    hub = generated(rate_limit=RateLimit(limit=1000, window=300))
    result = run("crawl")
    assert result.code == 0, result.err
    assert len(hub.listing_requests()) == math.ceil(COUNT / 1000)  # one request per 1,000 models
    first = hub.listing_requests()[0].query
    assert first["sort"] == ["downloads"] and "limit" not in first
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, COUNT)
    assert result.err.count("\n") == 1 and f"{COUNT:,} models from 21 pages" in result.err  # no bar into a pipe
    assert not (_isolated / "hub" / "crawl").exists()  # the pages are gone once the snapshot is in
    meta = dict(duckdb.connect().execute(
        "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)", [str(path)]).fetchall())
    assert meta["hubradar_schema"] == "1" and meta["source"] == "crawl" and meta["origin"] == hub.url
    assert path.name == f"models-{meta['taken_at'].replace('-', '').replace(':', '')}.parquet"
    [roots] = (_isolated / "hub" / "derived").glob(f"{path.stem}.roots-*.parquet")  # its lineage, for `state`
    assert duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(roots)]).fetchone()[0] > 0


def test_the_hub_going_down_mid_crawl_keeps_every_page_and_the_rerun_finishes(run, generated, _isolated: Path) -> None:
    hub = generated()
    hub.inject(Fault(status=503, query_contains="cursor=12000"))
    failed = run("crawl", "--retries", "0")
    assert failed.code == 1
    assert failed.err.count("\n") == 1 and "stopped after page 12" in failed.err and "12,000 models kept" in failed.err
    assert snapshots(_isolated) == []  # a half crawl is never a snapshot
    assert checkpoint(_isolated)["pages"] == 12
    hub.reset_log()
    done = run("crawl", "--retries", "0")
    assert done.code == 0, done.err
    assert "continuing the crawl" in done.err and "from page 13" in done.err
    assert len(hub.listing_requests()) == 21 - 12  # nothing fetched twice
    assert hub.listing_requests()[0].query["cursor"] == ["12000"]  # from the stored next link
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, COUNT)


def test_a_long_429_is_waited_out_with_the_hubs_own_wait(run, generated, _isolated: Path) -> None:
    hub = generated(SMALL)
    headers = {"RateLimit": '"api";r=0;t=2', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    hub.inject(Fault(status=429, headers=headers, body=b'{"error": "rate limited"}', query_contains="cursor=5000"))
    started = time.monotonic()
    result = run("crawl", "--retries", "0")  # the transport gives up at once: the crawl waits
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 2
    asked = [r for r in hub.listing_requests() if r.query.get("cursor") == ["5000"]]
    assert len(asked) == 2  # the page asked again after the wait, once
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, SMALL)


def test_the_crawl_paces_itself_by_the_ratelimit_headers(run, generated, _isolated: Path) -> None:
    count = SMALL
    hub = generated(count, rate_limit=RateLimit(limit=10, window=1.0))
    started = time.monotonic()
    result = run("crawl")
    assert result.code == 0, result.err
    assert hub.rate_limit.refused == 0  # it slowed down before the budget ran out
    assert len(hub.listing_requests()) == 9
    assert time.monotonic() - started >= 1.0  # 9 requests do not fit one window of 10 less the reserve
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, count)


def test_a_checkpoint_of_another_endpoint_is_not_mixed_in(run, generated, _isolated: Path) -> None:
    first = generated(SMALL)
    first.inject(Fault(status=503, query_contains="cursor=3000"))
    assert run("crawl", "--retries", "0").code == 1
    second = generated(SMALL)
    refused = run("crawl")
    assert refused.code == 1 and f"a crawl of {first.url}" in refused.err and "--restart" in refused.err
    assert second.listing_requests() == []
    assert checkpoint(_isolated)["pages"] == 3  # still there, untouched
    again = run("crawl", "--restart")
    assert again.code == 0, again.err
    assert len(second.listing_requests()) == 9
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, second, SMALL)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "machine-off"])
def test_a_stopped_process_resumes_where_it_was(how: signal.Signals, generated, _isolated: Path) -> None:
    hub = generated(SMALL)
    hub.latency = 0.15
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "hubradar", "crawl"], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if checkpoint(_isolated)["pages"] >= 4:
                break
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.05)
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    if how == signal.SIGINT:
        assert proc.returncode == 130
        assert err.count("\n") == 1 and "interrupted" in err and "run `hubradar crawl` again" in err
    else:
        assert proc.returncode == -signal.SIGKILL
    kept = checkpoint(_isolated)["pages"]
    assert kept >= 4 and snapshots(_isolated) == []
    hub.latency = 0.0
    hub.reset_log()
    done = subprocess.run([sys.executable, "-m", "hubradar", "crawl"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert f"from page {kept + 1}" in done.stderr
    assert len(hub.listing_requests()) == 9 - kept
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, SMALL)


def test_the_progress_bar_shows_pages_models_budget_and_waits() -> None:
    import io

    from rich.console import Console

    from hubradar.core.crawl import NoProgress
    from hubradar.render.crawlbar import CrawlBar, crawl_progress

    assert isinstance(crawl_progress(), NoProgress)  # stderr is not a terminal here: no bar
    out = io.StringIO()
    bar = CrawlBar(Console(file=out, force_terminal=True, width=140))
    bar.start(pages=12, rows=12_000, expected_rows=2_300_000)
    bar.page(pages=13, rows=13_000, remaining=388, limit=500)
    bar._progress.refresh()
    bar.waiting(41.2, "5 requests left in the Hub's rate-limit window: waiting for it to reset")
    bar._progress.refresh()
    bar.finishing(13_000)
    bar.stop()
    text = out.getvalue()
    assert "13/2300" in text and "pages" in text and "13,000 models" in text and "388/500 requests left" in text
    assert "waiting 42s for the Hub's rate limit" in text


def test_a_second_crawl_at_the_same_time_is_refused(run, generated, _isolated: Path) -> None:
    import fcntl

    hub = generated(SMALL)
    (_isolated / "hub").mkdir(parents=True)
    with open(_isolated / "hub" / "crawl.lock", "a+b") as held:  # as a crawl running in another process holds it
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = run("crawl")
    assert refused.code == 1 and refused.err.count("\n") == 1 and "another crawl is running" in refused.err
    assert hub.listing_requests() == []
    assert run("crawl").code == 0  # the lock goes with the process that held it


def test_a_snapshot_that_could_not_be_written_is_written_by_the_next_run(run, generated, _isolated: Path) -> None:
    hub = generated(SMALL)
    (_isolated / "hub").mkdir(parents=True)
    (_isolated / "hub" / "snapshots").write_text("in the way")  # the snapshot cannot be written
    failed = run("crawl")
    assert failed.code == 1 and failed.err.count("\n") == 1 and "snapshots" in failed.err
    assert checkpoint(_isolated)["done"] is True and checkpoint(_isolated)["pages"] == 9  # every page kept
    (_isolated / "hub" / "snapshots").unlink()
    hub.reset_log()
    done = run("crawl")
    assert done.code == 0, done.err
    assert "fetched all 9 pages before it stopped" in done.err
    assert hub.listing_requests() == []  # nothing fetched again
    [path] = snapshots(_isolated)
    assert len(read_snapshot(path)) == SMALL


def test_an_unreadable_checkpoint_starts_over_and_says_so(run, generated, _isolated: Path) -> None:
    hub = generated(SMALL)
    crawl_dir = _isolated / "hub" / "crawl"
    crawl_dir.mkdir(parents=True)
    (crawl_dir / "checkpoint.json").write_text("{not json")
    result = run("crawl")
    assert result.code == 0, result.err
    assert "checkpoint cannot be read: starting over" in result.err
    assert len(hub.listing_requests()) == 9
    [path] = snapshots(_isolated)
    assert_equal_to_served(path, hub, SMALL)
