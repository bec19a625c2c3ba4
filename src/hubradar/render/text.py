"""One output object for every command: a `View` rendered as a Rich table, JSON, CSV or Markdown.

Commands build a `View` (columns, raw row values, metadata, notes) and call `emit`; nothing else
prints results. Tables go to stdout for people; `--format json|csv|md` go to stdout for pipes;
notices go to stderr (`Notifier`). Every string that came from the Hub or a user's file is shown
literally: control characters are removed and Rich markup is never interpreted.
"""

from __future__ import annotations

import bisect
import io
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, NamedTuple, TextIO
from urllib.parse import quote

from hubradar.core.record import parse_time
from hubradar.core.units import human_age, human_count, human_params

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


Kind = Literal["text", "id", "count", "params", "age", "score", "int", "pct", "list", "ratio", "interval", "delta"]


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
    styles: dict[str, str] = field(default_factory=dict)  # cell text -> Rich style, to call out values

    @property
    def justify(self) -> Literal["left", "right"]:
        numeric = ("count", "params", "age", "score", "int", "pct", "ratio", "interval", "delta")
        return "right" if self.kind in numeric else "left"


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
    # Notes that explain one column (a legend): in a table, shown only when that column fits.
    column_notes: dict[str, str] = field(default_factory=dict)

    @property
    def all_notes(self) -> list[str]:
        return [*self.notes, *self.column_notes.values()]


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
    if kind == "ratio":  # a fraction 0–1 shown as a percentage
        return f"{value * 100:.1f}%" if isinstance(value, int | float) else clean(value)
    if kind == "interval":  # [low, high] fractions
        if isinstance(value, list | tuple) and len(value) == 2:
            return f"{value[0] * 100:.0f}–{value[1] * 100:.0f}%"
        return clean(value)
    if kind == "delta":
        return signed_count(value) if isinstance(value, int | float) else clean(value)
    if kind == "list":
        return clean(", ".join(map(str, value))) if isinstance(value, list | tuple) else clean(value)
    return clean(value)


