"""The docs keep up with the CLI: every command and option has help text and a place in docs/usage.md.

The command tree is walked from `hubradar.cli.app`, so a command or option added later without
documentation fails here; that is the point. The README's set-up commands are checked against .ci/run,
so what a newcomer copies is what CI runs.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from hubradar.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
USAGE = ROOT / "docs" / "usage.md"
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"

# Typer's own options, documented once in usage.md's shell-completion section rather than per command.
TYPER_BUILTINS = {"--help", "--install-completion", "--show-completion"}


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command with its path (`("cache", "prune")`), groups descended into."""
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            yield from walk(sub, (*path, name))
    else:
        yield path, command


def long_name(param: Any) -> str:
    """The name a reader looks for: the long option (`--max-age`), or an argument's metavar (`MODEL`)."""
    if getattr(param, "param_type_name", "") == "argument":
        return param.metavar or param.name.upper()
    longs = [opt for opt in param.opts if opt.startswith("--")]
    return longs[0] if longs else param.opts[0]


def sections(markdown: str) -> dict[str, str]:
    """`## \\`hubradar CMD\\`` heading -> the text up to the next `## ` heading."""
    found: dict[str, str] = {}
    parts = re.split(r"^## ", markdown, flags=re.MULTILINE)
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        match = re.fullmatch(r"`hubradar ([a-z][a-z -]*)`\s*", heading)
        if match:
            found[match.group(1).strip()] = body
    return found


def mentions(text: str, name: str) -> bool:
    """`--max-age` as a whole word in `text`: not `--max-age-x`, not `--max` inside `--max-age`."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def undocumented(root: Any, markdown: str) -> list[str]:
    """What docs/usage.md misses or what has no help text, one line per problem (empty = all good)."""
    problems: list[str] = []
    documented = sections(markdown)
    for path, command in walk(root):
        label = "hubradar " + " ".join(path)
        if not (command.help or "").strip():
            problems.append(f"{label}: no help text")
        body = documented.get(" ".join(path))
        if body is None:
            problems.append(f"{label}: no '## `{label}`' section in docs/usage.md")
        for param in command.params:
            name = long_name(param)
            if name in TYPER_BUILTINS:
                continue
            if not (getattr(param, "help", None) or "").strip():
                problems.append(f"{label} {name}: no help text")
            if body is not None and not mentions(body, name):
                problems.append(f"{label} {name}: not in its docs/usage.md section")
    for param in root.params:  # --version and the completion options, on the root command
        name = long_name(param)
        if not (getattr(param, "help", None) or "").strip():
            problems.append(f"hubradar {name}: no help text")
        if not mentions(markdown, name):
            problems.append(f"hubradar {name}: not in docs/usage.md")
    return problems


def test_every_command_and_option_has_help_and_is_in_usage_md() -> None:
    problems = undocumented(typer.main.get_command(app), USAGE.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(problems)


def test_the_tree_walk_sees_every_registered_command() -> None:
    # Guards the walk itself: if it stopped descending (say, into `cache`), the test above would pass vacuously.
    paths = {" ".join(path) for path, _ in walk(typer.main.get_command(app))}
    assert {"trending", "top", "gaps", "movers", "history", "import", "export", "record", "report"} <= paths
    assert {"cache info", "cache prune"} <= paths


def _app_with_extras() -> Any:
    """The real command tree, plus an undocumented command and two options added to `trending`."""
    root = typer.main.get_command(app)  # a fresh click tree on every call: safe to change
    command = typer.Typer()

    @command.command()
    def brand_new(depth: int = typer.Option(3, "--depth", help="How deep.")) -> None:
        """A command added after the docs were written."""

    options = typer.Typer()

    @options.command()
    def carrier(
        new: bool = typer.Option(False, "--brand-new-option", help="An option nobody documented."),
        silent: bool = typer.Option(False, "--silent-option"),
    ) -> None:
        """Only here to lend its options to `trending`."""

    root.commands["brand-new"] = typer.main.get_command(command)
    root.commands["trending"].params.extend(typer.main.get_command(options).params)
    return root


def test_a_new_undocumented_command_or_option_fails() -> None:
    problems = undocumented(_app_with_extras(), USAGE.read_text(encoding="utf-8"))
    assert "hubradar brand-new: no '## `hubradar brand-new`' section in docs/usage.md" in problems
    assert "hubradar trending --brand-new-option: not in its docs/usage.md section" in problems
    assert "hubradar trending --silent-option: no help text" in problems


def test_an_option_is_looked_for_in_its_own_section_not_anywhere() -> None:
    markdown = USAGE.read_text(encoding="utf-8")
    # --older-than belongs to `cache prune`; drop it from that section and it must be missed there,
    # even though other sections may mention it.
    body = sections(markdown)["cache prune"]
    stripped = markdown.replace(body, re.sub(r"--older-than", "--older", body))
    problems = undocumented(typer.main.get_command(app), stripped)
    assert "hubradar cache prune --older-than: not in its docs/usage.md section" in problems


def _commands(text: str) -> list[list[str]]:
    """Shell commands in `text`, split on `&&` and tokenised, flags `-q`/`--quiet` dropped."""
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        for part in line.split("&&"):
            try:
                tokens = shlex.split(part)
            except ValueError:
                continue
            tokens = [t for t in tokens if t not in ("--quiet", "-q")]
            if tokens[:2] == ["python", "-m"]:
                found.append(tokens)
    return found


def test_readme_setup_commands_are_the_ones_ci_runs() -> None:
    readme = README.read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", setup, flags=re.DOTALL)
    assert len(blocks) == 2, "the README's Set up section has two commands to copy"
    readme_commands = _commands(blocks[1])
    ci_commands = _commands(CI.read_text(encoding="utf-8"))
    install = ["python", "-m", "pip", "install", "-e", ".[test]"]
    test = ["python", "-m", "pytest"]
    assert readme_commands == [install, test]
    assert install in ci_commands and test in ci_commands
    # The first block installs hubradar and runs it.
    assert _commands(blocks[0]) == [["python", "-m", "pip", "install", "-e", "."]]
    assert "hubradar trending" in blocks[0]


@pytest.mark.parametrize("page", ["gaps", "history", "report", "methodology", "reliability", "performance"])
def test_usage_links_the_deeper_pages(page: str) -> None:
    assert f"]({page}.md" in USAGE.read_text(encoding="utf-8")


def test_readme_links_resolve() -> None:
    readme = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert links, "the README links into docs/"
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert missing == []
