"""One output object for every command: a `View` rendered as a Rich table, JSON, CSV or Markdown.

Commands build a `View` (columns, raw row values, metadata, notes) and call `emit`; nothing else
prints results. Tables go to stdout for people; `--format json|csv|md` go to stdout for pipes;
notices go to stderr (`Notifier`). Every string that came from the Hub or a user's file is shown
literally: control characters are removed and Rich markup is never interpreted.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, TextIO
from urllib.parse import quote

from .record import parse_time
from .units import human_age, human_count, human_params

HUB_URL = "https://huggingface.co"
# What a terminal (or an editor showing a CSV) would act on instead of showing: C0/C1 controls (ESC
# starts escape sequences; 0x9b is an 8-bit CSI), zero-width and bidi controls (which reorder what is
# shown), invisible format characters and Unicode tag characters (which hide text), and lone
# surrogates (which cannot be written as UTF-8 at all).
_INVISIBLE = (
    r"\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    r"\U000e0000-\U000e007f"
)
_CONTROL_RE = re.compile(rf"[\x00-\x1f{_INVISIBLE}]")
_JSON_UNSAFE_RE = re.compile(f"[{_INVISIBLE}]")  # json.dumps escapes \x00-\x1f itself


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


Kind = Literal["text", "id", "count", "params", "age", "score", "int", "pct", "list"]


def clean(text: Any) -> str:
    """Text safe to show in a terminal: no control, escape or bidi characters, one line."""
    value = "" if text is None else str(text)
    return _CONTROL_RE.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def hub_link(model_id: Any) -> str:
    """The model's page, percent-encoded: an id cannot end a Markdown link or a terminal hyperlink."""
    return f"{HUB_URL}/{quote(clean(model_id), safe='/')}"


def _json_escape(match: re.Match[str]) -> str:
    """`\\uXXXX` (a surrogate pair beyond the BMP): the same JSON string, inert in a terminal."""
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


@dataclass
class Column:
    """How one row key is shown. `priority` 0 is always kept; higher numbers go first when narrow."""

    key: str
    header: str
    kind: Kind = "text"
    priority: int = 0
    min_width: int | None = None

    @property
    def justify(self) -> Literal["left", "right"]:
        return "right" if self.kind in ("count", "params", "age", "score", "int", "pct") else "left"


@dataclass
class View:
    """What a command shows: the same data for the table, JSON, CSV and Markdown."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    now: datetime | None = None
    csv_keys: list[str] | None = None
    empty_message: str = "No models match."
    extra_sections: list[View] = field(default_factory=list)


def format_cell(value: Any, kind: Kind, now: datetime | None) -> str:
    """The human text of one cell (tables and Markdown)."""
    if value is None or value == "":
        return "-"
    if kind in ("count", "params") and not isinstance(value, int | float):
        return clean(value)
    if kind == "count":
        return human_count(value)
    if kind == "params":
        return human_params(value)
    if kind == "age":
        moment = parse_time(value) if isinstance(value, str) else value
        return human_age(moment, now) if now and isinstance(moment, datetime) else clean(value)
    if kind == "score":
        return human_count(round(value)) if isinstance(value, int | float) else clean(value)
    if kind == "pct":
        return f"{value:.0f}" if isinstance(value, int | float) else clean(value)
    if kind == "list":
        return clean(", ".join(map(str, value))) if isinstance(value, list | tuple) else clean(value)
    return clean(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | set):
        return list(value)
    return str(value)


def to_json(view: View) -> str:
    payload = {**view.meta, "rows": view.rows}
    for section in view.extra_sections:
        payload.update(section.meta)
    text = json.dumps(payload, indent=2, default=_json_default, ensure_ascii=False)
    # Unsafe characters can only occur inside JSON strings: escaping them keeps the value exact.
    return _JSON_UNSAFE_RE.sub(_json_escape, text)


def _csv_value(value: Any) -> Any:
    """One CSV cell: numbers as they are, text as the table shows it (one line, nothing unsafe)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return clean(";".join(str(v) for v in value))
    if isinstance(value, dict):
        return clean(json.dumps(value, default=_json_default, ensure_ascii=False))
    if isinstance(value, bool | int | float):
        return value
    return clean(value)


