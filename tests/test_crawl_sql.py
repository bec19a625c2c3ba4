"""The crawl's SQL reads Hub JSON exactly as `record.from_hub_json` does, and the store's catalogue.

A snapshot is made in DuckDB from raw pages (store/hubsql.py) without a Python object per model;
these tests hold it to the one Python normalizer on real captures, on hostile rows, and on rows
hypothesis makes up; then a hub-stats-shaped Parquet dump through `hubradar import`.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubradar.core.record import BadRecord, from_hub_json
from hubradar.core.time import parse_time
from hubradar.fetch.crawl import page_body
from hubradar.store import hubsql, parquet

FIXTURES = Path(__file__).parent / "fixtures" / "hub"
COLUMNS = [name for name, _ in parquet.COLUMNS]


def python_rows(pages: list[list[Any]]) -> dict[str, dict[str, Any]]:
    """What from_hub_json makes of the pages, first occurrence kept, as snapshot rows."""
    out: dict[str, dict[str, Any]] = {}
    for row in (r for page in pages for r in page):
        try:
            record = from_hub_json(row)
        except BadRecord:
            continue
        if record.id in out:
            continue
        gated = record.gated
        out[record.id] = {
            **{c: getattr(record, c) for c in COLUMNS},
            "created_at": parse_time(record.created_at), "last_modified": parse_time(record.last_modified),
            "tags": list(record.tags), "card_base_models": list(record.card_base_models),
            "gated": str(gated).lower() if isinstance(gated, bool) else gated,
        }
    return out


def sql_rows(pages: list[list[Any]], directory: Path) -> dict[str, dict[str, Any]]:
    """What the crawl's SQL makes of the same pages, written to disk as the crawl writes them."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("page-*.json"):
        old.unlink()
    for number, page in enumerate(pages, 1):
        body, _ = page_body(json.dumps(page).encode())
        (directory / f"page-{number:06d}.json").write_bytes(body)
    con = parquet.connect()
    hubsql.install_macros(con)
    cursor = con.execute(parquet._typed(hubsql.stage(con, hubsql.pages_sql(directory, len(pages)))))
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in cursor.fetchall()}
    con.close()
    return rows


def assert_same(pages: list[list[Any]], directory: Path) -> None:
    as_sent = [json.loads(json.dumps(page)) for page in pages]  # what from_hub_json sees: the JSON, parsed
    want, got = python_rows(as_sent), sql_rows(pages, directory)
    assert got.keys() == want.keys()
    differ = [(k, c, want[k][c], got[k][c]) for k in want for c in COLUMNS if got[k][c] != want[k][c]]
    assert differ == []


def test_real_captures_read_the_same(tmp_path: Path) -> None:
    pages = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))]
    assert sum(map(len, pages)) > 2000
    assert_same(pages, tmp_path / "pages")


HOSTILE: list[Any] = [
    {"id": "a/b", "downloads": "12", "likes": -3, "trendingScore": "1.5", "tags": ["x", "x", 3, "", None, "y"],
     "gated": False},
    {"id": "a/c", "downloads": 1.9, "likes": 1e30, "trendingScore": None, "gated": "auto",
     "cardData": {"base_model": ["q/r", "", 5, "q/r"], "base_model_relation": "quantized"}},
    {"id": "a/d", "downloads": True, "downloadsAllTime": 2**63 - 1, "likes": 2**63, "cardData": {"base_model": "q/s"}},
    {"id": "", "modelId": "m/fallback", "downloads": " 42 ", "createdAt": "2026-08-05T08:22:59.000Z",
     "lastModified": "not a time"},
    {"id": 5, "modelId": "m/other"},
    {"id": "bad id with spaces"},
    "not an object",
    None,
    {"id": "solo", "author": "", "safetensors": {"total": "7000"}, "gguf": {"total": -1}, "gated": True,
     "tags": "notalist"},
    {"id": "u/çødé", "trendingScore": "inf", "downloads": 0, "author": "\ud800x"},
    {"id": "a/e", "downloads": -0.5, "trendingScore": 1e308, "createdAt": "2026-08-05", "safetensors": [],
     "cardData": "x"},
    {"id": "a/f", "author": "someone", "trendingScore": False, "cardData": {"base_model": {"x": 1}}},
    {"id": "a/g", "downloads": None, "tags": ["\ud83d\ude00", "b\udc00"]},  # a pair is a character; a lone half is not
    {"id": "a/h\n"},
]


