"""Tables for people in a terminal: columns fitted to the width by priority, ids shortened, written by render.table."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple, TextIO

from hubradar.render.ids import shorten_ids, shorten_middle
from hubradar.render.table import Cell, Terminal, render_table, wrap
from hubradar.render.text import clean, format_cell, hub_link
from hubradar.views.view import Column, View


def table_text(view: View, terminal: Terminal) -> tuple[str, set[str]]:
    """The table of a view at the terminal's width, and the keys of the columns that fit."""
    columns, id_width, text_width = fit_columns(view, terminal.width)
    short_ids = {c.key: shorten_ids((format_cell(r.get(c.key), c.kind, view.now) for r in view.rows), id_width)
                 for c in columns if c.kind == "id"}
    rows = []
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.kind == "id" and row.get(col.key):
                cells.append(Cell.of(short_ids[col.key][text], link=hub_link(row[col.key])))
            elif col.kind in ("id", "list", "text"):
                width = id_width if col.kind == "id" else text_width
                cells.append(Cell.of(shorten_middle(text, width), col.styles.get(text, "")))
            else:
                cells.append(Cell.of(text))
        rows.append(cells)
    text = render_table(terminal, [c.header for c in columns], [c.justify == "right" for c in columns], rows,
                        clean(view.title) if view.title else None)
    return text, {c.key for c in columns}


_TEXT_WIDTH = 28  # a task or tag list wider than this is shortened in the middle, unless there is room
_ID_MIN = 24  # below this, columns are dropped (highest priority number first) to give ids room
_ID_FLOOR = 12  # when nothing more can be dropped, ids shrink to this rather than squeeze the numbers
_GAP = 3  # padding, divider, padding: what Rich puts between two columns of an edgeless table
_FREE_TEXT = ("text", "list")


class Fit(NamedTuple):
    """The columns that fit a width, and how many characters ids and free text may take in it."""

    columns: list[Column]
    id_width: int
    text_width: int


def fit_columns(view: View, width: int) -> Fit:
    """Columns that fit `width`, and the widths left for model ids and free text.

    Model ids get what the other columns leave, shortened in the middle only when they do not fit;
    free text (tasks, tag lists) is shortened to 28 characters unless room is left once the ids are
    whole. When ids would get fewer than 24 characters, the highest-priority-number columns go
    first; numbers are never squeezed: ids shrink (to 12 at least) instead.
    """
    columns = list(view.columns)
    widths: dict[str, int] = {}
    for col in columns:
        cells = [format_cell(r.get(col.key), col.kind, view.now) for r in view.rows]
        widths[col.key] = max([len(col.header), col.min_width or 0, *(len(c) for c in cells)])
    id_cols = [c for c in columns if c.kind == "id"]
    id_need = max([widths[c.key] for c in id_cols], default=0)

    def spare(cols: list[Column]) -> int:
        fixed = sum(min(widths[c.key], _TEXT_WIDTH) if c.kind in _FREE_TEXT else widths[c.key]
                    for c in cols if c.kind != "id")
        return width - fixed - _GAP * max(0, len(cols) - 1)

    def drop_one() -> None:
        columns.remove(max(columns, key=lambda c: (c.priority, columns.index(c))))

    while id_cols and spare(columns) < min(_ID_MIN, id_need) * len(id_cols) and any(c.priority for c in columns):
        drop_one()
    while not id_cols and spare(columns) < 0 and any(c.priority for c in columns):
        drop_one()
    room = spare(columns)
    id_width = max(_ID_FLOOR, min(id_need, room // max(1, len(id_cols))))
    long_text = [c for c in columns if c.kind in _FREE_TEXT and widths[c.key] > _TEXT_WIDTH]
    left = room - id_width * len(id_cols)
    text_width = _TEXT_WIDTH + max(0, left) // max(1, len(long_text))
    return Fit(columns, id_width, text_width)


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
        for key, text in part.column_notes.items():
            if key in shown:
                note(text)
            elif part.rows:
                header = next((c.header for c in part.columns if c.key == key), key)
                note(f"({header} left out at this width: a wider terminal or --format json shows them)")
    out.write("\n".join(lines) + "\n")
