"""Tables for people in a terminal: columns fitted to the width by priority, ids shortened, Rich tables."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple, TextIO

from hubradar.render.ids import shorten_ids, shorten_middle
from hubradar.render.text import clean, format_cell, hub_link
from hubradar.views.view import Column, View


def _rich_table(view: View, width: int) -> tuple[Any, set[str]]:
    """The Rich table of a view at `width`, and the keys of the columns that fit."""
    from rich import box
    from rich.cells import cell_len
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    columns, id_width, text_width, wrapped = fit_columns(view, width)
    short_ids = {c.key: shorten_ids((format_cell(r.get(c.key), c.kind, view.now) for r in view.rows), id_width)
                 for c in columns if c.kind == "id"}
    table = Table(title=Text(clean(view.title)) if view.title else None, box=box.SIMPLE_HEAD, pad_edge=False,
                  expand=False, title_justify="left", show_edge=False)
    for col in columns:
        wraps = col.key in wrapped  # text wraps at words (a word longer than the column folds)
        table.add_column(col.header, justify=col.justify, no_wrap=not wraps, overflow="fold" if wraps else "ellipsis",
                         min_width=col.min_width)
    widths = [cell_len(col.header) for col in columns]
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.kind == "id" and row.get(col.key):
                link = Style(link=hub_link(row[col.key]))
                cells.append(Text(short_ids[col.key][text], style=link))
            elif col.key in wrapped:
                cells.append(Text(text, style=col.styles.get(text, "")))
            elif col.kind in ("id", "list", "text"):
                width = id_width if col.kind == "id" else text_width
                cells.append(Text(shorten_middle(text, width), style=col.styles.get(text, "")))
            else:
                cells.append(Text(text))
        table.add_row(*cells)
        widths = [max(w, cell.cell_len) for w, cell in zip(widths, cells, strict=True)]
    for col, column, cell_width in zip(columns, table.columns, widths, strict=True):
        # measured once: Rich need not measure each cell; a wrapping column is as wide as it was fitted
        column.width = wrapped[col.key] if col.key in wrapped else max(cell_width, column.min_width or 0)
    return table, {c.key for c in columns}


_TEXT_WIDTH = 28  # a task or tag list wider than this is shortened in the middle, unless there is room
_ID_MIN = 24  # below this, columns are dropped (highest priority number first) to give ids room
_ID_FLOOR = 12  # when nothing more can be dropped, ids shrink to this rather than squeeze the numbers
_WRAP_MIN = 16  # wrapping text is given at least this many characters before columns are dropped
_GAP = 3  # padding, divider, padding: what Rich puts between two columns of an edgeless table
_FREE_TEXT = ("text", "list")


class Fit(NamedTuple):
    """The columns that fit a width, how many characters ids and free text may take in it, and
    the width of each column that wraps (`Column.wrap`)."""

    columns: list[Column]
    id_width: int
    text_width: int
    wrapped: dict[str, int]


def fit_columns(view: View, width: int) -> Fit:
    """Columns that fit `width`, and the widths left for model ids and free text.

    Model ids get what the other columns leave, shortened in the middle only when they do not fit;
    free text (tasks, tag lists) is shortened to 28 characters unless room is left once the ids are
    whole. When ids would get fewer than 24 characters (a column's `shortest`, if set), the
    highest-priority-number columns go first; numbers are never squeezed: ids shrink (to 12 at
    least) instead. A column that wraps (`Column.wrap`) counts its narrowest while columns are
    dropped (16 characters of text, or a `shortest`; a number's header at its longest word); once
    ids have their shortest it grows until no word breaks, then to 28 as free text is shortened to,
    then ids grow toward whole, then it grows toward one line per cell.
    """
    columns = list(view.columns)
    widths: dict[str, int] = {}
    # The wrapping columns at their narrowest, as wide as their longest word, and as wide as free
    # text usually is (a number's header: whole, then whole).
    least: dict[str, int] = {}
    unbroken: dict[str, int] = {}
    usual: dict[str, int] = {}
    for col in columns:
        texts = [format_cell(r.get(col.key), col.kind, view.now) for r in view.rows]
        need = widths[col.key] = max([len(col.header), col.min_width or 0, *(len(t) for t in texts)])
        if col.wrap and col.kind in _FREE_TEXT:
            least[col.key] = min(need, col.shortest or _WRAP_MIN)
            longest = max([len(w) for t in [col.header, *texts] for w in t.split()], default=0)
            unbroken[col.key] = max(least[col.key], min(need, longest, _TEXT_WIDTH))
            usual[col.key] = max(unbroken[col.key], min(need, _TEXT_WIDTH))
        elif col.wrap and col.kind != "id":
            words = [len(w) for w in col.header.split()]
            least[col.key] = max([col.min_width or 0, *words, *(len(t) for t in texts)])
            unbroken[col.key] = usual[col.key] = need
    id_cols = [c for c in columns if c.kind == "id"]
    id_need = max([widths[c.key] for c in id_cols], default=0)
    id_min = max([c.shortest or _ID_MIN for c in id_cols], default=_ID_MIN)

    def fixed(col: Column) -> int:
        if col.key in least:
            return least[col.key]
        return min(widths[col.key], _TEXT_WIDTH) if col.kind in _FREE_TEXT else widths[col.key]

    def spare(cols: list[Column]) -> int:
        return width - sum(fixed(c) for c in cols if c.kind != "id") - _GAP * max(0, len(cols) - 1)

    def drop_one() -> None:
        columns.remove(max(columns, key=lambda c: (c.priority, columns.index(c))))

    while id_cols and spare(columns) < min(id_min, id_need) * len(id_cols) and any(c.priority for c in columns):
        drop_one()
    while not id_cols and spare(columns) < 0 and any(c.priority for c in columns):
        drop_one()
    room = spare(columns)
    # Once ids have their shortest, wrapping columns grow until no word breaks, then to the width
    # free text is shortened to (28); then the ids grow; then wrapping columns toward one line a cell.
    wrapped = {c.key: least[c.key] for c in columns if c.key in least}
    for target in (unbroken, usual):
        room -= _grow(wrapped, target, room - min(id_min, id_need) * len(id_cols))
    id_width = max(_ID_FLOOR, min(id_need, room // max(1, len(id_cols))))
    left = room - id_width * len(id_cols)
    left -= _grow(wrapped, widths, left)
    long_text = [c for c in columns if c.kind in _FREE_TEXT and c.key not in least and widths[c.key] > _TEXT_WIDTH]
    text_width = _TEXT_WIDTH + max(0, left) // max(1, len(long_text))
    return Fit(columns, id_width, text_width, wrapped)


def _grow(wrapped: dict[str, int], target: dict[str, int], room: int) -> int:
    """Share `room` out evenly among the wrapping columns, each up to its `target` width; how much was used."""
    used = 0
    growing = [key for key in wrapped if wrapped[key] < target[key]]
    while room - used > 0 and growing:
        share = max(1, (room - used) // len(growing))
        for key in list(growing):
            add = min(share, target[key] - wrapped[key], room - used)
            wrapped[key] += add
            used += add
            if wrapped[key] >= target[key]:
                growing.remove(key)
    return used


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
    """A view and its extra sections as Rich tables, each followed by its notes and shown legends."""
    console = make_console(out)
    for part in [view, *view.extra_sections]:
        if part.rows:
            table, shown = _rich_table(part, console.width)
            console.print(table)
        else:
            shown = set()
            console.print(clean(part.empty_message), markup=False)
        for note in part.notes:
            console.print(clean(note), markup=False, style="dim")
        for key, note in part.column_notes.items():
            if key in shown:
                console.print(clean(note), markup=False, style="dim")
            elif part.rows:
                header = next((c.header for c in part.columns if c.key == key), key)
                console.print(f"({header} left out at this width: a wider terminal or --format json shows them)",
                              markup=False, style="dim")
