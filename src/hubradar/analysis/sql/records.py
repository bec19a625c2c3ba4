"""Records held in Python, as a DuckDB table in `ModelRecord`'s column names (for `--group` over a listing).

Without pyarrow or pandas, a Python list reaches DuckDB value by value (~1 µs each). Each column
travels instead as one string, joined in C and split by DuckDB: a record's tags joined by NUL (as
`Lineage` reads them), records by `\\x01`, which no model id holds. A tag holding `\\x01` itself
would shift every record after it, so then the columns go as lists, the slow way.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from hubradar.analysis.sql.lineage import Connection
from hubradar.core.record import ModelRecord

_SEP = "\x01"
_JOIN = "\x00".join
# Column -> its SQL type; read with attrgetter, `None` written as `None` (TRY_CAST makes it NULL).
_NUMBERS = {"downloads": "BIGINT", "downloads_all_time": "BIGINT", "likes": "BIGINT", "trending_score": "DOUBLE",
            "safetensors_total": "BIGINT", "gguf_total": "BIGINT"}
_LISTS = ("tags", "card_base_models")
_TEXTS = ("card_base_relation", "created_at")  # None travels as ''; `created_at` as the Hub writes it


def _columns(records: Sequence[ModelRecord]) -> dict[str, list]:
    columns: dict[str, list] = {"id": list(map(attrgetter("id"), records))}
    columns.update((name, list(map(attrgetter(name), records))) for name in _NUMBERS)
    columns.update((name, list(map(attrgetter(name), records))) for name in _LISTS)
    columns.update((name, [v or "" for v in map(attrgetter(name), records)]) for name in _TEXTS)
    return columns


def load_records(con: Connection, records: Sequence[ModelRecord], table: str = "records") -> None:
    """`records` (unique ids) as the temporary table `table`, `pos` their order."""
    columns = _columns(records)
    texts = {name: _SEP.join(map(_JOIN, values)) if name in _LISTS else _SEP.join(map(str, values))
             for name, values in columns.items()}
    names = list(columns)
    joined = bool(records) and all(text.count(_SEP) == len(records) - 1 for text in texts.values())
    if joined:
        reads = {name: f"unnest(string_split(${i}, chr(1)))" for i, name in enumerate(names, start=1)}
        params: list = [texts[name] for name in names]
    else:  # no records, or a text holding the separator
        types = {name: _NUMBERS.get(name, "VARCHAR[]" if name in _LISTS else "VARCHAR") for name in names}
        reads = {name: f"unnest(${i}::{types[name]}[])" for i, name in enumerate(names, start=1)}
        params = [[list(v) for v in columns[name]] if name in _LISTS else columns[name] for name in names]
    reads["pos"] = f"unnest(range(${len(names) + 1}))"
    params.append(len(records))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_load AS SELECT "
                + ", ".join(f"{read} AS {name}" for name, read in reads.items()), params)
    lists = {name: (f"CASE WHEN {name} = '' THEN [] ELSE string_split({name}, chr(0)) END" if joined else name)
             for name in _LISTS}
    # The numbers are cast here, not around `unnest` above: a cast around each of several unnests
    # made that statement ~10x slower (6 s against 0.5 s for 100,000 records, DuckDB 2.0).
    numbers = {name: f"TRY_CAST({name} AS {sql_type})" if joined else name for name, sql_type in _NUMBERS.items()}
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT pos, id, "
                + ", ".join(f"{read} AS {name}" for name, read in numbers.items()) + ", "
                + ", ".join(f"{read} AS {name}" for name, read in lists.items())
                + "".join(f", nullif({name}, '') AS {name}" for name in _TEXTS) + f" FROM {table}_load ORDER BY pos")
    con.execute(f"DROP TABLE {table}_load")