def test_hostile_rows_read_the_same(tmp_path: Path) -> None:
    assert_same([HOSTILE, [{"id": "a/b", "downloads": 999}, {"id": "a/c"}]], tmp_path / "pages")


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-5, max_value=2**64 + 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "12", " 7 ", "-3", "1.5", "x", "2026-08-05T08:22:59.000Z", "2026-08-05", "2026-13-45",
                     "2026-08-05T08:22:59+02:00", "99999999999999999999", "nan", "auto"]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_categories=("Nd", "Zs")),
            max_size=6),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4),
                   st.dictionaries(st.sampled_from(["total", "base_model", "base_model_relation", "x"]),
                                   st.one_of(SCALARS, st.lists(SCALARS, max_size=3)), max_size=3))
FIELDS = ("author", "pipeline_tag", "library_name", "downloads", "downloadsAllTime", "likes", "trendingScore",
          "createdAt", "lastModified", "tags", "safetensors", "gguf", "cardData", "gated")
ROWS = st.fixed_dictionaries(
    {"id": st.one_of(st.sampled_from(["o/m1", "o/m2", "m3", "o/m.4-x_y", "bad/id/x", "", "ünï/x", "a/ünï"]),
                     st.integers())},
    optional={**{f: VALUES for f in FIELDS}, "modelId": st.sampled_from(["o/alt", "", "x y"])},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(ROWS, max_size=6), min_size=1, max_size=3))
def test_made_up_rows_read_the_same(tmp_path: Path, pages: list[list[dict[str, Any]]]) -> None:
    assert_same(pages, tmp_path / "made-up")


