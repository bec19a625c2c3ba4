"""Reading a team's pass-rate CSV as people actually write it.

A score sheet has a model column and a score column (found by name, or named with `model_col` /
`score_col`; a leaderboard export names it after its benchmark, so failing those it is the one
column of numbers that is not a known non-score), optionally a count of tasks (`n`) and a cost.
Scores may be fractions (0.85), points out of 100 (85) or percentages (`85%`); the scale is decided
once per column and stated, never guessed row by row. UTF-8 with or without a BOM, comma, semicolon or
tab separated, quoted fields, blank lines and decimal commas (`0,85`) are all read.

Everything that cannot be read is a `UsageError` naming the file, the line and the column, so a
user can go straight to the cell: hubradar never silently drops or reinterprets a row.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hubradar.core.errors import UsageError, param

# Header names recognised without an option, in order of preference (compared after `header_key`).
MODEL_HEADERS = ("model", "model_id", "id", "name", "model_name", "repo_id", "hf_id")
SCORE_HEADERS = ("pass_rate", "pass@1", "score", "accuracy", "passrate", "pass_at_1", "acc")
N_HEADERS = ("n", "tasks", "samples", "n_tasks", "num_tasks", "n_samples", "num_samples")
COST_HEADERS = ("cost", "cost_usd", "usd", "price", "cost_per_run")
# Words of a header (`header_key` split at `_`) that say a column of numbers is not a score, when
# the score column is recognised by holding numbers (a leaderboard export names it after the benchmark).
NOT_SCORE_WORDS = frozenset({"params", "parameters", "param", "size", "n", "tasks", "samples", "cost", "usd",
                             "price", "downloads", "likes", "rank"})

_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}([,_]\d{3})+$")  # 1,000 tasks, not 1.000
_DELIMITERS = (",", ";", "\t")
_CURRENCY = "$€£"


def header_key(text: str) -> str:
    """`Pass rate` -> `pass_rate`, `Cost (USD)` -> `cost_usd`, `Pass@1` -> `pass@1`."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return re.sub(r"[^\w@]+", "", key).strip("_")


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One measured model: `score` is a fraction 0–1 whatever scale the file used."""

    line: int
    model: str
    score: float
    raw_score: str
    n: int | None = None
    cost: float | None = None


@dataclass
class ScoreSheet:
    """A read score file: its rows and how each column was understood."""

    path: Path
    rows: list[ScoreRow]
    headers: list[str]
    model_col: str
    score_col: str
    n_col: str | None
    cost_col: str | None
    scale: str  # "0-1" | "0-100" | "percent"
    scale_reason: str
    delimiter: str
    repeats: list[tuple[int, int]] = field(default_factory=list)  # (line, line it repeats), same score
    score_by: str = ""  # how the score column was recognised, when not by its name

    def column_index(self, header: str) -> int:
        """1-based column number of a header (for messages)."""
        return self.headers.index(header) + 1

    def describe(self) -> str:
        """The one line that says how the file was read."""
        parts = [f"model column {self.model_col!r}",
                 f"score column {self.score_col!r}{self.score_by} read as {self.scale_reason}"]
        if self.n_col:
            parts.append(f"tasks column {self.n_col!r}")
        if self.cost_col:
            parts.append(f"cost column {self.cost_col!r}")
        sep = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        rows = f"{len(self.rows)} row" + ("" if len(self.rows) == 1 else "s")
        return f"read {rows} from {self.path.name} ({sep}-separated): " + ", ".join(parts)


class _Where:
    """Builds the `file, line L, column C (header)` prefix of every message."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self.path = path
        self.headers = headers

    def __call__(self, line: int | None = None, column: int | None = None) -> str:
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column + 1} ({self.headers[column]})"
        return where


def _sniff_delimiter(header_line: str) -> str:
    """The separator that splits the header into the most fields (comma on a tie)."""
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        if len(fields) > best_count:
            best, best_count = delimiter, len(fields)
    return best


def _find_column(headers: list[str], known: Sequence[str], wanted: str | None = None, option: str = "",
                 where: str = "") -> int | None:
    """Index of the column named by the option, else the first recognised header; None if absent."""
    keys = [header_key(h) for h in headers]
    if wanted is not None:
        for index, header in enumerate(headers):
            if header == wanted.strip() or keys[index] == header_key(wanted):
                return index
        raise UsageError(f"{where}: {option} {wanted!r} is not a column; headers found: {_list(headers)}")
    for name in known:
        if name in keys:
            return keys.index(name)
    return None


