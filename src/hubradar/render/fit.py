"""How a table's columns share a terminal's width.

The order of concessions, narrowest first to give way: a column that says nothing in the rows shown
(all unknown, all zero), then the highest priority number; priority 0 (what the answer is ranked
or filtered by) never goes. Ids keep at least 30 characters (a column's `shortest` if set) before
anything else is squeezed; numbers are never squeezed. A list (flags) wraps at its commas down to
its longest item; a column with `wrap` takes several lines instead of being cut: free text wraps at
words (16 characters at least, or its `shortest`), a number's header at its spaces.
When every column that may go has gone and the ids still lack their shortest, the columns stand
two spaces apart instead of three (`top --task X` at 80 columns: the task stays, the ids keep 30).
Once the ids have their shortest: lists grow to their whole width, wrapping text to where no word
breaks and then to 28 (where plain free text is shortened), then the ids grow toward whole, then
wrapping text toward one line a cell, then plain free text.
"""

from __future__ import annotations

from typing import NamedTuple

from hubradar.render.table import cell_len
from hubradar.render.text import clean, format_cell
from hubradar.views.view import Column, View

TEXT_WIDTH = 28  # free text wider than this is shortened in the middle, unless there is room
ID_MIN = 30  # the characters an id keeps before other columns are squeezed (Column.shortest overrides)
ID_FLOOR = 12  # when nothing more can be dropped, ids shrink to this rather than squeeze the numbers
WRAP_MIN = 16  # wrapping text keeps at least this many characters before columns are dropped
GAP = 3  # padding, divider, padding: what stands between two columns
NARROW_GAP = 2  # between columns when nothing more can go and the ids would have less than their shortest
_NUMERIC = ("count", "params", "age", "score", "int", "pct", "ratio", "interval", "delta", "multiple")


class Fit(NamedTuple):
    """The columns that fit a width, and how many characters ids, free text and lists may take in it."""

    columns: list[Column]
    id_width: int
    text_width: int
    list_width: int = 0  # a list (flags) wider than this wraps at its commas
    wrapped: dict[str, int] = {}  # noqa: RUF012 - a NamedTuple default, never mutated: the width of each `wrap` column
    gap: int = GAP  # spaces between two columns


def items(value: object) -> list[str]:
    """A list cell's items, as shown."""
    return [clean(v) for v in value] if isinstance(value, list | tuple) else [clean(value)]


def _empty(view: View, col: Column) -> bool:
    """Does the column say nothing in the rows shown: every value unknown, or every number zero?"""
    values = [row.get(col.key) for row in view.rows]
    return bool(values) and all(v is None or v in ("", [], ()) or (col.kind in _NUMERIC and v == 0) for v in values)


def _grow(widths: dict[str, int], target: dict[str, int], room: int) -> int:
    """Share `room` out evenly among `widths`, each up to its `target`; how much was used."""
    used = 0
    growing = [key for key in widths if widths[key] < target[key]]
    while room - used > 0 and growing:
        share = max(1, (room - used) // len(growing))
        for key in list(growing):
            add = min(share, target[key] - widths[key], room - used)
            widths[key] += add
            used += add
            if widths[key] >= target[key]:
                growing.remove(key)
    return used


def fit_columns(view: View, width: int) -> Fit:
    """Columns that fit `width`, and the widths left for model ids, free text, lists and wrapping columns."""
    columns = list(view.columns)
    widths: dict[str, int] = {}  # each column whole, one line a cell
    floors: dict[str, int] = {}  # the least a column takes while columns are dropped
    unbroken: dict[str, int] = {}  # wrapping text: as wide as its longest word (up to TEXT_WIDTH)
    usual: dict[str, int] = {}  # wrapping text: as wide as free text usually is
    for col in columns:
        texts = [format_cell(r.get(col.key), col.kind, view.now) for r in view.rows]
        need = widths[col.key] = max([cell_len(col.header), col.min_width or 0, *(cell_len(t) for t in texts)])
        floors[col.key] = min(need, TEXT_WIDTH) if col.kind == "text" else need
        if col.kind == "list":
            # a wrapped line ends `item,`: every item but a row's last needs room for its comma
            pieces = [cell_len(i) + (k < len(row) - 1) for r in view.rows for row in [items(r.get(col.key))]
                      for k, i in enumerate(row) if i]
            floors[col.key] = max([cell_len(col.header), *pieces])
        elif col.wrap and col.kind == "text":
            floors[col.key] = min(need, col.shortest or WRAP_MIN)
            words = max([cell_len(w) for t in [col.header, *texts] for w in t.split()], default=0)
            unbroken[col.key] = max(floors[col.key], min(need, words, TEXT_WIDTH))
            usual[col.key] = max(unbroken[col.key], min(need, TEXT_WIDTH))
        elif col.wrap and col.kind != "id":  # a number: its header may take several lines
            header_words = [cell_len(w) for w in col.header.split()]
            floors[col.key] = max([col.min_width or 0, *header_words, *(cell_len(t) for t in texts)])
            unbroken[col.key] = usual[col.key] = need
    empty = {c.key for c in columns if c.priority and _empty(view, c)}
    id_cols = [c for c in columns if c.kind == "id"]
    id_need = max([widths[c.key] for c in id_cols], default=0)
    id_min = min(id_need, max([c.shortest or ID_MIN for c in id_cols], default=ID_MIN))

    gap = GAP

    def spare(cols: list[Column]) -> int:
        return width - sum(floors[c.key] for c in cols if c.kind != "id") - gap * max(0, len(cols) - 1)

    def drop_one() -> None:
        columns.remove(max(columns, key=lambda c: (c.key in empty, c.priority, columns.index(c))))

    while id_cols and spare(columns) < id_min * len(id_cols) and any(c.priority for c in columns):
        drop_one()
    while not id_cols and spare(columns) < 0 and any(c.priority for c in columns):
        drop_one()
    if spare(columns) < id_min * len(id_cols):  # without ids: when the columns overflow
        gap = NARROW_GAP
    n_ids = max(1, len(id_cols))
    id_width = max(ID_FLOOR, min(id_min, spare(columns) // n_ids))
    left = max(0, spare(columns) - id_width * len(id_cols))
    lists = [c for c in columns if c.kind == "list"]
    list_width = 0
    for col in lists:
        grow = min(widths[col.key] - floors[col.key], left)
        list_width = max(list_width, floors[col.key] + grow)
        left -= grow
    wrapped = {c.key: floors[c.key] for c in columns if c.key in unbroken}
    for target in (unbroken, usual):
        left -= _grow(wrapped, target, left)
    more = min(max(0, id_need - id_width), left // n_ids) if id_cols else 0
    id_width += more
    left -= more * len(id_cols)
    left -= _grow(wrapped, widths, left)
    long_text = [c for c in columns if c.kind == "text" and c.key not in wrapped and widths[c.key] > TEXT_WIDTH]
    text_width = TEXT_WIDTH + left // max(1, len(long_text))
    return Fit(columns, id_width, text_width, list_width, wrapped, gap)
