"""Shared test fixtures: an isolated cache dir for every test, the stand-in Hub, and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hubserver import StandInHub

if TYPE_CHECKING:
    from hubradar.app.options import FetchOptions

FIXTURES = Path(__file__).parent / "fixtures"
HUB_DAY = "2026-08-21"


def hub_models(day: str = HUB_DAY) -> list[dict]:
    """One day of real Hub captures, in the Hub's own JSON shape."""
    return json.loads((FIXTURES / "hub" / f"models-{day}.json").read_text())


def quick_options(url: str, notices: list[str], cache_dir: Path | None = None, **settings: Any) -> FetchOptions:
    """Library-API fetch options for `url` with small retry waits (the CLI's defaults are for people).

    Always fetches (refresh); notices are collected in `notices`.
    """
    from hubradar.app.options import FetchOptions
    from hubradar.fetch.settings import HubSettings

    settings.setdefault("base_wait", 0.01)
    return FetchOptions(refresh=True, cache_dir=cache_dir, notify=notices.append,
                        hub=HubSettings(endpoint=url, **settings))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache dir and no Hub settings from the developer's environment."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("HUBRADAR_CACHE_DIR", str(cache))
    for var in ("HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "HUBRADAR_DEBUG", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
    return cache


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    """The stand-in Hub serving 2026-08-21, reachable through HF_ENDPOINT."""
    server = StandInHub(hub_models()).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.close()


def lineage_models() -> list[dict]:
    """Real captures with lineage tags and cardData.base_model (see fixtures/PROVENANCE.md)."""
    return json.loads((FIXTURES / "hub" / "lineage.json").read_text())


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Start a stand-in Hub over the given models and point HF_ENDPOINT at it (closed after the test)."""
    servers: list[StandInHub] = []

    def _serve(models: list[dict]) -> StandInHub:
        server = StandInHub(models).serve()
        servers.append(server)
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        return server

    yield _serve
    for server in servers:
        server.close()


@pytest.fixture
def dead_hub(monkeypatch: pytest.MonkeyPatch) -> str:
    """An HF_ENDPOINT where nothing listens: connection refused at once."""
    server = StandInHub([]).serve()
    url = server.url
    server.close()
    monkeypatch.setenv("HF_ENDPOINT", url)
    return url


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run the real `hubradar` entry point in-process: exit code, stdout, stderr."""
    from hubradar.cli.main import main

    def _run(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
