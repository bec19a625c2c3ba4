"""The lineage in DuckDB SQL gives the links, cuts and roots of `Lineage`, on any records.

Generated records mix every path of the rule: relation tags (at a tag's start or inside one,
naming the model itself, in another case, unlisted, malformed), plain tags, cardData bases with
relations in any case, names with strong and weak markers, shared names across orgs and case,
re-uploader mirrors, one org's re-uploads of an unlisted stem, metadata cycles and ties; and repos
sharing one name, where the original is told from its copies (series org, declared base, first created).
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import hub_models, lineage_models
from hubradar.analysis.lineage import Lineage, Link
from hubradar.analysis.sql.lineage import build_lineage
from hubradar.analysis.sql.records import load_records
from hubradar.core.record import ModelRecord, records_from_hub_json

CREATED = [None, None, "2026-07-28T10:45:18.000Z", "2026-07-28T11:45:18+01:00", "2026-07-30T22:36:12.000Z",
           "2025-01-01T00:00:00Z", "not a date"]
ORGS = ["based", "lab", "Lab", "q", "unsloth", "Unsloth", "bartowski", "mlx-community", "x", "öko", ""]
NAMES = ["M", "m", "M-7B", "M-GGUF", "m-gguf", "M-7B-AWQ", "M-7B-GGUF", "M-FP8-dynamic", "M-Dynamic", "Base",
         "Base-GGUF", "Base-Q4_K_M", "X-4bit", "X-4bit-mlx", "GGUF", "M.gguf", "M-\u212a-GGUF", "Mı-GGUF", "M_ſ",
         "Fox-qat", "Y-w4a16-ct", "M-i1-GGUF", "Z-3.5bpw", "M-onnx-Q", "M-litert-lm", "M_comfy", "M-q4f16_1-MLC",
         "M-UD-MLX-4bit", "M-Q", "Base_ComfyUI_repackaged"]
IDS = [f"{org}/{name}" if org else name for org in ORGS for name in NAMES]
PARENTS = [*IDS[:40], "LAB/m", "Q/M-7B", "lab/Unlisted", "a/b/c", "bad id", "lab/M\n", "ö/ö"]
RELATIONS = ["quantized", "finetune", "adapter", "merge", "mirror", "Quantized", ""]

tags = st.one_of(
    st.builds("base_model:{}:{}".format, st.sampled_from(RELATIONS), st.sampled_from(PARENTS)),
    st.builds("base_model:{}".format, st.sampled_from(PARENTS)),
    st.builds("x-base_model:quantized:{}".format, st.sampled_from(PARENTS)),
    st.sampled_from(["en", "gguf", "base_model", "license:mit", "base_model:quantized:lab/M base_model:merge:q/M"]),
)
records = st.lists(
    st.builds(
        lambda model_id, tags, cards, relation, downloads, weights, created: ModelRecord(
            id=model_id, downloads=downloads, tags=tuple(tags), card_base_models=tuple(cards),
            card_base_relation=relation, safetensors_total=weights, created_at=created),
        st.sampled_from(IDS), st.lists(tags, max_size=3),
        st.lists(st.sampled_from(PARENTS), max_size=2) | st.just([]),
        st.sampled_from([None, "quantized", "Finetune", "other", "MERGE"]),
        st.sampled_from([None, 0, 5, 50, 50]), st.sampled_from([None, 100]), st.sampled_from(CREATED)),
    max_size=14, unique_by=lambda r: r.id)


# Repos sharing a name, where the original is told from a copy (`original_evidence`): the org of the
# series (`MiniMaxAI`, `minimax`), a base others declare, the first created (one moment written two
# ways, one date unreadable), a repackager on the list (`Comfy-Org`) and orgs off it.
SERIES_ORGS = ["MiniMaxAI", "minimax", "Comfy-Org", "repack", "unsloth", "lab", "mi"]
SERIES_NAMES = ["MiniMax-H3", "minimax-h3", "MiniMax-H3-GGUF", "MiniMax-H3_comfy", "MiniMax-H3-onnx-Q",
                "MiniMax-H3-litert-lm", "Mi", "MI"]
SERIES_IDS = [f"{org}/{name}" for org in SERIES_ORGS for name in SERIES_NAMES]
series_records = st.lists(
    st.builds(
        lambda model_id, tags, created, downloads: ModelRecord(id=model_id, downloads=downloads, tags=tuple(tags),
                                                               created_at=created),
        st.sampled_from(SERIES_IDS),
        st.lists(st.builds("base_model:{}:{}".format, st.sampled_from(["quantized", "finetune"]),
                           st.sampled_from(SERIES_IDS)) | st.builds("base_model:{}".format,
                                                                    st.sampled_from(SERIES_IDS)), max_size=1)
        | st.just([]),
        st.sampled_from(CREATED), st.sampled_from([None, 5, 50, 23_100_000])),
    max_size=12, unique_by=lambda r: r.id)


@pytest.fixture(scope="module")
def con() -> Iterator[object]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_lineage(con: object, rows: list[ModelRecord], names: bool = True) -> tuple[dict, dict, dict]:
    load_records(con, rows)
    build_lineage(con, "records", names=names)
    links = {c: Link(p, r, i) for c, p, r, i in con.execute("SELECT * FROM lin_links").fetchall()}  # type: ignore[attr-defined]
    broken = {c: Link(p, r, i) for c, p, r, i in con.execute("SELECT * FROM lin_broken").fetchall()}  # type: ignore[attr-defined]
    roots = {i: row for i, *row in con.execute("SELECT * FROM lin_roots").fetchall()}  # type: ignore[attr-defined]
    return links, broken, roots


def assert_same(con: object, rows: list[ModelRecord], names: bool = True) -> None:
    expected = Lineage(rows, names=names)
    links, broken, roots = sql_lineage(con, rows, names)
    assert links == expected.links
    assert broken == dict(expected.broken)
    assert roots == {i: [expected.family_root(i), expected.ecosystem_root(i), expected.inferred_path(i),
                         expected.inferred_path(i, same_weights=False)] for i in expected.records}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records)
def test_sql_lineage_is_python_lineage(con: object, rows: list[ModelRecord]) -> None:
    assert_same(con, rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(series_records)
def test_sql_lineage_tells_the_original_as_python_does(con: object, rows: list[ModelRecord]) -> None:
    assert_same(con, rows)


def test_a_repackager_and_a_copy_off_the_list_are_mirrors_in_sql_too(con: object) -> None:
    rows = [ModelRecord("Comfy-Org/MiniMax-H3", downloads=23_100_000, created_at="2026-07-30T22:36:12.000Z"),
            ModelRecord("MiniMaxAI/MiniMax-H3", downloads=3_500_000, created_at="2026-07-28T10:45:18.000Z"),
            ModelRecord("repack/MiniMax-H3", downloads=9_000_000),
            ModelRecord("unsloth/MiniMax-H3-GGUF", downloads=200_000),
            ModelRecord("Qdrant/bge-small-en-v1.5-onnx-Q"), ModelRecord("BAAI/bge-small-en-v1.5")]
    assert_same(con, rows)
    links = sql_lineage(con, rows)[0]
    assert {child: link.parent for child, link in links.items()} == {
        "Comfy-Org/MiniMax-H3": "MiniMaxAI/MiniMax-H3", "repack/MiniMax-H3": "MiniMaxAI/MiniMax-H3",
        "unsloth/MiniMax-H3-GGUF": "MiniMaxAI/MiniMax-H3", "Qdrant/bge-small-en-v1.5-onnx-Q": "BAAI/bge-small-en-v1.5"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records)
def test_sql_lineage_without_names_is_the_metadata_alone(con: object, rows: list[ModelRecord]) -> None:
    assert_same(con, rows, names=False)


def test_cycles_are_cut_as_python_cuts_them(con: object) -> None:
    rows = [ModelRecord("a/A", downloads=5, tags=("base_model:finetune:b/B",)),
            ModelRecord("b/B", downloads=9, tags=("base_model:quantized:c/C",)),
            ModelRecord("c/C", downloads=9, safetensors_total=7, tags=("base_model:merge:a/A",)),
            ModelRecord("d/D-GGUF", downloads=1, tags=("base_model:quantized:a/A",)),
            ModelRecord("unsloth/E"), ModelRecord("bartowski/E")]
    assert_same(con, rows)
    _, broken, roots = sql_lineage(con, rows)
    assert set(broken) == {"c/C", "bartowski/E"}  # the most downloaded stating its weights; the inferred mirror
    assert roots["d/D-GGUF"][:2] == ["a/A", "c/C"]


def test_the_capture_gives_the_same_lineage(con: object) -> None:
    rows, _ = records_from_hub_json(hub_models() + lineage_models())
    assert len(rows) > 500
    assert_same(con, rows)


def test_a_tag_holding_the_record_separator_travels_as_lists(con: object) -> None:
    rows = [ModelRecord("lab/M", tags=("a\x01b",)), ModelRecord("q/M-GGUF", downloads=3)]
    assert_same(con, rows)
    assert sql_lineage(con, rows)[0] == {"q/M-GGUF": Link("lab/M", "quantized", True)}
    assert_same(con, [])
