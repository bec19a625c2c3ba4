"""The `hubradar` command: registers the command groups and maps errors to one line each.

Commands live in `hubradar.cli.*` and only parse options and call the library. Every
expected error (`HubradarError`, bad usage) becomes one line on stderr with exit 1 or 2;
anything else is a bug: one line too, and the traceback with HUBRADAR_DEBUG=1.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from hubradar import __version__
from hubradar.core.errors import HubradarError

# Every command, in the order `--help` lists them: name -> (module in hubradar.cli, attribute).
# An attribute is a command function or, for a command group, a Typer app.
COMMANDS: dict[str, tuple[str, str]] = {
    "trending": ("listing", "trending"),
    "top": ("listing", "top"),
    "gaps": ("gaps", "gaps"),
    "movers": ("history", "movers_cmd"),
    "history": ("history", "history_cmd"),
    "import": ("history", "import_cmd"),
    "export": ("history", "export_cmd"),
    "record": ("history", "record_cmd"),
    "cache": ("cache", "app"),
    "report": ("report", "report"),
    "family": ("family", "family"),
    "crawl": ("crawl", "crawl_cmd"),
    "state": ("state", "state_cmd"),
}


def load_command(name: str) -> Any:
    """Import the module behind one command and build its click command the way Typer would."""
    module_name, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(f"hubradar.cli.{module_name}"), attribute)
    holder = typer.Typer()
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands, built on first use.

    `hubradar trending` then imports only what `trending` needs: no gaps, history or report code,
    which is most of a cached answer's start-up time. Help and completion, which list every
    command, load them all.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}
        self._names: list[str] = list(COMMANDS)

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


class LazyGroup(TyperGroup):
    """Typer's root group with commands that load on demand (see `_LazyCommands`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands()

app = typer.Typer(
    name="hubradar",
    help="Read the Hugging Face Hub as an industry radar: what is rising, what is relied on, "
    "and how it compares with what you measured.\n\n"
    "Examples:\n\n"
    "  hubradar trending\n\n"
    "  hubradar top --task text-generation --limit 10\n\n"
    "  hubradar trending --offline --format json",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hubradar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Read the Hugging Face Hub as an industry radar."""


def _debug() -> bool:
    return os.environ.get("HUBRADAR_DEBUG", "").strip() not in ("", "0")


def _say(message: str) -> None:
    """An error, through the one stderr writer every notice uses (wrapped at words on a terminal)."""
    from hubradar.render.notices import Notifier

    Notifier().error(message)


def _is_cli_error(err: Exception) -> bool:
    """Click's (and Typer's vendored click's) exceptions: they carry an exit code and a message."""
    return hasattr(err, "exit_code") and callable(getattr(err, "format_message", None))


def _tolerant_streams() -> None:
    """A model name the terminal's encoding cannot show becomes `?`, not a crash (LANG=C, cp1252)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stream): nothing to flush
        pass


# Click's words for a value its number types refuse, in plain ones.
_CLICK_WORDS = (("is not a valid int range", "is not a whole number"), ("is not a valid integer range",
                "is not a whole number"), ("is not a valid float range", "is not a number"),
                ("is not a valid integer", "is not a whole number"), ("is not a valid float", "is not a number"))


def _usage_message(err: Exception) -> str:
    """A usage error in one line: the command it is about (not the root's name again), then what is wrong."""
    ctx = getattr(err, "ctx", None)
    root = ctx is None or ctx.parent is None
    message = err.format_message().replace("Value error, ", "")  # type: ignore[attr-defined]
    for click_words, words in _CLICK_WORDS:
        message = message.replace(click_words, words)
    where = "" if root or ctx is None else f"{ctx.command_path}: "
    return f"{where}{message}".replace("\n", " ")


def main(argv: Sequence[str] | None = None, prog_name: str = "hubradar") -> None:
    """Console-script entry point: run the app, turn expected errors into one line and an exit code."""
    code = 0
    _tolerant_streams()
    try:
        result = app(args=list(argv) if argv is not None else None, prog_name=prog_name, standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except HubradarError as err:
        if _debug():
            raise
        _say(err.for_cli())
        code = err.exit_code
    except typer.Abort:
        _say("aborted")
        code = 130
    except BrokenPipeError:
        # The reader went away (`hubradar top | head`): not an error worth a message. Point stdout
        # at /dev/null so the interpreter's last flush does not fail on the closed pipe again.
        _silence_stdout()
        code = 0
    except KeyboardInterrupt:
        code = 130
    except Exception as err:
        if _is_cli_error(err):  # bad usage: an unknown option, a value out of range, a bad choice
            _say(_usage_message(err))
            code = int(err.exit_code)  # type: ignore[attr-defined]
        elif _debug():
            raise
        else:
            _say(f"unexpected {type(err).__name__}: {err} (run with HUBRADAR_DEBUG=1 for the traceback)")
            code = 1
    sys.exit(code)


def hf_main() -> None:
    """`hf-radar`: the same commands as an `hf` extension (`hf radar trending`)."""
    main(prog_name="hf radar")