def _list(headers: Sequence[str]) -> str:
    return ", ".join(repr(h) if h.strip() != h or not h else h for h in headers)


def parse_number(text: str) -> float | None:
    """`0.85`, `85`, `0,85` (decimal comma), `1e-2`; None when it is not a finite number."""
    text = text.strip().replace("\u2212", "-")
    if not _NUMBER_RE.match(text):
        return None
    if "," in text:
        text = text.replace(",", ".")
    value = float(text)
    return value if math.isfinite(value) else None


@dataclass
class _Cell:
    line: int
    text: str


def _decide_scale(cells: list[_Cell], column: int, where: _Where) -> tuple[list[float], str, str]:
    """Turn score cells into fractions, deciding the column's scale once.

    `85%` is always a percentage. Plain numbers are fractions when every one of them is between 0
    and 1, and points out of 100 as soon as one is above 1. Anything below 0, above 100 (or 100%)
    is out of range.
    """
    parsed: list[tuple[float, bool]] = []
    for cell in cells:
        text = cell.text.strip()
        if not text:
            raise UsageError(f"{where(cell.line, column)}: no score")
        percent = text.endswith("%")
        value = parse_number(text.removesuffix("%"))
        if value is None:
            raise UsageError(f"{where(cell.line, column)}: {text!r} is not a number")
        if value < 0 or value > 100:
            raise UsageError(f"{where(cell.line, column)}: {text} is out of range (scores are 0–1, 0–100 or 0–100%)")
        parsed.append((value, percent))
    plain = [(v, c) for (v, pct), c in zip(parsed, cells, strict=True) if not pct]
    above_one = next((c for v, c in plain if v > 1), None)
    if above_one is not None:
        scale, plain_reason = "0-100", f"0–100 (a value above 1 on line {above_one.line})"
    else:
        scale, plain_reason = "0-1", "fractions 0–1 (every value is between 0 and 1)"
    if len(plain) < len(parsed):
        if not plain:
            scale, reason = "percent", "percentages (values end in %)"
        else:
            reason = f"percentages where marked with %, other values as {plain_reason}"
    else:
        reason = plain_reason
    divisor_plain = 100.0 if scale in ("0-100", "percent") else 1.0
    fractions = [v / 100.0 if pct else v / divisor_plain for v, pct in parsed]
    return fractions, scale, reason


def _count(cell: _Cell, column: int, where: _Where) -> int | None:
    text = cell.text.strip()
    if not text:
        return None
    value = parse_number(text.replace(",", "").replace("_", "")) if _THOUSANDS_RE.match(text) else parse_number(text)
    if value is None or not float(value).is_integer() or value < 1:
        raise UsageError(f"{where(cell.line, column)}: {text!r} is not a count of tasks (a whole number ≥ 1)")
    return int(value)


def _cost(cell: _Cell, column: int, where: _Where) -> float | None:
    text = cell.text.strip().strip(_CURRENCY).strip()
    if text.upper().endswith("USD"):
        text = text[:-3].strip()
    if not text:
        return None
    value = parse_number(text)
    if value is None or value < 0:
        raise UsageError(f"{where(cell.line, column)}: {cell.text.strip()!r} is not a cost (a number ≥ 0)")
    return value


def model_key(name: str) -> str:
    """How two rows are recognised as the same model: case, spaces and `org--name` ignored."""
    key = name.strip().lower()
    if "/" not in key and "--" in key:
        key = key.removeprefix("models--").replace("--", "/", 1)
    return key


