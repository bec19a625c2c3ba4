"""Tables for people in a terminal: columns fitted to the width by priority, ids shortened, written by render.table."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple, TextIO

from hubradar.render.ids import shorten_ids, shorten_middle
from hubradar.render.table import Cell, Terminal, cell_len, render_table, wrap, wrap_list
from hubradar.render.text import clean, format_cell, hub_link
from hubradar.views.view import Column, View


def table_text(view: View, terminal: Terminal) -> tuple[str, set[str]]:
    """The table of a view at the terminal's width, and the keys of the columns that fit."""
    columns, id_width, text_width, list_width = fit_columns(view, terminal.width)
    short_ids = {c.key: shorten_ids((format_cell(r.get(c.key), c.kind, view.now) for r in view.rows), id_width)
                 for c in columns if c.kind == "id"}
    rows = []
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.kind == "id" and row.get(col.key):
                cells.append(Cell.of(short_ids[col.key][text], link=hub_link(row[col.key])))
            elif col.kind == "list":  # a list wraps at its commas, never loses an item in the middle
                items = _items(row.get(col.key)) if isinstance(row.get(col.key), list | tuple) else [text]
                lines = wrap_list(items, list_width) if cell_len(text) > list_width else (text,)
                cells.append(Cell(lines, col.styles.get(text, "")))
            elif col.kind in ("id", "text"):
                width = id_width if col.kind == "id" else text_width
                cells.append(Cell.of(shorten_middle(text, width), col.styles.get(text, "")))
            else:
                cells.append(Cell.of(text))
        rows.append(cells)
    text = render_table(terminal, [c.header for c in columns], [c.justify == "right" for c in columns], rows,
                        clean(view.title) if view.title else None)
    return text, {c.key for c in columns}


_TEXT_WIDTH = 28  # a task or free text wider than this is shortened in the middle, unless there is room
_ID_MIN = 30  # below this, columns are dropped (empty ones, then the highest priority number) to give ids room
_ID_FLOOR = 12  # when nothing more can be dropped, ids shrink to this rather than squeeze the numbers
_GAP = 3  # padding, divider, padding: what stands between two columns
_NUMERIC = ("count", "params", "age", "score", "int", "pct", "ratio", "interval", "delta")
_LIST_SEP = ", "


class Fit(NamedTuple):
    """The columns that fit a width, and how many characters ids, free text and lists may take in it."""

    columns: list[Column]
    id_width: int
    text_width: int
    list_width: int = 0  # a list (flags) wider than this wraps at its commas


def _empty(view: View, col: Column) -> bool:
    """Does the column say nothing in the rows shown: every value unknown, or every number zero?"""
    values = [row.get(col.key) for row in view.rows]
    return bool(values) and all(v is None or v in ("", [], ()) or (col.kind in _NUMERIC and v == 0) for v in values)


def _items(value: object) -> list[str]:
    return [clean(v) for v in value] if isinstance(value, list | tuple) else [clean(value)]


def fit_columns(view: View, width: int) -> Fit:
    """Columns that fit `width`, and the widths left for model ids, free text and lists.

    Model ids get what the other columns leave, shortened in the middle only when they do not fit;
    free text (tasks) is shortened to 28 characters unless room is left once the ids are whole; a
    list (flags) wraps at its commas down to its longest item. When ids would get fewer than 30
    characters, columns go: first those that say nothing in the rows shown (all unknown, all zero),
    then the highest priority numbers; priority 0 (what the listing is ranked or filtered by) stays.
    Numbers are never squeezed: ids shrink (to 12 at least) instead.
    """
    columns = list(view.columns)
    widths: dict[str, int] = {}
    floors: dict[str, int] = {}  # the least a column can take: a list its longest item, the rest their width
    for col in columns:
        cells = [format_cell(r.get(col.key), col.kind, view.now) for r in view.rows]
        widths[col.key] = max([cell_len(col.header), col.min_width or 0, *(cell_len(c) for c in cells)])
        floors[col.key] = widths[col.key]
        if col.kind == "list":
            items = [cell_len(item) for r in view.rows for item in _items(r.get(col.key)) if item]
            floors[col.key] = max([cell_len(col.header), *(n + 1 for n in items)])  # `item,` ends a wrapped line
    empty = {c.key for c in columns if c.priority and _empty(view, c)}
    id_cols = [c for c in columns if c.kind == "id"]
    id_need = max([widths[c.key] for c in id_cols], default=0)

    def spare(cols: list[Column]) -> int:
        fixed = sum(min(widths[c.key], _TEXT_WIDTH) if c.kind == "text" else floors[c.key]
                    for c in cols if c.kind != "id")
        return width - fixed - _GAP * max(0, len(cols) - 1)

    def drop_one() -> None:
        columns.remove(max(columns, key=lambda c: (c.key in empty, c.priority, columns.index(c))))

    while id_cols and spare(columns) < min(_ID_MIN, id_need) * len(id_cols) and any(c.priority for c in columns):
        drop_one()
    while not id_cols and spare(columns) < 0 and any(c.priority for c in columns):
        drop_one()
    room = spare(columns)
    n_ids = max(1, len(id_cols))
    # Ids first get up to _ID_MIN, then lists (flags) up to their whole width, then ids the rest.
    id_width = max(_ID_FLOOR, min(id_need, _ID_MIN, room // n_ids))
    left = max(0, room - id_width * len(id_cols))
    list_width = 0
    for col in (c for c in columns if c.kind == "list"):
        grow = min(widths[col.key] - floors[col.key], left)
        list_width = max(list_width, floors[col.key] + grow)
        left -= grow
    more = min(max(0, id_need - id_width), left // n_ids) if id_cols else 0
    id_width += more
    left -= more * len(id_cols)
    long_text = [c for c in columns if c.kind == "text" and widths[c.key] > _TEXT_WIDTH]
    text_width = _TEXT_WIDTH + left // max(1, len(long_text))
    return Fit(columns, id_width, text_width, list_width)


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
