"""The terminal experience: spinner, colour, links, table widths, help and shell completion.

What depends on a real terminal (spinner, links, NO_COLOR) runs the real CLI in a subprocess with
stdout or stderr on a pseudo-terminal; everything else runs in-process with the output piped.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import tempfile
import time

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hub_models
from hubradar.cli.options import TopSort
from hubradar.render.ids import shorten_ids
from hubradar.views.listing import LISTING_COLUMNS
from hubserver import StandInHub

TOP_ID = "Qwen/Qwen3.8-27B"  # the top trending model of the 2026-08-21 capture
SPINNER_TEXT = b"Fetching 20 models from the Hub"


def _on_tty(args: list[str], stream: str, **env: str) -> tuple[int, bytes, bytes]:
    """Run `hubradar ARGS` with `stream` ("stdout" or "stderr") on a pseudo-terminal.

    Returns (exit code, what the terminal received, the other stream).
    """
    master, slave = pty.openpty()
    with tempfile.TemporaryFile() as other:
        streams = {"stdout": slave, "stderr": other} if stream == "stdout" else {"stdout": other, "stderr": slave}
        proc = subprocess.Popen([sys.executable, "-m", "hubradar", *args], env={**os.environ, **env},
                                stdin=subprocess.DEVNULL, **streams)
        os.close(slave)
        chunks: list[bytes] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child has closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=30)
        os.close(master)
        other.seek(0)
        return code, b"".join(chunks), other.read()


_SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def _colours(data: bytes) -> list[bytes]:
    """The SGR codes in `data` that set a foreground or background colour (not bold, dim, italic)."""
    found = []
    for params in _SGR.findall(data):
        for code in params.split(b";"):
            if code.isdigit() and (30 <= int(code) <= 49 or 90 <= int(code) <= 107):
                found.append(params)
    return found


# --- spinner -----------------------------------------------------------------------------------


def test_spinner_on_a_terminal_while_fetching_and_never_for_a_cache_hit_or_json(hub: StandInHub) -> None:
    code, terminal, out = _on_tty(["trending"], "stderr")
    assert code == 0
    assert SPINNER_TEXT in terminal
    assert TOP_ID in out.decode()
    assert b"\x1b" not in out  # the table went to a file: plain text
    code, terminal, _ = _on_tty(["trending"], "stderr")  # served from the cache: nothing to wait for
    assert code == 0 and b"Fetching" not in terminal
    code, terminal, out = _on_tty(["trending", "--refresh", "--format", "json"], "stderr")
    assert code == 0 and b"Fetching" not in terminal
    assert json.loads(out)["source"] == "live"
    assert len(hub.listing_requests()) == 2


def test_spinner_while_looking_up_derivatives_and_not_once_they_are_cached(hub: StandInHub) -> None:
    """`--derivatives` asks the Hub once per model: a wait of seconds that must not look like a hang."""
    for args in (["top", "--derivatives"], ["top", "--group", "family", "--derivatives"]):
        code, terminal, out = _on_tty(args, "stderr")
        assert code == 0, out
        assert b"Looking up the derivatives of" in terminal
        code, terminal, _ = _on_tty(args, "stderr")  # a day's cache answers
        assert code == 0 and b"Looking up" not in terminal
    assert hub.info_requests()


def test_nothing_on_stderr_when_it_is_not_a_terminal(run, hub: StandInHub) -> None:
    result = run("trending")
    assert result.code == 0
    assert hub.listing_requests()  # it did fetch, so a spinner would have run
    assert result.err == ""
    assert "\x1b" not in result.out


def test_no_color_is_respected(hub: StandInHub) -> None:
    _, coloured, _ = _on_tty(["trending", "--refresh"], "stderr")
    assert SPINNER_TEXT in coloured and _colours(coloured)  # the spinner is coloured by default
    _, plain, _ = _on_tty(["trending", "--refresh"], "stderr", NO_COLOR="1")
    assert SPINNER_TEXT in plain
    assert _colours(plain) == []
    code, table, _ = _on_tty(["trending"], "stdout", NO_COLOR="1")
    assert code == 0 and TOP_ID.encode() in table
    assert _colours(table) == []


# --- links -------------------------------------------------------------------------------------


def test_model_ids_are_links_on_a_terminal_only(run, hub: StandInHub) -> None:
    code, terminal, _ = _on_tty(["trending", "--limit", "5"], "stdout")
    assert code == 0
    link = re.search(rb"\x1b\]8;[^;]*;(https://huggingface\.co/[^\x1b]+)\x1b\\([^\x1b]+)\x1b\]8;;", terminal)
    assert link is not None
    assert link.group(1) == f"https://huggingface.co/{TOP_ID}".encode()
    assert link.group(2).strip() == TOP_ID.encode()
    piped = run("trending", "--limit", "5")
    assert TOP_ID in piped.out
    assert "\x1b" not in piped.out  # no OSC 8, no styles when stdout is a pipe


# --- table widths ------------------------------------------------------------------------------

_HUMAN = re.compile(r"^(\d+(?:\.\d+)?)([KMBT]?)$")
_SCALE = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def _close_enough(cell: str, value: float | None) -> bool:
    """`1.7M` reads as 1,726,651: the cell is the number, rounded as shown, not cut."""
    if value is None:
        return cell == "-"
    match = _HUMAN.match(cell)
    if not match:
        return False
    number, unit = float(match.group(1)), match.group(2)
    # 1.7M, and 3K for 2,970 (3.0K), are to a tenth of the unit; 258M and 392 to a whole one
    step = 0.05 if "." in match.group(1) or (unit and number < 100) else 0.5
    return abs(number * _SCALE[unit] - value) <= step * _SCALE[unit] + 1e-9


def _table(out: str) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of cells) of a listing table printed without a terminal."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["#"] and "model" in line.split())
    headers = re.split(r"\s{2,}", lines[start].strip())  # columns are 3 spaces apart; "in band" is one header
    rows = []
    for line in lines[start + 2:]:
        if rows and line[:1] == " " and line.lstrip()[:1] and not line.lstrip()[0].isdigit():
            rows[-1][-1] += " " + line.strip()  # a wrapped flag list goes on under its row
            continue
        cells = re.split(r"\s{2,}", line.strip()) if line.strip() else []
        if headers[-1] == "flags" and len(cells) == len(headers) - 1:
            cells.append("")  # a row with no flags ends in blanks
        if not cells or not cells[0].isdigit() or len(cells) != len(headers):
            break
        rows.append(cells)
    return headers, rows


def _stands_for(shown: str, full: str) -> bool:
    """`org/Mod…GGUF` (or `org/…B-Inst…GGUF`) is `full` with parts left out where the `…` are."""
    pattern = ".+".join(re.escape(part) for part in shown.split("…"))
    return re.fullmatch(pattern, full) is not None and ("…" in shown or shown == full)


@pytest.mark.parametrize("width", [80, 160, 220])
@pytest.mark.parametrize(
    "args", [["trending"], ["top"], ["top", "--sort", "likes"]], ids=["trending", "top", "top-likes"]
)
def test_tables_fit_the_width_and_cut_nothing_that_matters(
    run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch, args: list[str], width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*args, "--limit", "200")
    assert result.code == 0, result.err
    rows = run(*args, "--limit", "200", "--format", "json").json()["rows"]
    assert max(len(line) for line in result.out.splitlines()) <= width
    headers, cells = _table(result.out)
    assert len(cells) == len(rows) == 200
    assert {"#", "model", "downloads"} <= set(headers)
    metric = {"trending": "trending", "likes": "likes"}.get(args[-1], "downloads")
    assert metric in headers  # the number a table is ranked by is never the column that gives way
    if width >= 220:
        # nothing dropped (the overall rank is a column only under a size filter, where it differs from #)
        assert headers == [c.header for c in LISTING_COLUMNS if c.key != "listing_rank"]
    shown_ids = [row[headers.index("model")] for row in cells]
    assert len(set(shown_ids)) == len(shown_ids), "two models look alike"
    for shown, row in zip(shown_ids, rows, strict=True):
        assert _stands_for(shown, row["id"]), (shown, row["id"])
        # and it stands for no other model of the table
        assert [r["id"] for r in rows if _stands_for(shown, r["id"])] == [row["id"]]
    for key, header in (("downloads", "downloads"), ("likes", "likes"), ("trending_score", "trending")):
        if header in headers:
            for cell_row, row in zip(cells, rows, strict=True):
                assert _close_enough(cell_row[headers.index(header)], row[key]), (header, cell_row, row)
    if width >= 220:  # the width is used: only the longest ids and tasks are shortened
        task = headers.index("task")
        for c, r, shown in zip(cells, rows, shown_ids, strict=True):
            assert _stands_for(c[task], r["task"] or "-")
            assert len(r["task"] or "") > 28 or c[task] == (r["task"] or "-")
            # an id is shortened only when the table already fills the terminal
            assert shown == r["id"] or max(len(line) for line in result.out.splitlines()) >= width - 3


def test_ids_that_differ_only_in_the_middle_stay_distinguishable(run, monkeypatch: pytest.MonkeyPatch) -> None:
    base = hub_models()[0]
    sizes = ["0.6B", "1.7B", "4B", "8B", "14B", "32B"]
    models = [dict(base, id=f"example-org/Example-Model-{s}-Instruct-Preview-GGUF", downloads=1000 * (i + 1))
              for i, s in enumerate(sizes)]
    server = StandInHub(models).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("COLUMNS", "60")
    try:
        result = run("top")
    finally:
        server.close()
    assert result.code == 0, result.err
    headers, cells = _table(result.out)
    shown = [c[headers.index("model")] for c in cells]
    assert all("…" in s for s in shown)  # too long for 60 columns: all shortened
    assert len(set(shown)) == len(sizes)
    by_rank = [m["id"] for m in sorted(models, key=lambda m: m["downloads"], reverse=True)]
    for s, full in zip(shown, by_rank, strict=True):
        assert _stands_for(s, full), (s, full)


# --- help and completion -----------------------------------------------------------------------


def _commands() -> dict[str, typer.core.TyperCommand]:
    from hubradar.cli.main import app

    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _examples(help_text: str, command: str) -> list[str]:
    return [line.strip().strip("│").strip() for line in help_text.splitlines()
            if re.match(rf"^\W*hubradar {re.escape(command)}\b", line.strip())]


def test_every_command_and_option_has_help_and_two_or_three_examples(run) -> None:
    commands = _commands()
    assert {"trending", "top"} <= set(commands)
    for name, command in commands.items():
        result = run(name, "--help")
        assert result.code == 0, result.err
        assert "Examples:" in result.out, name
        assert 2 <= len(_examples(result.out, name)) <= 3, (name, _examples(result.out, name))
        for param in command.params:
            if isinstance(param, typer.core.TyperOption) and param.name != "help":
                assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help text"


@pytest.mark.parametrize("command", ["trending", "top", ""])
def test_the_examples_in_help_run(run, hub: StandInHub, command: str) -> None:
    help_text = run(*([command] if command else []), "--help").out
    examples = _examples(help_text, command) if command else [
        line.strip() for line in help_text.splitlines() if re.match(r"^\s*hubradar \w", line)]
    assert len(examples) >= 2
    for example in examples:
        words = shlex.split(example.split(">")[0])  # `> top.csv`: the shell's business, not ours
        result = run(*words[1:])
        assert result.code == 0, (example, result.err)
        assert result.out.strip(), example


@pytest.mark.parametrize(
    ("words", "cword", "offered"),
    [
        ("hubradar tr", 1, ["trending"]),
        ("hubradar top --so", 2, ["--sort"]),
        ("hubradar top --sort ", 3, [choice.value for choice in TopSort]),
        ("hubradar trending --task text-g", 3, ["text-generation"]),
    ],
)
def test_shell_completion_offers_commands_options_and_values(
    run, monkeypatch: pytest.MonkeyPatch, words: str, cword: int, offered: list[str]
) -> None:
    monkeypatch.setenv("_HUBRADAR_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(cword))
    result = run()
    assert result.code == 0
    assert result.out.split() == offered


def test_completion_script_can_be_shown_for_installing(run) -> None:
    result = run("--show-completion", "bash")
    assert result.code == 0
    assert "_HUBRADAR_COMPLETE=complete_bash" in result.out
    assert "complete " in result.out and "hubradar" in result.out


def test_wide_terminals_show_long_tasks_whole(run, hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    task = "zero-shot-image-classification"  # 30 characters: shortened only when room is short
    monkeypatch.setenv("COLUMNS", "220")
    wide = run("top", "--task", task, "--limit", "5")
    assert wide.code == 0, wide.err
    headers, cells = _table(wide.out)
    assert cells and all(c[headers.index("task")] == task for c in cells)
    needed = max(len(line) for line in wide.out.splitlines()[1:3])  # header and rule: the table's width
    monkeypatch.setenv("COLUMNS", str(needed - 1))  # one column short: the task yields, the ids stay whole
    narrow = run("top", "--task", task, "--limit", "5")
    headers, narrow_cells = _table(narrow.out)
    for wide_row, row in zip(cells, narrow_cells, strict=True):
        assert "…" in row[headers.index("task")] and _stands_for(row[headers.index("task")], task)
        assert row[headers.index("model")] == wide_row[headers.index("model")]


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}/[A-Za-z0-9][A-Za-z0-9.-]{0,60}", fullmatch=True),
                 min_size=1, max_size=30),
    limit=st.integers(min_value=12, max_value=64),
)
def test_shortened_ids_fit_and_stand_for_their_id(ids: list[str], limit: int) -> None:
    shown = shorten_ids(ids, limit)
    assert set(shown) == set(ids)
    for full, short in shown.items():
        assert len(short) <= limit
        assert short == full if len(full) <= limit else _stands_for(short, full)


# --- a reader that goes away ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
def test_a_closed_pipe_ends_quietly_with_exit_0(hub: StandInHub, fmt: str) -> None:
    """`hubradar top | head -1` under `set -o pipefail`: the pipe did what was asked, so no failure.

    The reader takes one line and closes its end, as `head -1` does; hubradar then writes into a
    closed pipe (500 rows are far more than a pipe buffer holds).
    """
    proc = subprocess.Popen([sys.executable, "-m", "hubradar", "top", "--limit", "500", "--format", fmt],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert first.strip()
    assert code == 0, err
    assert "Error" not in err and "Traceback" not in err and "error" not in err


# --- notices and columns at 80 columns (issue 18) -----------------------------------------------


def test_notices_wrap_at_words_to_the_terminal_width(hub: StandInHub) -> None:
    """A notice on a terminal is cut at spaces to COLUMNS, `hubradar:` first and the rest indented."""
    code, terminal, _ = _on_tty(["trending", "--offline"], "stderr", COLUMNS="60")
    assert code == 0
    lines = [line for line in terminal.decode().replace("\r", "").splitlines() if line.strip()]
    assert lines[0].startswith("hubradar: offline;") and len(lines) >= 2
    assert all(len(line) <= 60 for line in lines)
    assert all(line.startswith(" " * len("hubradar: ")) for line in lines[1:])
    words = " ".join(line.strip() for line in lines)
    assert "showing the snapshot bundled with hubradar, taken 2026-08-21" in words  # no word was cut


def test_columns_follow_the_question_at_80_columns(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    sized = run("top", "--size", "small", "--offline")
    headers, cells = _table(sized.out)
    assert "params" in headers and "overall" in headers  # what was filtered on stays
    assert [c[0] for c in cells] == [str(i) for i in range(1, len(cells) + 1)]  # rows numbered as shown
    tasked = run("top", "--task", "text-generation", "--offline")
    headers, cells = _table(tasked.out)
    assert "task" in headers and "trending" not in headers  # unknown in every row shown: it went first
    assert all(len(c[headers.index("model")]) >= 30 or "…" not in c[headers.index("model")] for c in cells)
    trending = run("trending", "--offline")
    headers, cells = _table(trending.out)
    assert {"trending", "flags"} <= set(headers)
    assert all(len(c[headers.index("model")]) >= 30 or "…" not in c[headers.index("model")] for c in cells)
    assert max(len(line) for line in trending.out.splitlines()) <= 80


def test_a_family_table_says_its_source_once_and_explains_only_what_it_shows(run,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("top", "--group", "family", "--offline", "--limit", "4")
    text = " ".join(result.out.split())
    assert text.count("from the bundled snapshot") == 0 or text.count("bundled snapshot") == 1
    assert "base %:" not in text and "(base % left out at this width" in text
