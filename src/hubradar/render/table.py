"""Plain text tables for a terminal, written without Rich: the cached answer's whole output path.

A cached `hubradar trending` is read, ranked and printed in about the time Python takes to start
Typer; importing Rich's console and table would add a fifth to that (docs/performance.md). What a
table needs is small: cells padded to their columns (right-aligned numbers), a bold header, a rule
under it, dim notes wrapped at words, colours for a few labels, and OSC 8 links on model ids. The
layout is Rich's `box.SIMPLE_HEAD` without edges (tests/test_table.py holds the two to the same
text), with two differences that matter in a pipe: no line ends in padding, and a cell may hold
several lines (a long flag list wraps at its commas).

Whether styles and links are written follows Rich's rules: only on a terminal (FORCE_COLOR makes
anything one), never on TERM=dumb, and NO_COLOR drops the colours but keeps bold and dim.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple, TextIO

GAP = "   "  # right padding, the (blank) divider, left padding
RULE = "─"
_SGR = {"bold": "1", "dim": "2", "italic": "3", "underline": "4"}
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def cell_len(text: str) -> int:
    """Columns a text takes in a terminal: wide East Asian characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _sgr(style: str, colour: bool) -> str:
    """`bold green` -> `1;32` (the colours left out when `colour` is False)."""
    codes = []
    for word in style.split():
        if word in _SGR:
            codes.append(_SGR[word])
        elif colour and word in _COLOURS:
            codes.append(str(30 + _COLOURS.index(word)))
        elif colour and word.startswith("bright_") and word[7:] in _COLOURS:
            codes.append(str(90 + _COLOURS.index(word[7:])))
    return ";".join(codes)


class Terminal(NamedTuple):
    """What the output stream can show: its width, whether styles and links go out, and colours."""

    width: int
    styled: bool
    colour: bool

    @classmethod
    def of(cls, stream: TextIO, environ: dict[str, str] | None = None) -> Terminal:
        env = os.environ if environ is None else environ
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        forced = bool(env.get("FORCE_COLOR"))
        dumb = env.get("TERM", "").lower() in ("dumb", "unknown")
        styled = (tty or forced) and not dumb
        return cls(width=_width(stream, tty, env), styled=styled, colour=styled and not env.get("NO_COLOR"))

    def style(self, text: str, style: str) -> str:
        codes = _sgr(style, self.colour) if self.styled and style else ""
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def link(self, text: str, url: str) -> str:
        return f"\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\" if self.styled else text


def _width(stream: TextIO, tty: bool, env: os._Environ[str] | dict[str, str]) -> int:
    """COLUMNS when set, else the terminal's width, else 80 (what Rich does)."""
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if tty:
        try:
            return os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError):
            pass
    return 80


class Cell(NamedTuple):
    """One cell: its lines of plain text, a style for all of them, and a link for the first."""

    lines: tuple[str, ...]
    style: str = ""
    link: str | None = None

    @classmethod
    def of(cls, text: str, style: str = "", link: str | None = None) -> Cell:
        return cls((text,), style, link)


def _pad(text: str, width: int, right: bool) -> tuple[str, str]:
    """The spaces that go before and after `text` in a column of `width`."""
    space = " " * max(0, width - cell_len(text))
    return (space, "") if right else ("", space)


def render_table(terminal: Terminal, headers: Sequence[str | Sequence[str]], right: Sequence[bool],
                 rows: Sequence[Sequence[Cell]], title: str | None = None, gap: int = len(GAP)) -> str:
    """The table as text: title, header (a header of several lines sits on the last), rule, rows;
    each line without trailing spaces; `gap` spaces between columns (three, as Rich's layout)."""
    head = [(h,) if isinstance(h, str) else tuple(h) for h in headers]
    tall = max((len(h) for h in head), default=1)
    head = [("",) * (tall - len(h)) + h for h in head]
    widths = [max(cell_len(line) for line in h) for h in head]
    for row in rows:
        widths = [max(w, *(cell_len(line) for line in cell.lines)) for w, cell in zip(widths, row, strict=True)]
    total = sum(widths) + gap * max(0, len(widths) - 1)
    out: list[str] = []
    if title:
        out += [terminal.style(line, "italic") for line in wrap(title, max(total, 1))]
    header_cells = [Cell(h, "bold") for h in head]
    out += [_line(terminal, header_cells, widths, right, i, gap) for i in range(tall)]
    out.append(RULE * total)
    for row in rows:
        height = max(len(cell.lines) for cell in row)
        out += [_line(terminal, row, widths, right, i, gap) for i in range(height)]
    return "\n".join(out) + "\n"


def _line(terminal: Terminal, cells: Sequence[Cell], widths: Sequence[int], right: Sequence[bool], index: int,
          gap: int) -> str:
    parts = []
    for cell, width, is_right in zip(cells, widths, right, strict=True):
        text = cell.lines[index] if index < len(cell.lines) else ""
        before, after = _pad(text, width, is_right)
        shown = terminal.style(text, cell.style) if text else text
        if cell.link and index == 0 and text:
            shown = terminal.link(shown, cell.link)
        parts.append(before + shown + after)
    return (" " * gap).join(parts).rstrip()


def wrap(text: str, width: int) -> list[str]:
    """`text` broken at spaces into lines of at most `width` columns (a longer word is folded, as Rich does)."""
    lines: list[str] = []
    current = ""
    for word in _fold(text.split(" "), max(1, width)):
        if not current:
            current = word
        elif cell_len(current) + 1 + cell_len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def _fold(words: list[str], width: int) -> list[str]:
    """Words no longer than `width`: a longer one cut into pieces of `width` columns."""
    out: list[str] = []
    for word in words:
        while cell_len(word) > width:
            cut = width
            while cell_len(word[:cut]) > width:
                cut -= 1
            cut = max(1, cut)
            out.append(word[:cut])
            word = word[cut:]
        out.append(word)
    return out


def wrap_list(items: Sequence[str], width: int) -> tuple[str, ...]:
    """A comma-separated list broken after its commas into lines of at most `width` columns."""
    lines: list[str] = []
    current = ""
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if current and cell_len(current) + 1 + cell_len(piece) > width:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    return (*lines, current) if current or not lines else tuple(lines)
