"""The library face: `hubradar.trending(...)` and friends answer what the CLI answers, as data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import hubradar
from hubradar.core.record import ModelRecord
from hubserver import StandInHub


def test_import_hubradar_loads_nothing_heavy() -> None:
    probe = ("import sys, hubradar; print([m for m in ('typer', 'rich', 'huggingface_hub', 'httpx2', 'duckdb', "
             "'sqlite3', 'hubradar.app.api') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.replace("'", '"')) == []


def test_every_public_name_resolves() -> None:
    for name in hubradar.__all__:
        assert getattr(hubradar, name) is not None
    with pytest.raises(AttributeError):
        hubradar.no_such_thing  # noqa: B018


def test_trending_offline_is_a_listing_of_records_with_its_notices() -> None:
    listing = hubradar.trending(limit=5, offline=True)
    assert isinstance(listing, hubradar.Listing)
    assert len(listing.rows) == 5 and all(isinstance(m, ModelRecord) for m in listing.rows)
    scores = [m.trending_score for m in listing.rows]
    assert scores == sorted(scores, reverse=True)
    assert listing.source == "snapshot" and listing.fell_back
    assert any("bundled" in n for n in listing.notices)


def test_top_live_from_the_hub_matches_the_cli(run, hub: StandInHub) -> None:
    listing = hubradar.top(task="text-generation", limit=3)
    assert listing.source == "live" and not listing.notices
    assert all(m.task == "text-generation" for m in listing.rows)
    cli = run("top", "--task", "text-generation", "--limit", "3", "--format", "json").json()
    assert [m.id for m in listing.rows] == [r["id"] for r in cli["rows"]]


def test_errors_name_the_keyword_not_the_flag(run, hub: StandInHub) -> None:
    with pytest.raises(hubradar.UsageError) as err:
        hubradar.top(task="text-generaton", limit=3)
    assert str(err.value).startswith("task 'text-generaton' matches no models") and "--" not in str(err.value)
    cli = run("top", "--task", "text-generaton")
    assert cli.code == 2 and "--task 'text-generaton' matches no models" in cli.err
    with pytest.raises(hubradar.UsageError, match=r"^min_params: '7 billion'"):
        hubradar.top(min_params="7 billion", offline=True)
    with pytest.raises(ValueError, match="unknown sort"):
        hubradar.top(sort="newest", offline=True)


def test_groups_and_family(hub: StandInHub) -> None:
    grouped = hubradar.groups(by="family", limit=3)
    assert grouped.grouping.top(3)[0].key == "sentence-transformers/all-MiniLM-L6-v2"
    tree = hubradar.family("Qwen/Qwen3.8-27B")
    assert tree.root.id == "Qwen/Qwen3.8-27B"
    assert any(n.id == "unsloth/Qwen3.8-27B-GGUF" for n in tree.reuploads)


def test_gaps_is_the_cli_answer_as_data(run) -> None:
    scores = "tests/fixtures/scores/team-coding-2026.csv"
    report = hubradar.gaps(scores, offline=True)
    cli = run("gaps", "--scores", scores, "--offline", "--format", "json").json()
    assert [(g.id, g.label) for g in report.rows] == [(r["id"], r["label"]) for r in cli["rows"]]
    assert any("acme-ai/internal-coder-v2" in n for n in report.notices) and len(report.unmatched) == 3
    with pytest.raises(ValueError, match="unknown adoption kind"):
        hubradar.gaps(scores, adoption="stars", offline=True)


def test_movers_reads_the_stored_history_and_says_when_there_is_none(run) -> None:
    with pytest.raises(hubradar.HubradarError, match="no snapshot"):
        hubradar.movers()
    for day in ("2026-08-15", "2026-08-21"):
        assert run("import", f"tests/fixtures/hub/models-{day}.json", "--at", f"{day}T19:00Z").code == 0
    result = hubradar.movers(since="2026-08-15")
    cli = run("movers", "--since", "2026-08-15", "--format", "json").json()
    assert result.older.fetched_at.isoformat().startswith("2026-08-15")
    assert {r.id for r in result.rows} == {r["id"] for r in cli["rows"]} and len(result.rows) > 500


def test_relative_adoption_comes_with_the_listing_when_asked_for(run) -> None:
    ranked = hubradar.top(sort="ram", limit=3, offline=True)
    values = [ranked.ram[m.id].value for m in ranked.rows]
    assert values == sorted(values, reverse=True) and all(ranked.ram[m.id].basis == "snapshot" for m in ranked.rows)
    cli = run("top", "--sort", "ram", "--limit", "3", "--offline", "--format", "json").json()
    assert [(r["id"], r["ram"]) for r in cli["rows"]] == [(m.id, round(ranked.ram[m.id].value, 4)) for m in ranked.rows]
    assert hubradar.trending(limit=3, offline=True).ram == {}  # not asked for: not computed
    assert hubradar.trending(limit=3, ram=True, offline=True).ram
