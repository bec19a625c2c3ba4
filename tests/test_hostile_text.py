"""Text from the Hub is shown literally: Rich markup is not interpreted, control, escape and bidi
characters never reach the terminal, and every output format stays well-formed."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest

from conftest import hub_models
from hubradar.render.text import clean
from hubserver import StandInHub

TASK = "[bold red]pwned[/bold red]"
AUTHOR = "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\"
LIBRARY = "lib|with|pipes"
TAGS = [
    "\x1b[2J\x1b[31mscreen-cleared",  # CSI: clear screen, red
    "\u202eevil\u202c",  # right-to-left override: reorders what follows
    "line\nbreak\r\nand\ttab",
    'comma,and "quotes"',
    '=HYPERLINK("https://evil.example")',
    "\x9b31m8-bit-csi",
    "zero\u200bwidth\ufeffbom",
    "tag\U000e0041\U000e0042chars",
    "\ud800lone-surrogate",
    ":smile: [link=https://evil.example]x[/link] <script>alert(1)</script> *bold* _it_ `code`",
]
# What must never reach a terminal (newlines between output lines are fine).
UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff\ud800-\udfff\U000e0000-\U000e007f]"
)
HOSTILE_ID = "acme/名前-model"
PROVIDER = "\x1b[31mevil\u202e-provider [bold]"


@pytest.fixture
def hostile(hub: StandInHub) -> StandInHub:
    """The stand-in Hub with two models full of hostile text at the top of the trending listing."""
    base = hub_models()[0]
    hub.models.append(dict(base, id="acme/hostile", author=AUTHOR, pipeline_tag=TASK, library_name=LIBRARY,
                           tags=TAGS, trendingScore=10**6,
                           inferenceProviderMapping=[{"provider": PROVIDER, "status": "live", "task": TASK}]))
    hub.models.append(dict(base, id=HOSTILE_ID, author="acme", pipeline_tag="text-generation", tags=[],
                           trendingScore=10**6 - 1))
    return hub


def _expected_tags() -> list[str]:
    """What the normalizer keeps: everything but the lone surrogate, which cannot be UTF-8."""
    return [t.replace("\ud800", "\ufffd") for t in TAGS]


def test_the_table_shows_markup_literally_and_no_control_characters(run, hostile: StandInHub) -> None:
    result = run("trending", "--limit", "3")
    assert result.code == 0, result.err
    assert TASK in result.out  # shown as typed, not turned bold red
    assert HOSTILE_ID in result.out
    assert not UNSAFE_RE.search(result.out)
    assert "\x1b" not in result.out and "\x1b" not in result.err


def test_json_keeps_the_exact_text_and_escapes_what_a_terminal_would_act_on(run, hostile: StandInHub) -> None:
    result = run("trending", "--limit", "3", "--format", "json")
    assert result.code == 0
    assert not UNSAFE_RE.search(result.out)
    row = next(r for r in result.json()["rows"] if r["id"] == "acme/hostile")
    assert row["tags"] == _expected_tags()
    assert (row["author"], row["task"], row["library"], row["providers"]) == (AUTHOR, TASK, LIBRARY, [PROVIDER])


def test_csv_is_valid_whatever_the_text(run, hostile: StandInHub) -> None:
    result = run("trending", "--limit", "3", "--format", "csv")
    assert result.code == 0
    assert not UNSAFE_RE.search(result.out)
    lines = result.out.splitlines()
    assert len(lines) == 4  # header + 3 rows: no text breaks a row
    reader = csv.DictReader(io.StringIO(result.out))
    rows = list(reader)
    assert reader.fieldnames and all(len(r) == len(reader.fieldnames) and None not in r for r in rows)
    row = next(r for r in rows if r["id"] == "acme/hostile")
    assert row["tags"] == clean(";".join(_expected_tags()))
    assert (row["author"], row["task"], row["library"]) == (clean(AUTHOR), TASK, LIBRARY)
    assert row["providers"] == clean(PROVIDER)
    assert row["tags"].split(";")[3] == 'comma,and "quotes"'


def test_markdown_rows_keep_their_columns(run, hostile: StandInHub) -> None:
    result = run("trending", "--limit", "3", "--format", "md")
    assert result.code == 0
    assert not UNSAFE_RE.search(result.out)
    table = [line for line in result.out.splitlines() if line.startswith("|")]
    unescaped = [len(re.findall(r"(?<!\\)\|", line)) for line in table]
    assert len(set(unescaped)) == 1, table
    assert r"\[bold red\]pwned\[/bold red\]" in result.out


def test_ids_the_normalizer_refuses_never_reach_the_output(run, hub: StandInHub) -> None:
    base = hub_models()[0]
    for bad in ("acme/[bold]x[/bold]", "acme/\x1b[31mred", "acme/two\nlines", "acme/a/b", "-acme/x"):
        hub.models.append(dict(base, id=bad, trendingScore=10**6))
    result = run("trending", "--limit", "20", "--format", "json")
    assert result.code == 0
    assert result.json()["source"] == "live"
    assert [r["id"] for r in result.json()["rows"]] == [m["id"] for m in sorted(
        hub_models(), key=lambda m: m.get("trendingScore", 0), reverse=True)[:15]]
    assert result.err.splitlines() == ["hubradar: skipped 5 unreadable rows from the Hub"]


def test_a_terminal_that_cannot_show_the_text_gets_replacements_not_a_crash(hostile: StandInHub, tmp_path) -> None:
    env = dict(os.environ, PYTHONIOENCODING="ascii", HF_ENDPOINT=hostile.url,
               HUBRADAR_CACHE_DIR=str(tmp_path / "cache"))
    for fmt in ("table", "csv", "md"):
        done = subprocess.run([sys.executable, "-m", "hubradar", "trending", "--limit", "3", "--format", fmt],
                              env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert b"acme/??-model" in done.stdout
        assert b"Traceback" not in done.stderr
