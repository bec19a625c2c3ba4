"""The `hubradar` command: registers the command groups and maps errors to one line each.

Commands live in `hubradar.commands.*` and only parse options and call the library. Every
expected error (`HubradarError`, bad usage) becomes one line on stderr with exit 1 or 2;
anything else is a bug: one line too, and the traceback with HUBRADAR_DEBUG=1.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence

import typer

from . import __version__
from .commands import cache, family, gaps, history, listing, report
from .errors import HubradarError

app = typer.Typer(
    name="hubradar",
    help="Read the Hugging Face Hub as an industry radar: what is rising, what is relied on, "
    "and how it compares with what you measured.\n\n"
    "Examples:\n\n"
    "  hubradar trending\n\n"
    "  hubradar top --task text-generation --limit 10\n\n"
    "  hubradar trending --offline --format json",
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


app.command("trending")(listing.trending)
app.command("top")(listing.top)
app.command("gaps")(gaps.gaps)
app.command("movers")(history.movers_cmd)
app.command("history")(history.history_cmd)
app.command("import")(history.import_cmd)
app.command("export")(history.export_cmd)
app.command("record")(history.record_cmd)
app.add_typer(cache.app, name="cache")
app.command("report")(report.report)
app.command("family")(family.family)


def _debug() -> bool:
    return os.environ.get("HUBRADAR_DEBUG", "").strip() not in ("", "0")


def _say(message: str) -> None:
    from .render import clean

    sys.stderr.write(f"hubradar: error: {clean(message)}\n")


def _is_cli_error(err: Exception) -> bool:
    """Click's (and Typer's vendored click's) exceptions: they carry an exit code and a message."""
    return hasattr(err, "exit_code") and callable(getattr(err, "format_message", None))


def _tolerant_streams() -> None:
    """A model name the terminal's encoding cannot show becomes `?`, not a crash (LANG=C, cp1252)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the app, turn expected errors into one line and an exit code."""
    code = 0
    _tolerant_streams()
    try:
        result = app(args=list(argv) if argv is not None else None, prog_name="hubradar", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except HubradarError as err:
        if _debug():
            raise
        _say(str(err))
        code = err.exit_code
    except typer.Abort:
        _say("aborted")
        code = 130
    except BrokenPipeError:
        # The reader went away (`hubradar top | head`): not an error worth a message.
        sys.stderr.close()
        code = 0
    except KeyboardInterrupt:
        code = 130
    except Exception as err:
        if _is_cli_error(err):  # bad usage: an unknown option, a value out of range, a bad choice
            ctx = getattr(err, "ctx", None)
            where = f"{ctx.command_path}: " if ctx is not None else ""
            message = err.format_message().replace("Value error, ", "")  # type: ignore[attr-defined]
            _say(f"{where}{message}".replace("\n", " "))
            code = int(err.exit_code)  # type: ignore[attr-defined]
        elif _debug():
            raise
        else:
            _say(f"unexpected {type(err).__name__}: {err} (run with HUBRADAR_DEBUG=1 for the traceback)")
            code = 1
    sys.exit(code)
