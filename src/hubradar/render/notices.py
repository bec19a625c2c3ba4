"""Notices, warnings and errors on stderr: one per message, `hubradar:` first, never on stdout.

On a terminal a message is wrapped at words to its width (COLUMNS honoured), continuation lines
indented under the text, so the terminal never breaks a word ("(2 a|ttempts)"). Into a pipe or a
log file each message stays one line, which is what grep and log readers expect. Parameters named
in library messages are spelled as the CLI's flags (`core.errors.wording`).
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from hubradar.core.errors import as_flag, wording
from hubradar.render.text import clean

PREFIX = "hubradar: "


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def format_message(message: str, *, width: int | None, prefix: str = PREFIX) -> str:
    """One message as written: `prefix` + text, wrapped at words to `width` (None: one line)."""
    text = prefix + clean(wording(message, as_flag))
    if width is None or len(text) <= width:
        return text + "\n"
    import textwrap

    indent = " " * len(PREFIX)
    lines = textwrap.wrap(text, width=max(20, width - 1), subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)
    return "\n".join(lines) + "\n"


class Notifier:
    """Where one command's notices go. `messages` keeps them (with the library's wording) for callers."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream
        self.messages: list[str] = []

    def _write(self, message: str, prefix: str) -> None:
        stream = self.stream or sys.stderr
        width = shutil.get_terminal_size((80, 24)).columns if _is_terminal(stream) else None
        stream.write(format_message(message, width=width, prefix=prefix))

    def __call__(self, message: str) -> None:
        self.messages.append(wording(message))
        if not self.quiet:
            self._write(message, PREFIX)

    def error(self, message: str) -> None:
        self._write(message, PREFIX + "error: ")