def parse_scores(text: str, path: Path, *, model_col: str | None = None, score_col: str | None = None
                 ) -> ScoreSheet:
    """Parse a score CSV's text, or raise `UsageError` naming the file (`path`), line and column of the problem.

    `app.gaps.read_scores` reads the file; `path` is only named in messages and the sheet.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise UsageError(f"{path}, line 1: the file is empty")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip())
    delimiter = _sniff_delimiter(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header_line = 0
    headers: list[str] = []
    for fields in reader:
        if any(f.strip() for f in fields):
            headers = [f.strip() for f in fields]
            header_line = reader.line_num
            break
    where = _Where(path, headers)
    model_i = _find_column(headers, MODEL_HEADERS, model_col, param("model_col"), where(header_line))
    if model_i is None:
        raise UsageError(f"{where(header_line)}: no model column; headers found: {_list(headers)} "
                         f"(name the model column with {param('model_col')})")
    score_i = _find_column(headers, SCORE_HEADERS, score_col, param("score_col"), where(header_line))
    if model_i == score_i:
        raise UsageError(f"{where(header_line, score_i)}: the model and score columns are the same column")
    n_i = _find_column(headers, N_HEADERS)
    cost_i = _find_column(headers, COST_HEADERS)

    records: list[tuple[int, list[str]]] = []
    previous_end = reader.line_num
    for fields in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue  # a blank line, or a row of empty cells
        records.append((start, fields + [""] * (len(headers) - len(fields))))
    score_by = ""
    if score_i is None and records:
        score_i = _numeric_column(headers, records, {model_i, n_i, cost_i}, where(header_line))
        score_by = " (taken as the score: the only column of numbers)"
    if score_i is None:
        raise UsageError(f"{where(header_line)}: no score column; headers found: {_list(headers)} "
                         f"(name the score column with {param('score_col')})")
    if not records:
        raise UsageError(f"{where(header_line)}: a header but no rows")

    def cell(line: int, fields: list[str], index: int) -> _Cell:
        return _Cell(line, fields[index])

    for line, fields in records:
        if not fields[model_i].strip():
            raise UsageError(f"{where(line, model_i)}: no model name")
    fractions, scale, reason = _decide_scale([cell(ln, f, score_i) for ln, f in records], score_i, where)

    rows: list[ScoreRow] = []
    seen: dict[str, ScoreRow] = {}
    repeats: list[tuple[int, int]] = []
    for (line, fields), fraction in zip(records, fractions, strict=True):
        model = fields[model_i].strip()
        row = ScoreRow(
            line=line,
            model=model,
            score=fraction,
            raw_score=fields[score_i].strip(),
            n=_count(cell(line, fields, n_i), n_i, where) if n_i is not None else None,
            cost=_cost(cell(line, fields, cost_i), cost_i, where) if cost_i is not None else None,
        )
        earlier = seen.get(model_key(model))
        if earlier is not None:
            if not math.isclose(earlier.score, row.score, abs_tol=1e-12):
                raise UsageError(
                    f"{where(line, score_i)}: {model} again, scored {earlier.raw_score} on line {earlier.line} "
                    f"and {row.raw_score} here; keep one row per model"
                )
            repeats.append((line, earlier.line))
            continue
        seen[model_key(model)] = row
        rows.append(row)
    return ScoreSheet(
        path=path,
        rows=rows,
        headers=headers,
        model_col=headers[model_i],
        score_col=headers[score_i],
        n_col=headers[n_i] if n_i is not None else None,
        cost_col=headers[cost_i] if cost_i is not None else None,
        scale=scale,
        scale_reason=reason,
        delimiter=delimiter,
        repeats=repeats,
        score_by=score_by,
    )


def _holds_numbers(records: list[tuple[int, list[str]]], index: int) -> bool:
    """Every filled cell of the column is a number (a score may end in %), and one cell at least is filled."""
    texts = [fields[index].strip() for _, fields in records if index < len(fields)]
    filled = [t for t in texts if t]
    return bool(filled) and all(parse_number(t.removesuffix("%")) is not None for t in filled)


def _numeric_column(headers: list[str], records: list[tuple[int, list[str]]], taken: set[int | None],
                    where: str) -> int | None:
    """The score column of a sheet that names it after its benchmark (`model,MMLU-PRO`): the one column
    of numbers that is not the model, a count, a cost or another known non-score. None when there is
    none; with several, a `UsageError` naming them."""
    found = [i for i in range(len(headers)) if i not in taken and _holds_numbers(records, i)
             and not NOT_SCORE_WORDS & set(header_key(headers[i]).split("_"))]
    if len(found) > 1:
        raise UsageError(f"{where}: no score column; {len(found)} columns hold numbers: "
                         f"{_list([headers[i] for i in found])} (name the score column with {param('score_col')})")
    return found[0] if found else None
