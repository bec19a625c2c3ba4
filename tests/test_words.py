"""What a new user reads: one clear line for bad usage, whole sentences in --help, `hf radar`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_an_unknown_command_is_named_once_with_a_suggestion(run) -> None:
    result = run("trnding")
    assert result.code == 2
    assert result.err == "hubradar: error: No such command 'trnding'. Did you mean 'trending'?\n"


@pytest.mark.parametrize(("args", "words"), [
    (["top", "--limit", "abc"], "'abc' is not a whole number"),
    (["top", "--timeout", "soon"], "'soon' is not a number"),
])
def test_a_value_of_the_wrong_kind_says_what_kind(run, args: list[str], words: str) -> None:
    result = run(*args)
    assert result.code == 2 and words in result.err and "range" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_every_command_summary_in_help_is_a_whole_sentence(run) -> None:
    """`hubradar --help` lists each command by the first line of its help: it must not stop mid-sentence."""
    from hubradar.cli.main import COMMANDS, load_command

    for name in COMMANDS:
        command = load_command(name)
        first = (command.help or "").strip().splitlines()[0]
        assert first.endswith("."), f"{name}: {first!r}"


def test_hf_radar_runs_as_an_hf_extension(tmp_path: Path) -> None:
    """`hf radar trending`: hf runs an installed extension's `hf-radar` script (README, "As an hf extension")."""
    hf, radar = shutil.which("hf", path=str(Path(sys.executable).parent)), shutil.which(
        "hf-radar", path=str(Path(sys.executable).parent))
    assert hf and radar, "hf and hf-radar are installed beside this interpreter"
    home = tmp_path / "home"
    extension = home / ".local" / "share" / "hf" / "extensions" / "hf-radar"
    extension.mkdir(parents=True)
    # What `hf extensions install OWNER/hf-radar` records after pip-installing the repo into its own venv.
    (extension / "manifest.json").write_text(json.dumps({
        "owner": "local", "repo": "hf-radar", "repo_id": "local/hf-radar", "short_name": "radar",
        "executable_path": radar, "type": "python", "installed_at": "2026-12-02T00:00:00+00:00"}))
    env = {**os.environ, "HOME": str(home), "HF_HUB_DISABLE_UPDATE_CHECK": "1"}
    done = subprocess.run([hf, "radar", "trending", "--offline", "--limit", "3", "--format", "json"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["rows"]) == 3
    helped = subprocess.run([hf, "radar", "--help"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "Usage: hf radar" in helped.stdout