def signed_count(value: float) -> str:
    """A change as people read it: +1.2K, -340, 0 (a change of 0 has no sign)."""
    rounded = round(value)
    if rounded == 0:
        return "0"
    return ("+" if rounded > 0 else "-") + human_count(abs(rounded))


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
    import csv

    keys = view.csv_keys or [c.key for c in view.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in view.rows:
        writer.writerow([_csv_value(row.get(k)) for k in keys])
    return buffer.getvalue()


_MD_SPECIAL_RE = re.compile(r"([\\|\[\]*_`~])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written: markup, links and cell breaks (`|`) backslash-escaped, and
    `<`/`>` as entities, since wikis that render raw HTML do not all honour a backslash before a tag."""
    return _MD_SPECIAL_RE.sub(r"\\\1", text).replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(view: View) -> str:
    lines: list[str] = []
    for part in [view, *view.extra_sections]:
        if part.title:
            lines += [f"### {md_escape(clean(part.title))}", ""]
        if not part.rows:
            lines += [part.empty_message, ""]
        else:
            lines.append("| " + " | ".join(c.header for c in part.columns) + " |")
            lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in part.columns) + "|")
            for row in part.rows:
                cells = []
                for col in part.columns:
                    text = md_escape(format_cell(row.get(col.key), col.kind, part.now))
                    if col.kind == "id" and row.get(col.key):
                        text = f"[{text}]({hub_link(row[col.key])})"
                    cells.append(text)
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        lines += [f"_{md_escape(clean(n))}_" for n in part.all_notes]
        if part.all_notes:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _rich_table(view: View, width: int) -> tuple[Any, set[str]]:
    """The Rich table of a view at `width`, and the keys of the columns that fit."""
    from rich import box
    from rich.cells import cell_len
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    columns, id_width, text_width = fit_columns(view, width)
    short_ids = {c.key: shorten_ids((format_cell(r.get(c.key), c.kind, view.now) for r in view.rows), id_width)
                 for c in columns if c.kind == "id"}
    table = Table(title=Text(clean(view.title)) if view.title else None, box=box.SIMPLE_HEAD, pad_edge=False,
                  expand=False, title_justify="left", show_edge=False)
    for col in columns:
        table.add_column(col.header, justify=col.justify, no_wrap=True, overflow="ellipsis",
                         min_width=col.min_width)
    widths = [cell_len(col.header) for col in columns]
    for row in view.rows:
        cells = []
        for col in columns:
            text = format_cell(row.get(col.key), col.kind, view.now)
            if col.kind == "id" and row.get(col.key):
                link = Style(link=hub_link(row[col.key]))
                cells.append(Text(short_ids[col.key][text], style=link))
            elif col.kind in ("id", "list", "text"):
                width = id_width if col.kind == "id" else text_width
                cells.append(Text(shorten_middle(text, width), style=col.styles.get(text, "")))
            else:
                cells.append(Text(text))
        table.add_row(*cells)
        widths = [max(w, cell.cell_len) for w, cell in zip(widths, cells, strict=True)]
    for column, cell_width in zip(table.columns, widths, strict=True):
        column.width = max(cell_width, column.min_width or 0)  # measured once: Rich need not measure each cell
    return table, {c.key for c in columns}


_TEXT_WIDTH = 28  # a task or tag list wider than this is shortened in the middle, unless there is room
_ID_MIN = 24  # below this, columns are dropped (highest priority number first) to give ids room
_ID_FLOOR = 12  # when nothing more can be dropped, ids shrink to this rather than squeeze the numbers
_GAP = 3  # padding, divider, padding: what Rich puts between two columns of an edgeless table
_FREE_TEXT = ("text", "list")


def shorten_middle(text: str, limit: int) -> str:
    """`meta-llama/Llam…-Instruct`: keep both ends of a long id, which is where ids differ."""
    if len(text) <= limit:
        return text
    keep = max(1, limit - 1)
    head = (keep + 1) // 2
    return text[:head] + "…" + text[len(text) - (keep - head):]


def _cut(text: str, limit: int, head: int) -> str:
    """`text` in `limit` characters: its first `head`, an ellipsis, and as much of its end as fits."""
    return text if len(text) <= limit else text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def _window(text: str, limit: int, start: int) -> str:
    """`org/…where it differs…end`: the owner, the text from `start` on, and a short end."""
    slash = text.find("/") + 1
    head = min(start, slash if 0 < slash <= limit // 2 else limit // 3)
    if head + 1 + len(text) - start <= limit:
        return text[:head] + "…" + text[start:]
    tail = min(4, limit - head - 4)
    if tail < 1:
        return shorten_middle(text, limit)
    return text[:head] + "…" + text[start:start + limit - head - tail - 2] + "…" + text[len(text) - tail:]


def _common_start(texts: list[str]) -> int:
    """How many leading characters all of `texts` share."""
    first, last = min(texts), max(texts)
    pairs = zip(first, last, strict=False)  # up to the shorter one
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(first), len(last)))


def shorten_ids(ids: Iterable[str], limit: int) -> dict[str, str]:
    """Each id shortened in the middle to `limit`, changing the cut where two would otherwise look alike.

    `HauhauCS/Qwen3.5-9B-…-Aggressive` and `HauhauCS/Qwen3.5-35B-A3B-…-Aggressive` share both ends:
    for such a group the cut moves (as little as possible) until the part where they differ shows,
    or, when the shared start is longer than the room, the ids show `org/…where they differ…end`.
    """
    shown = {i: shorten_middle(i, limit) for i in dict.fromkeys(ids)}
    groups: dict[str, list[str]] = {}
    for full, short in shown.items():
        groups.setdefault(short, []).append(full)
    default = limit // 2
    heads = sorted(range(1, max(1, limit - 1)), key=lambda h: abs(h - default))
    taken = set(groups)  # what every id shows now
    for short, members in groups.items():
        if len(members) < 2:
            continue
        taken.discard(short)
        start = _common_start(members)
        trials = ({m: _cut(m, limit, head) for m in members} for head in heads)
        for trial in itertools.chain(trials, [{m: _window(m, limit, start) for m in members}]):
            values = set(trial.values())
            if len(values) == len(members) and not values & taken:
                shown.update(trial)
                taken |= values
                break
        else:
            taken.add(short)
    return _unambiguous(shown, limit, heads, taken)


def _stands_for_other(short: str, full: str, ordered: list[str]) -> bool:
    """Could `short` be read as another id of the table (`Qwen/Qwen2.5…14B-Instruct` is both
    `Qwen/Qwen2.5-14B-Instruct` and `Qwen/Qwen2.5-Coder-14B-Instruct`)?"""
    if "…" not in short:
        return False
    parts = short.split("…")
    at = bisect.bisect_left(ordered, parts[0])
    while at < len(ordered) and ordered[at].startswith(parts[0]):
        other = ordered[at]
        if other != full and _fits(other, parts):
            return True
        at += 1
    return False


def _fits(text: str, parts: list[str]) -> bool:
    """Does `text` read as `parts` joined by `…`, each `…` standing for at least one character?

    (The regex `part.+part.+part`, without compiling one per shortened id: the leftmost place for
    each middle part leaves the most room for the rest.)
    """
    first, last = parts[0], parts[-1]
    if not (text.startswith(first) and text.endswith(last)):
        return False
    end = len(text) - len(last)  # the last part starts here
    position = len(first)
    for part in parts[1:-1]:
        found = text.find(part, position + 1)
        if found < 0:
            return False
        position = found + len(part)
    return end >= position + 1


def _unambiguous(shown: dict[str, str], limit: int, heads: list[int], taken: set[str]) -> dict[str, str]:
    """Move the cut of any shortened id that another id of the table also fits."""
    ordered = sorted(shown)
    for full, short in shown.items():
        if not _stands_for_other(short, full, ordered):
            continue
        for head in heads:
            trial = _cut(full, limit, head)
            if trial not in taken and not _stands_for_other(trial, full, ordered):
                taken.discard(short)
                taken.add(trial)
                shown[full] = trial
                break
    return shown


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