def to_csv(view: View) -> str:
    keys = view.csv_keys or [c.key for c in view.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in view.rows:
        writer.writerow([_csv_value(row.get(k)) for k in keys])
    return buffer.getvalue()


_MD_SPECIAL_RE = re.compile(r"([\\|<>\[\]&*_`~])")


def _md_cell(text: str) -> str:
    """Backslash-escape what Markdown would turn into markup, links or HTML (`|` ends a cell)."""
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


def to_markdown(view: View) -> str:
    lines: list[str] = []
    for part in [view, *view.extra_sections]:
        if part.title:
            lines += [f"### {_md_cell(clean(part.title))}", ""]
        if not part.rows:
            lines += [part.empty_message, ""]
        else:
            lines.append("| " + " | ".join(c.header for c in part.columns) + " |")
            lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in part.columns) + "|")
            for row in part.rows:
                cells = []
                for col in part.columns:
                    text = _md_cell(format_cell(row.get(col.key), col.kind, part.now))
                    if col.kind == "id" and row.get(col.key):
                        text = f"[{text}]({hub_link(row[col.key])})"
                    cells.append(text)
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        lines += [f"_{_md_cell(clean(n))}_" for n in part.notes]
        if part.notes:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _rich_table(view: View, width: int) -> Any:
    from rich import box
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    columns, id_width = fit_columns(view, width)
    table = Table(title=Text(clean(view.title)) if view.title else None, box=box.SIMPLE_HEAD, pad_edge=False,
                  expand=False, title_justify="left", show_edge=False)
    for col in columns:
        table.add_column(col.header, justify=col.justify, no_wrap=True, overflow="ellipsis",
                         min_width=col.min_width)
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.kind == "id" and row.get(col.key):
                link = Style(link=hub_link(row[col.key]))
                cells.append(Text(shorten_middle(text, id_width), style=link))
            elif col.kind in ("id", "list", "text"):
                cells.append(Text(shorten_middle(text, id_width if col.kind == "id" else _TEXT_WIDTH)))
            else:
                cells.append(Text(text))
        table.add_row(*cells)
    return table


_TEXT_WIDTH = 28  # a task or tag list wider than this is shortened in the middle
_ID_MIN, _ID_MAX = 24, 64
_GAP = 3  # padding, divider, padding: what Rich puts between two columns of an edgeless table


def shorten_middle(text: str, limit: int) -> str:
    """`meta-llama/Llam…-Instruct`: keep both ends of a long id, which is where ids differ."""
    if len(text) <= limit:
        return text
    keep = max(1, limit - 1)
    head = (keep + 1) // 2
    return text[:head] + "…" + text[len(text) - (keep - head):]


def fit_columns(view: View, width: int) -> tuple[list[Column], int]:
    """Columns that fit `width`, and the width left for model ids.

    Model ids get what the other columns leave (between 24 and 64 characters, shortened in the
    middle beyond that); when even 24 does not fit, the highest-priority-number columns go first.
    """
    columns = list(view.columns)
    widths: dict[str, int] = {}
    for col in columns:
        cells = [format_cell(r.get(col.key), col.kind, view.now) for r in view.rows]
        widest = max([len(col.header), *(len(c) for c in cells)])
        if col.kind in ("list", "text"):
            widest = min(widest, _TEXT_WIDTH)
        widths[col.key] = widest
    id_cols = [c for c in columns if c.kind == "id"]
    id_need = max([widths[c.key] for c in id_cols], default=0)

    def spare(cols: list[Column]) -> int:
        fixed = sum(widths[c.key] for c in cols if c.kind != "id")
        return width - fixed - _GAP * max(0, len(cols) - 1)

    while id_cols and spare(columns) < min(_ID_MIN, id_need) and any(c.priority for c in columns):
        columns.remove(max(columns, key=lambda c: (c.priority, columns.index(c))))
    while not id_cols and spare(columns) < 0 and any(c.priority for c in columns):
        columns.remove(max(columns, key=lambda c: (c.priority, columns.index(c))))
    id_width = max(_ID_MIN, min(_ID_MAX, id_need, spare(columns) // max(1, len(id_cols))))
    return columns, id_width


def make_console(stream: TextIO | None = None) -> Any:
    from rich.console import Console

    return Console(file=stream or sys.stdout, highlight=False, soft_wrap=False)


def emit(view: View, fmt: OutputFormat | str = OutputFormat.table, stream: TextIO | None = None) -> None:
    """Write a view to stdout in the chosen format."""
    fmt = OutputFormat(fmt)
    out = stream or sys.stdout
    if fmt is OutputFormat.json:
        out.write(to_json(view) + "\n")
    elif fmt is OutputFormat.csv:
        out.write(to_csv(view))
    elif fmt is OutputFormat.md:
        out.write(to_markdown(view))
    else:
        console = make_console(out)
        for part in [view, *view.extra_sections]:
            if part.rows:
                console.print(_rich_table(part, console.width))
            else:
                console.print(clean(part.empty_message), markup=False)
            for note in part.notes:
                console.print(clean(note), markup=False, style="dim")


class Notifier:
    """Notices, warnings and errors on stderr, one line each, never mixed into stdout."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream
        self.messages: list[str] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)
        if not self.quiet:
            (self.stream or sys.stderr).write(f"hubradar: {clean(message)}\n")

    def error(self, message: str) -> None:
        (self.stream or sys.stderr).write(f"hubradar: error: {clean(message)}\n")


NotifyFn = Callable[[str], None]
