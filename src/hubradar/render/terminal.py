"""Tables for people in a terminal: columns fitted to the width by priority, ids shortened, written by render.table."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from hubradar.render.fit import fit_columns
from hubradar.render.fit import items as list_items
from hubradar.render.ids import shorten_ids, shorten_middle
from hubradar.render.table import Cell, Terminal, cell_len, render_table, wrap, wrap_list
from hubradar.render.text import clean, format_cell, hub_link
from hubradar.views.view import View


def table_text(view: View, terminal: Terminal) -> tuple[str, set[str]]:
    """The table of a view at the terminal's width, and the keys of the columns that fit."""
    columns, id_width, text_width, list_width, wrapped, gap = fit_columns(view, terminal.width)
    short_ids = {c.key: shorten_ids((format_cell(r.get(c.key), c.kind, view.now) for r in view.rows), id_width)
                 for c in columns if c.kind == "id"}
    rows = []
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.key in wrapped and col.kind == "text":  # wraps at words instead of being cut
                cells.append(Cell(tuple(wrap(text, wrapped[col.key])), col.styles.get(text, "")))
            elif col.kind == "id" and row.get(col.key):
                cells.append(Cell.of(short_ids[col.key][text], link=hub_link(row[col.key])))
            elif col.kind == "list":  # a list wraps at its commas, never loses an item in the middle
                items = list_items(row.get(col.key)) if isinstance(row.get(col.key), list | tuple) else [text]
                lines = wrap_list(items, list_width) if cell_len(text) > list_width else (text,)
                cells.append(Cell(lines, col.styles.get(text, "")))
            elif col.kind in ("id", "text"):
                width = id_width if col.kind == "id" else text_width
                cells.append(Cell.of(shorten_middle(text, width), col.styles.get(text, "")))
            else:
                cells.append(Cell.of(text))
        rows.append(cells)
    headers = [tuple(wrap(c.header, wrapped[c.key])) if c.key in wrapped else (c.header,) for c in columns]
    text = render_table(terminal, headers, [c.justify == "right" for c in columns], rows,
                        clean(view.title) if view.title else None, gap)
    return text, {c.key for c in columns}


def make_console(stream: TextIO | None = None) -> Any:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            """The reader went away (`hubradar top | head`): let the entry point end quietly with 0.

            Rich's own answer is exit 1, which fails a `set -o pipefail` script for a pipe that did
            what it was asked; `cli.main` treats a BrokenPipeError as done.
            """
            self.quiet = True
            raise BrokenPipeError

    return _Console(file=stream or sys.stdout, highlight=False, soft_wrap=False, emoji=False)




def print_view(view: View, out: TextIO) -> None:
    """A view and its extra sections as tables, each followed by its notes and the legends of the columns shown."""
    terminal = Terminal.of(out)
    lines: list[str] = []

    def note(text: str) -> None:
        lines.extend(terminal.style(line, "dim") for line in wrap(clean(text), terminal.width))

    for part in [view, *view.extra_sections]:
        if part.rows:
            table, shown = table_text(part, terminal)
            lines.append(table.rstrip("\n"))
        else:
            shown = set()
            lines.extend(wrap(clean(part.empty_message), terminal.width))
        for text in part.notes:
            note(text)
        for text in (text for key, text in part.column_notes.items() if key in shown):
            note(text)
        hidden = [c.header for c in part.columns if c.key in part.column_notes and c.key not in shown]
        if hidden and part.rows:
            note(f"({', '.join(hidden)} left out at this width: a wider terminal or --format json shows "
                 f"{'it' if len(hidden) == 1 else 'them'})")
    out.write("\n".join(lines) + "\n")
