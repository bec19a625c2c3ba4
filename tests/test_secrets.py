"""The token (HF_TOKEN or --token) is sent to the Hub and nowhere else: not to stdout, stderr, logs,
error messages, debug tracebacks, the cache file, exported files, nor to another host."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import hub_models
from hubserver import Fault, StandInHub

TOKEN = "hf_reliabilityCanary0123456789abcdef"


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    """A stand-in Hub that answers only requests carrying TOKEN."""
    server = StandInHub(hub_models(), token=TOKEN).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.close()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> pytest.LogCaptureFixture:
    """Every log record at DEBUG, ours and the HTTP stack's (which log requests and headers' presence)."""
    # huggingface_hub's own stderr handler was made under some earlier test's captured stderr;
    # caplog's handler (on the root logger) is the one to collect into here.
    monkeypatch.setattr(logging.getLogger("huggingface_hub"), "handlers", [])
    for name in (None, "huggingface_hub", "httpx2", "httpcore2", "hubradar"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _leaks(texts: dict[str, str], *dirs: Path) -> list[str]:
    """Where the token shows up: named texts, and every file under `dirs` (bytes, any encoding)."""
    found = [name for name, text in texts.items() if TOKEN in text]
    for directory in dirs:
        for path in directory.rglob("*") if directory.exists() else ():
            if path.is_file() and TOKEN.encode() in path.read_bytes():
                found.append(str(path))
    return found


def _sent_token(request) -> str | None:
    return next((v for k, v in request.headers.items() if k.lower() == "authorization"), None)


def test_a_successful_run_uses_the_token_and_shows_it_nowhere(
    run, guarded: StandInHub, logs, _isolated: Path, tmp_path: Path, monkeypatch
) -> None:
    texts: dict[str, str] = {}
    exports = tmp_path / "exports"
    exports.mkdir()
    for fmt in ("json", "csv", "md", "table"):
        result = run("trending", "--limit", "5", "--refresh", "--token", TOKEN, "--format", fmt)
        assert result.code == 0, result.err
        (exports / f"trending.{fmt}").write_text(result.out)
        texts[f"{fmt} stderr"] = result.err
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    env = run("top", "--limit", "5", "--format", "json")
    assert env.code == 0 and env.json()["source"] == "live"
    texts |= {"env stdout": env.out, "env stderr": env.err, "help": run("top", "--help").out, "logs": logs.text}
    assert all(_sent_token(r) == f"Bearer {TOKEN}" for r in guarded.listing_requests())
    assert _leaks(texts, _isolated, exports) == []


@pytest.mark.parametrize(
    "fault",
    [
        None,  # the Hub wants another token: 401
        Fault(status=403, body=b'{"error": "gated"}'),
        Fault(status=400, body=json.dumps({"error": f"invalid token {TOKEN}"}).encode()),  # echoes it back
        Fault(status=422, body=json.dumps({"error": f"Bearer {TOKEN} rejected"}).encode()),
    ],
    ids=["401", "403", "400-echo", "422-echo"],
)
def test_failing_runs_never_show_the_token(run, monkeypatch, logs, _isolated: Path, fault: Fault | None) -> None:
    server = StandInHub(hub_models(), token=None if fault else "hf_another_token").serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        if fault:
            server.inject(fault)
        result = run("trending", "--token", TOKEN)
        assert result.code == 1
        assert len(result.err.splitlines()) == 1
        if fault:
            server.inject(fault)
        monkeypatch.setenv("HUBRADAR_DEBUG", "1")
        from hubradar.cli.main import main

        with pytest.raises(Exception) as raised:
            main(["trending", "--refresh", "--token", TOKEN])
        debug = "".join(traceback.format_exception(raised.value))
    finally:
        server.close()
    if fault is not None and fault.status in (400, 422):
        assert "***" in result.err  # the Hub's own words are kept, the token in them is not
    assert _leaks({"stdout": result.out, "stderr": result.err, "debug traceback": debug, "logs": logs.text},
                  _isolated) == []


@pytest.mark.parametrize(
    "faults",
    [
        [Fault(status=503)],
        [Fault(status=429, headers={"Retry-After": "600"})],
        [Fault(status=200, body=b"<html>" + TOKEN.encode() + b"</html>")],
    ],
    ids=["503", "429", "html-with-token"],
)
def test_fallbacks_never_show_the_token(run, guarded: StandInHub, logs, _isolated: Path, faults) -> None:
    assert run("trending", "--limit", "5", "--token", TOKEN).code == 0
    guarded.inject(*faults)
    result = run("trending", "--limit", "5", "--refresh", "--retries", "0", "--token", TOKEN, "--format", "json")
    assert result.code == 0 and result.json()["source"] == "cache"
    assert _leaks({"stdout": result.out, "stderr": result.err, "logs": logs.text}, _isolated) == []


def test_an_unreachable_hub_and_bad_usage_never_show_the_token(run, dead_hub: str, logs, _isolated: Path) -> None:
    down = run("trending", "--token", TOKEN)
    assert down.code == 0 and "bundled" in down.err
    usage = run("trending", "--token", TOKEN, "--limit", "0")
    assert usage.code == 2
    offline = run("trending", "--token", TOKEN, "--offline", "--format", "csv")
    assert offline.code == 0
    texts = {"down": down.out + down.err, "usage": usage.out + usage.err, "offline": offline.out + offline.err,
             "logs": logs.text}
    assert _leaks(texts, _isolated) == []


def test_the_token_is_not_sent_to_a_next_page_on_another_host(run, guarded: StandInHub) -> None:
    other = StandInHub(hub_models()).serve()
    try:
        link = {"Link": f'<{other.url}/api/models?sort=trendingScore&limit=50&cursor=3>; rel="next"'}
        guarded.inject(Fault(status=200, body=json.dumps(hub_models()[:3]).encode(), headers=link))
        result = run("trending", "--limit", "50", "--token", TOKEN, "--format", "json")
        assert result.code == 0, result.err
        assert len(result.json()["rows"]) == 50
        [first] = guarded.listing_requests()
        [second] = other.listing_requests()
    finally:
        other.close()
    assert _sent_token(first) == f"Bearer {TOKEN}"
    assert _sent_token(second) is None


def test_the_token_is_not_sent_through_a_redirect_to_another_host(run, guarded: StandInHub) -> None:
    other = StandInHub(hub_models()).serve()
    try:
        guarded.inject(Fault(status=302, headers={"Location": f"{other.url}/api/models?sort=trendingScore&limit=5"},
                             body=b""))
        result = run("trending", "--limit", "5", "--token", TOKEN, "--format", "json")
        assert result.code == 0, result.err
        [redirected] = other.listing_requests()
    finally:
        other.close()
    assert _sent_token(redirected) is None
