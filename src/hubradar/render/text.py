"""One output object for every command: a `View` rendered as a Rich table, JSON, CSV or Markdown.

Commands build a `View` (columns, raw row values, metadata, notes) and call `emit`; nothing else
prints results. Tables go to stdout for people; `--format json|csv|md` go to stdout for pipes;
notices go to stderr (`Notifier`). Every string that came from the Hub or a user's file is shown
literally: control characters are removed and Rich markup is never interpreted.
"""

from __future__ import annotations

import io
import json
import re
import sys
from datetime import datetime
from typing import Any, TextIO
from urllib.parse import quote

from hubradar.core.errors import as_flag, wording
from hubradar.core.time import parse_time
from hubradar.core.units import human_age, human_count, human_params
from hubradar.views.view import Kind, OutputFormat, View

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
_JSON_PARAM_RE = re.compile(r"\\u001f([a-z_]+)\\u001f")


def clean(text: Any) -> str:
    """Text safe to show in a terminal: no control, escape or bidi characters, one line.

    A parameter a library message names (`core.errors.param`) is shown as the CLI's flag.
    """
    value = "" if text is None else wording(str(text), as_flag)
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
    if kind == "multiple":  # a ratio to a yardstick: 120, 12, 1.8, 0.31, <0.01
        if not isinstance(value, int | float):
            return clean(value)
        return human_count(round(value)) if value >= 100 else f"{value:.2g}" if value >= 0.01 else "<0.01"
    if kind == "delta":
        return signed_count(value) if isinstance(value, int | float) else clean(value)
    if kind == "list":
        return clean(", ".join(map(str, value))) if isinstance(value, list | tuple) else clean(value)
    if kind == "spark":
        from hubradar.render.charts import sparkline  # only history's tables draw them

        return (sparkline(value) or "-") if isinstance(value, list | tuple) else clean(value)
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
    # A parameter named in a library message (`core.errors.param`, which json.dumps escapes) is a flag here.
    text = _JSON_PARAM_RE.sub(lambda m: as_flag(m[1]), text)
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
        from hubradar.render.terminal import print_view

        print_view(view, out)