def write_hub_stats(path: Path) -> None:
    """A small dump in the hub-stats `models` layout: the API's field names, structs and JSON strings."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("""
        CREATE TABLE models (
            _id VARCHAR, id VARCHAR, author VARCHAR, gated VARCHAR, lastModified TIMESTAMP WITH TIME ZONE,
            likes BIGINT, trendingScore DOUBLE, private BOOLEAN, downloads BIGINT, downloadsAllTime BIGINT,
            tags VARCHAR[], pipeline_tag VARCHAR, library_name VARCHAR, createdAt TIMESTAMP WITH TIME ZONE,
            cardData VARCHAR,
            safetensors STRUCT(parameters STRUCT("BF16" BIGINT, "F32" BIGINT), total BIGINT),
            gguf STRUCT(total BIGINT, architecture VARCHAR, context_length BIGINT),
            baseModels STRUCT(models STRUCT(_id VARCHAR, id VARCHAR)[], relation VARCHAR)
        )""")
    con.execute("""INSERT INTO models VALUES
        ('1', 'Qwen/Qwen3-8B', 'Qwen', 'False', '2026-08-01 10:00:00+00', 900, 88.5, false, 5000000, 90000000,
         ['transformers', 'safetensors', 'text-generation', 'transformers'], 'text-generation', 'transformers',
         '2025-04-28 12:00:00+00', '{"license": "apache-2.0", "base_model": ["Qwen/Qwen3-8B-Base"]}',
         {'parameters': {'BF16': 8190735360, 'F32': NULL}, 'total': 8190735360}, NULL, NULL),
        ('2', 'unsloth/Qwen3-8B-GGUF', 'unsloth', 'auto', '2026-08-02 10:00:00+00', 120, NULL, false, 800000,
         1200000, ['gguf', 'base_model:quantized:Qwen/Qwen3-8B'], 'text-generation', 'gguf',
         '2025-04-29 12:00:00+00', NULL, NULL, {'total': 8190735360, 'architecture': 'qwen3', 'context_length': 40960},
         {'models': [{'_id': '1', 'id': 'Qwen/Qwen3-8B'}], 'relation': 'quantized'}),
        ('3', 'someone/tiny', NULL, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL,
         'not json', NULL, NULL, NULL),
        ('4', 'not a valid id', 'x', NULL, NULL, 1, NULL, false, 1, 1, [], NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    """)
    con.execute(f"COPY models TO '{path}' (FORMAT parquet)")
    con.close()


def test_a_hub_stats_dump_imports_as_a_whole_hub_snapshot(run, tmp_path: Path, _isolated: Path) -> None:
    dump = tmp_path / "models.parquet"
    write_hub_stats(dump)
    result = run("import", str(dump), "--at", "2026-08-14T19:00Z")
    assert result.code == 0, result.err
    assert "3 models" in result.err and "1 row skipped" in result.err
    [snapshot] = parquet.list_snapshots(_isolated)
    assert snapshot.name == "models-20260814T190000Z.parquet"
    assert snapshot.taken_at == datetime(2026, 8, 14, 19, tzinfo=UTC)
    assert parquet.read_metadata(snapshot.path)["source"] == "import"
    con = parquet.connect()
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in parquet.relation(con, snapshot).fetchall()}
    qwen, gguf, tiny = rows["Qwen/Qwen3-8B"], rows["unsloth/Qwen3-8B-GGUF"], rows["someone/tiny"]
    assert qwen["tags"] == ["transformers", "safetensors", "text-generation"]  # once each, in order
    assert (qwen["downloads"], qwen["downloads_all_time"], qwen["likes"]) == (5000000, 90000000, 900)
    assert qwen["safetensors_total"] == 8190735360 and qwen["gguf_total"] is None
    assert qwen["card_base_models"] == ["Qwen/Qwen3-8B-Base"] and qwen["card_base_relation"] is None
    assert qwen["created_at"] == datetime(2025, 4, 28, 12, tzinfo=UTC) and qwen["gated"] == "False"
    assert gguf["card_base_models"] == ["Qwen/Qwen3-8B"] and gguf["card_base_relation"] == "quantized"  # baseModels
    assert gguf["trending_score"] is None and gguf["gguf_total"] == 8190735360  # null: unknown, never 0
    assert tiny["author"] == "someone" and tiny["downloads"] is None and tiny["trending_score"] is None
    assert tiny["tags"] == [] and tiny["card_base_models"] == []
    assert math.isclose(qwen["trending_score"], 88.5)


def test_an_unreadable_dump_is_one_line_and_nothing_written(run, tmp_path: Path, _isolated: Path) -> None:
    bad = tmp_path / "models.parquet"
    bad.write_text("not parquet")
    result = run("import", str(bad), "--at", "2026-08-14")
    assert result.code == 2 and result.err.count("\n") == 1 and "not a Parquet file" in result.err
    no_id = tmp_path / "other.parquet"
    duckdb.connect().execute(f"COPY (SELECT 1 AS x) TO '{no_id}' (FORMAT parquet)")
    result = run("import", str(no_id), "--at", "2026-08-14")
    assert result.code == 2 and "no id column" in result.err
    assert parquet.list_snapshots(_isolated) == []


def one_row(model_id: str, downloads: int) -> str:
    """A SELECT of one snapshot row: every column, unknown ones NULL."""
    values = {"id": f"'{model_id}'", "downloads": str(downloads)}
    return "SELECT " + ", ".join(f"{values.get(name, 'NULL')} AS {name}" for name in COLUMNS)


def test_the_catalogue_lists_finds_and_ignores(tmp_path: Path) -> None:
    con = parquet.connect()
    when = [datetime(2026, 8, d, 19, tzinfo=UTC) for d in (1, 3, 5)]
    for n, moment in enumerate(when):
        parquet.write_snapshot(con, one_row(f"o/m{n}", n), taken_at=moment, source="crawl",
                               origin="test", cache_dir=tmp_path)
    directory = parquet.snapshots_dir(tmp_path)
    (directory / ".models-20260806T000000Z.123.tmp").write_text("half")  # a write that died
    (directory / "notes.txt").write_text("x")
    found = parquet.list_snapshots(tmp_path)
    assert [s.taken_at for s in found] == when
    assert parquet.latest(tmp_path) == found[-1]
    assert parquet.at(datetime(2026, 8, 4, tzinfo=UTC), tmp_path) == found[1]
    assert parquet.at(datetime(2026, 8, 3).date(), tmp_path) == found[1]  # a day: up to its end
    assert parquet.at(datetime(2026, 7, 1, tzinfo=UTC), tmp_path) is None
    both = parquet.relation_of_many(con, found[:2]).fetchall()
    assert sorted((r[0], r[-1]) for r in both) == [("o/m0", when[0]), ("o/m1", when[1])]
    assert parquet.create_view(con, "hub", found[-1]) == "hub"
    assert con.execute("SELECT id, downloads, tags FROM hub").fetchall() == [("o/m2", 2, None)]
    schema = con.execute("DESCRIBE hub").fetchall()
    assert [(r[0], r[1]) for r in schema] == [(n, "TIMESTAMP WITH TIME ZONE" if t == "TIMESTAMPTZ" else t)
                                              for n, t in parquet.COLUMNS]


def test_a_failed_write_leaves_no_snapshot_and_no_temporary(tmp_path: Path) -> None:
    con = parquet.connect()
    broken = one_row("o/m", 1).replace("1 AS downloads", "'x'::INTEGER AS downloads")  # fails mid-write
    with pytest.raises(duckdb.Error):
        parquet.write_snapshot(con, broken, taken_at=datetime.now(UTC),
                               source="crawl", origin="test", cache_dir=tmp_path)
    assert list(parquet.snapshots_dir(tmp_path).iterdir()) == []
