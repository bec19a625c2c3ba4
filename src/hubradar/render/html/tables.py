"""Views as sortable HTML tables (and their Markdown twins): the page's way of showing rows.

The same `View` the terminal shows becomes a table whose cells carry their raw values for the
sorting script, whose numbers align, and whose optional columns give way on narrow screens by
their `priority`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from hubradar.core.time import parse_time
from hubradar.render.html.page import esc, model_link
from hubradar.render.text import format_cell, to_markdown
from hubradar.views.view import Column, View

_NUMERIC = frozenset({"count", "params", "age", "score", "int", "pct", "ratio", "delta"})
LONG_TEXT = 24  # a text column with a longer value wraps instead of widening its table past the page


def _sort_key(value: object, kind: str, now: datetime | None) -> str:
    """What the sorting script compares: raw numbers (age in seconds), or the shown text."""
    if value is None or value == "":
        return ""
    if kind == "age":
        moment = parse_time(value) if isinstance(value, str) else value
        if not isinstance(moment, datetime) or now is None:
            return ""
        return str(int((now - moment).total_seconds()))
    if kind in _NUMERIC:
        return str(value) if isinstance(value, int | float) else ""
    if isinstance(value, list | tuple):
        return esc(" ".join(map(str, value)))
    return esc(value)


def _classes(col: Column, long: bool = False) -> str:
    names = ["num" if col.justify == "right" else "", col.kind if col.kind in ("id", "text", "list") else "",
             f"p{col.priority}" if col.priority else "", "long" if long else ""]
    joined = " ".join(n for n in names if n)
    return f' class="{joined}"' if joined else ""


def _cell(col: Column, value: object, now: datetime | None, pill_titles: Mapping[str, str],
          markup: str | None = None, classes: str = "") -> str:
    if markup is not None:  # built (and escaped) by the caller: a sparkline
        content = markup
    elif value is None or value == "" or value == [] or value == ():
        content = '<span class="na" title="unknown">–</span>' if col.kind != "list" else ""
    elif col.kind == "id":
        content = model_link(str(value))
    elif col.kind == "list" and isinstance(value, list | tuple):
        content = "".join(f'<span class="pill" title="{esc(pill_titles.get(str(v), ""))}">{esc(v)}</span>'
                          for v in value)
    else:
        content = esc(format_cell(value, col.kind, now))
        if col.kind in ("count", "int", "params") and isinstance(value, int):
            content = f'<span title="{value:,}">{content}</span>'
    return f'<td{classes} data-sort="{_sort_key(value, col.kind, now)}">{content}</td>'


def table_html(view: View, *, sorted_by: str | None = None, label: str | None = None,
               pill_titles: Mapping[str, str] | None = None,
               markup: Mapping[str, Callable[[Mapping[str, object]], str]] | None = None) -> str:
    """A `View` (the rows the terminal shows) as a sortable HTML table.

    Numbers are right-aligned with tabular figures and carry their raw value for sorting;
    columns with a higher `priority` number are hidden first on narrow screens. `markup` draws
    a column's cells itself (already escaped HTML, such as a sparkline); it still sorts by the value.
    """
    drawn = markup or {}
    if not view.rows:
        return f'<p class="empty">{esc(view.empty_message)}</p>'
    titles = pill_titles or {}
    sort_attr = ' aria-sort="descending"'
    classes = {c.key: _classes(c, c.kind == "text" and any(len(str(row.get(c.key) or "")) > LONG_TEXT
                                                            for row in view.rows))
               for c in view.columns}
    head = "".join(
        f'<th scope="col"{classes[c.key]}{sort_attr if c.key == sorted_by else ""}>{esc(c.header)}</th>'
        for c in view.columns
    )
    rows = "\n".join(
        "<tr>" + "".join(_cell(c, row.get(c.key), view.now, titles, drawn[c.key](row) if c.key in drawn else None,
                               classes[c.key]) for c in view.columns) + "</tr>"
        for row in view.rows
    )
    aria = f' aria-label="{esc(label)}"' if label else ""
    return (f'<div class="table-wrap"><table class="sortable"{aria}>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{rows}\n</tbody>\n</table></div>")


def table_markdown(view: View) -> str:
    """The same rows as a Markdown table (the terminal's own Markdown, without its title)."""
    return to_markdown(replace(view, title=None, notes=[], extra_sections=[]))
