"""Lineage: the Hub's metadata first, the name rule where it is missing, and walks that always end."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hub_models, lineage_models
from hubradar.analysis import names as names_module
from hubradar.analysis.lineage import SAME_WEIGHTS, Lineage, Link, declared_relation, metadata_link, strip_markers
from hubradar.core.record import ModelRecord, from_hub_json, records_from_hub_json


def _records(rows: list[dict]) -> list[ModelRecord]:
    records, skipped = records_from_hub_json(rows)
    assert skipped == 0
    return records


def rec(model_id: str, downloads: int | None = 0, *, parent: str | None = None, relation: str = "quantized",
        tags: tuple[str, ...] = ()) -> ModelRecord:
    """A made-up record; `parent` adds the Hub's two lineage tags."""
    if parent is not None:
        tags = (*tags, f"base_model:{parent}", f"base_model:{relation}:{parent}")
    return ModelRecord(id=model_id, author=model_id.split("/")[0], downloads=downloads, tags=tags)


# --- the real captures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def day() -> Lineage:
    return Lineage(_records(hub_models()))


def test_tagged_reupload_in_the_capture_follows_its_metadata(day: Lineage) -> None:
    assert day.link("unsloth/Qwen3.6-27B-MTP-GGUF") == Link("Qwen/Qwen3.6-27B", "quantized", inferred=False)
    assert day.family_root("unsloth/Qwen3.6-27B-MTP-GGUF") == "Qwen/Qwen3.6-27B"


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("unsloth/Qwen3.8-27B-GGUF", "Qwen/Qwen3.8-27B"),  # another org: the only Qwen3.8-27B listed
        ("Qwen/Qwen3.8-27B-FP8", "Qwen/Qwen3.8-27B"),  # the same org
        ("unsloth/Qwen3.8-27B-NVFP4", "Qwen/Qwen3.8-27B"),
        ("Qwen/Qwen3-8B-AWQ", "Qwen/Qwen3-8B"),
        ("cyankiwi/Qwen3.6-27B-AWQ-INT4", "Qwen/Qwen3.6-27B"),  # two markers
        ("nvidia/Gemma-4-31B-IT-NVFP4", "google/gemma-4-31B-it"),  # case differs
        ("google/gemma-4-31B-it-qat-w4a16-ct", "google/gemma-4-31B-it"),  # weak markers beside a strong one
        ("huihui-ai/Huihui-Qwen3.8-27B-abliterated-GGUF", "huihui-ai/Huihui-Qwen3.8-27B-abliterated"),
    ],
)
def test_untagged_reuploads_in_the_capture_are_found_by_name(day: Lineage, child: str, parent: str) -> None:
    assert metadata_link(day.records[child]) is None
    assert day.link(child) == Link(parent, "quantized", inferred=True)
    assert day.family_root(child) == parent
    assert day.inferred_path(child)


def test_reuploads_of_an_unlisted_model_group_under_its_name(day: Lineage) -> None:
    trio = ["orcarouter/Qwen3.8-27B-Uncensored-FP8", "orcarouter/Qwen3.8-27B-Uncensored-GGUF",
            "orcarouter/Qwen3.8-27B-Uncensored-MLX"]
    assert "orcarouter/Qwen3.8-27B-Uncensored" not in day.records
    assert {day.family_root(m) for m in trio} == {"orcarouter/Qwen3.8-27B-Uncensored"}
    assert all(day.link(m).inferred for m in trio)
    # Another org's uncensored build is another model: it does not join them, and stays alone.
    assert day.family_root("JonathanColetti/Qwen3.8-27B-Uncensored-GGUF") == (
        "JonathanColetti/Qwen3.8-27B-Uncensored-GGUF")


def test_reuploader_org_mirrors_without_markers(day: Lineage) -> None:
    assert day.link("mlx-community/parakeet-tdt-0.6b-v2") == Link("nvidia/parakeet-tdt-0.6b-v2", "mirror", True)
    assert day.family_root("mlx-community/parakeet-tdt-0.6b-v2") == "nvidia/parakeet-tdt-0.6b-v2"


def test_originals_in_the_capture_have_no_link(day: Lineage) -> None:
    for original in ("Qwen/Qwen3.8-27B", "google/gemma-4-31B-it", "deepseek-ai/DeepSeek-V4-Pro"):
        assert day.link(original) is None
        assert day.family_root(original) == original


def test_lineage_capture_relations_come_from_the_metadata() -> None:
    lineage = Lineage(_records(lineage_models()))
    assert lineage.link("bytedance-research/Lance") == Link("Qwen/Qwen2.5-VL-3B-Instruct", "finetune")
    assert lineage.link("Jackrong/Qwopus3.5-9B-Coder-GGUF") == Link("Jackrong/Qwopus3.5-9B-v3.5", "adapter")
    assert lineage.link("CohereLabs/command-a-plus-05-2026-w4a4") == Link(
        "CohereLabs/command-a-plus-05-2026-bf16", "quantized")
    # An adapter is other weights: its own family, but the same ecosystem.
    assert lineage.family_root("Jackrong/Qwopus3.5-9B-Coder-GGUF") == "Jackrong/Qwopus3.5-9B-Coder-GGUF"
    assert lineage.ecosystem_root("Jackrong/Qwopus3.5-9B-Coder-GGUF") == "Jackrong/Qwopus3.5-9B-v3.5"
    # Metadata wins over the name: the mradermacher re-upload names its parent, another org's model.
    assert lineage.link("mradermacher/EXAONE-4.0-1.2B-abliterated-i1-GGUF") == Link(
        "addansee2/EXAONE-4.0-1.2B-abliterated", "quantized")
    assert not any(link.inferred for link in lineage.links.values())


def test_card_data_alone_is_read_when_tags_are_missing() -> None:
    rows = [dict(row, tags=[t for t in row["tags"] if not t.startswith("base_model:")])
            for row in lineage_models() if "cardData" in row]
    lineage = Lineage(_records(rows))
    assert lineage.link("LGAI-EXAONE/EXAONE-4.0-32B-GGUF") == Link("LGAI-EXAONE/EXAONE-4.0-32B", "quantized")
    # lmstudio's card names the base without a relation; the GGUF name says it is a quantization.
    assert lineage.link("lmstudio-community/EXAONE-3.5-7.8B-Instruct-GGUF") == Link(
        "LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct", "quantized", inferred=True)


# --- the name rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Qwen3.8-27B-GGUF", "Qwen3.8-27B"),
        ("Qwen3-8B-AWQ", "Qwen3-8B"),
        ("Qwen2.5-7B-Instruct-GPTQ-Int4", "Qwen2.5-7B-Instruct"),
        ("Qwen3.8-27B-Uncensored-MLX", "Qwen3.8-27B-Uncensored"),
        ("gemma-4-26B-A4B-it-AWQ-4bit", "gemma-4-26B-A4B-it"),
        ("Qwen3-8B-unsloth-bnb-4bit", "Qwen3-8B"),
        ("EXAONE-4.0-1.2B-abliterated-i1-GGUF", "EXAONE-4.0-1.2B-abliterated"),
        ("Llama-3-8B-Instruct-Q4_K_M-GGUF", "Llama-3-8B-Instruct"),
        ("Mistral-7B-Instruct-v0.3-exl2-4.0bpw", "Mistral-7B-Instruct-v0.3"),
        ("Meta-Llama-3.1-8B-Instruct-quantized.w4a16", "Meta-Llama-3.1-8B-Instruct"),
        ("Qwen3.6-35B-A3B-NVFP4", "Qwen3.6-35B-A3B"),
        ("gemma-4-31B-it-FP8-block", "gemma-4-31B-it"),
        ("Ternary-Bonsai-27B-mlx-2bit", "Ternary-Bonsai-27B"),
        # Nothing to strip: sizes, versions, words a model may end with, a name that is only a marker.
        ("parakeet-tdt-0.6b-v2", "parakeet-tdt-0.6b-v2"),
        ("Fox-Dynamic", "Fox-Dynamic"),
        ("Qwen3.6-27B-MTP", "Qwen3.6-27B-MTP"),
        ("GGUF", "GGUF"),
        ("t5-3b", "t5-3b"),
    ],
)
def test_strip_markers(name: str, stem: str) -> None:
    assert strip_markers(name) == stem


def test_same_org_wins_over_another_org() -> None:
    lineage = Lineage([rec("acme/Model-7B", 10), rec("other/Model-7B", 10_000), rec("acme/Model-7B-AWQ", 5)])
    assert lineage.link("acme/Model-7B-AWQ") == Link("acme/Model-7B", "quantized", True)


def test_another_org_prefers_an_original_over_a_reuploader_and_a_derivative() -> None:
    records = [
        rec("unsloth/Model-7B", 900),  # a re-uploader's copy, most downloaded
        rec("fan/Model-7B", 800, parent="someone/Else-7B", relation="finetune"),  # a finetune named alike
        rec("lab/Model-7B", 100),  # the original
        rec("quanter/Model-7B-GGUF", 50),
    ]
    assert Lineage(records).link("quanter/Model-7B-GGUF").parent == "lab/Model-7B"


def test_names_without_a_match_stay_roots() -> None:
    lineage = Lineage([rec("solo/Thing-9B-GGUF", 5), rec("someone/Model-7B", 3), rec("other/Model-7B", 2)])
    assert lineage.link("solo/Thing-9B-GGUF") is None  # no Thing-9B anywhere, and only one such upload
    assert lineage.link("someone/Model-7B") is None  # same name, no marker, not a re-uploader: no link


def test_metadata_wins_over_the_name() -> None:
    records = [rec("acme/Model-7B", 10), rec("base/Root-7B", 10),
               rec("acme/Model-7B-GGUF", 5, parent="base/Root-7B", relation="finetune")]
    assert Lineage(records).link("acme/Model-7B-GGUF") == Link("base/Root-7B", "finetune", inferred=False)


def test_names_can_be_switched_off() -> None:
    records = [rec("acme/Model-7B", 10), rec("acme/Model-7B-AWQ", 5)]
    assert Lineage(records, names=False).link("acme/Model-7B-AWQ") is None


# --- chains, cycles, self-references ---------------------------------------------------------------


def test_chain_quantization_of_a_finetune_of_a_base() -> None:
    records = [
        rec("lab/Base-7B", 100),
        rec("tuner/Chat-7B", 40, parent="lab/Base-7B", relation="finetune"),
        rec("quanter/Chat-7B-GGUF", 30, parent="tuner/Chat-7B"),
        rec("mirror/Chat-7B-GGUF-copy", 1, parent="quanter/Chat-7B-GGUF"),
    ]
    lineage = Lineage(records)
    assert lineage.family_root("mirror/Chat-7B-GGUF-copy") == "tuner/Chat-7B"
    assert lineage.ecosystem_root("mirror/Chat-7B-GGUF-copy") == "lab/Base-7B"
    assert lineage.chain("mirror/Chat-7B-GGUF-copy") == [
        "mirror/Chat-7B-GGUF-copy", "quanter/Chat-7B-GGUF", "tuner/Chat-7B", "lab/Base-7B"]
    assert lineage.family_root("tuner/Chat-7B") == "tuner/Chat-7B"
    assert lineage.broken == []


def test_chain_through_a_name_link_to_an_unlisted_parent() -> None:
    records = [rec("acme/Tune-7B", 10, parent="lab/Base-7B", relation="finetune"), rec("acme/Tune-7B-GGUF", 5)]
    lineage = Lineage(records)
    assert lineage.family_root("acme/Tune-7B-GGUF") == "acme/Tune-7B"
    assert lineage.ecosystem_root("acme/Tune-7B-GGUF") == "lab/Base-7B"  # not listed, still the root
    assert lineage.inferred_path("acme/Tune-7B-GGUF")
    assert not lineage.inferred_path("acme/Tune-7B")


def test_two_cycle_is_broken_at_the_most_downloaded_and_walks_agree() -> None:
    records = [rec("a/A", 10, parent="b/B"), rec("b/B", 99, parent="a/A")]
    lineage = Lineage(records)
    assert [child for child, _ in lineage.broken] == ["b/B"]
    assert lineage.link("b/B") is None
    assert lineage.family_root("a/A") == lineage.family_root("b/B") == "b/B"
    assert lineage.ecosystem_root("a/A") == "b/B"


def test_three_cycle_with_a_tail_is_broken_once() -> None:
    records = [rec("x/One", 5, parent="x/Two", relation="finetune"), rec("x/Two", 50, parent="x/Three"),
               rec("x/Three", 7, parent="x/One", relation="merge"), rec("x/Tail", 1, parent="x/One")]
    lineage = Lineage(records)
    assert len(lineage.broken) == 1
    roots = {lineage.ecosystem_root(r.id) for r in records}
    assert roots == {"x/Two"}
    assert lineage.chain("x/Tail") == ["x/Tail", "x/One", "x/Two"]


def test_cycle_through_an_inferred_link_drops_the_inferred_one() -> None:
    # Metadata says acme/M is a finetune of acme/M-GGUF (careless), the name says the reverse.
    records = [rec("acme/M", 900, parent="acme/M-GGUF", relation="finetune"), rec("acme/M-GGUF", 5)]
    lineage = Lineage(records)
    assert lineage.broken == [("acme/M-GGUF", Link("acme/M", "quantized", True))]
    assert lineage.link("acme/M") == Link("acme/M-GGUF", "finetune")


@pytest.mark.parametrize("tag_parent", ["me/Model-7B", "ME/model-7b"])
def test_self_references_are_no_links(tag_parent: str) -> None:
    record = rec("me/Model-7B", 1, parent=tag_parent)
    assert metadata_link(record) is None
    lineage = Lineage([record])
    assert lineage.link("me/Model-7B") is None
    assert lineage.family_root("me/Model-7B") == "me/Model-7B"


def test_self_reference_in_card_data_is_skipped_for_the_next_base() -> None:
    record = from_hub_json({"id": "me/M", "downloads": 1,
                            "cardData": {"base_model": ["me/M", "lab/Base"], "base_model_relation": "finetune"}})
    assert metadata_link(record) == Link("lab/Base", "finetune")


def test_parent_spelled_in_another_case_resolves_to_the_listed_id() -> None:
    lineage = Lineage([rec("Lab/Base-7B", 10), rec("q/Base-7B-GGUF", 5, parent="lab/base-7b")])
    assert lineage.link("q/Base-7B-GGUF") == Link("Lab/Base-7B", "quantized")


def test_garbage_lineage_tags_are_ignored() -> None:
    record = rec("me/M", 1, tags=("base_model:", "base_model:quantized:", "base_model:weird:lab/X",
                                  "base_model:https://example.com/x y"))
    assert metadata_link(record) is None


def test_declared_relation_picks_the_tag_for_that_parent() -> None:
    record = rec("m/Merge", 1, tags=("base_model:merge:a/A", "base_model:finetune:b/B"))
    assert declared_relation(record, "b/B") == "finetune"
    assert declared_relation(record, "a/a") == "merge"
    assert declared_relation(record, "c/C") is None


_IDS = [f"o{i}/m{i}" for i in range(8)]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(_IDS), st.tuples(st.sampled_from(_IDS),
                                                         st.sampled_from(["quantized", "finetune", "merge"]))))
def test_any_metadata_graph_gives_walks_that_end(edges: dict[str, tuple[str, str]]) -> None:
    records = [rec(i, n, parent=edges[i][0] if i in edges else None,
                   relation=edges[i][1] if i in edges else "quantized") for n, i in enumerate(_IDS)]
    lineage = Lineage(records)
    for model_id in _IDS:
        chain = lineage.chain(model_id)
        assert len(chain) == len(set(chain))
        family = lineage.family_root(model_id)
        link = lineage.link(family)
        assert link is None or link.relation not in SAME_WEIGHTS
        assert lineage.link(lineage.ecosystem_root(model_id)) is None
        assert lineage.ecosystem_root(model_id) == chain[-1]
    # Only links on a cycle are ever dropped: putting one back would close a loop again.
    for child, link in lineage.broken:
        assert child in lineage.chain(link.parent)


def test_a_duplicate_id_keeps_the_last_row_and_its_lineage_only() -> None:
    lineage = Lineage([rec("q/M-GGUF", 1, parent="lab/M"), rec("q/M-GGUF", 2), rec("lab/Other", 3)])
    assert lineage.records["q/M-GGUF"].downloads == 2
    assert lineage.link("q/M-GGUF") is None


# --- the fast paths agree with the plain rules ------------------------------------------------------

_PLAIN_TRAILING = re.compile(rf"(?:{names_module._SEP}(?:{names_module._STRONG}|{names_module._WEAK}))+$",
                             re.IGNORECASE)
_PLAIN_STRONG = re.compile(rf"{names_module._SEP}(?:{names_module._STRONG})(?={names_module._SEP}|$)",
                           re.IGNORECASE)
# Markers, words and characters that fold onto ASCII letters (`K` Kelvin, long s, dotless i) or change
# length when lower-cased (`İ`).
_NAME_PARTS = ["GGUF", "gguf", "AWQ", "GPTQ", "Int4", "q4_k_m", "Q5_K", "iq2", "i1", "4bit", "4-bit", "4.5bpw",
               "w4a16", "qat", "ct", "Dynamic", "MLX", "fp8", "BF16", "bnb", "imatrix", "h4", "quantized",
               "7B", "Model", "v2", "\u212a", "\u017f", "\u0131", "\u0130", "\u00f6", "\n", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["-", "_", ".", "", "/", " "]), st.sampled_from(_NAME_PARTS)),
                min_size=1, max_size=6))
def test_strip_markers_follows_the_plain_rule(parts: list[tuple[str, str]]) -> None:
    """The marker regex is written for speed (it starts at a separator; ASCII names are matched
    lower-cased, without case folding): it must strip exactly what the plain rule strips."""
    name = "".join(separator + part for separator, part in parts)
    plain = _PLAIN_TRAILING.search(name)
    expected = name if plain is None or plain.start() == 0 or not _PLAIN_STRONG.search(plain.group()) else (
        name[: plain.start()])
    assert strip_markers(name) == expected
    found = names_module._trailing_markers([name, "Model-7B-GGUF"])
    assert [m and m.span() for m in found] == [m and m.span() for m in map(_PLAIN_TRAILING.search,
                                                                            [name, "Model-7B-GGUF"])]


# `aİ/b` lower-cased is `ai̇/b`, one character longer: the same id, case aside.
_TAG_IDS = ["lab/Base", "LAB/base", "q/Base-GGUF", "me/M", "ME/m", "x", "a/b/c", "bad id", "lab/Base\n", "ö/ö",
            "a\u0130/b"]
_TAGS = st.one_of(
    st.builds("base_model:{}:{}".format, st.sampled_from(["quantized", "finetune", "adapter", "merge", "mirror",
                                                          "Quantized", ""]), st.sampled_from(_TAG_IDS)),
    st.builds("base_model:{}".format, st.sampled_from(_TAG_IDS)),
    st.builds("x-base_model:quantized:{}".format, st.sampled_from(_TAG_IDS)),
    st.sampled_from(["en", "gguf", "base_model", "license:mit"]),
)
_RECORDS = st.lists(st.builds(
    lambda model_id, tags, cards, relation, downloads: ModelRecord(
        id=model_id, downloads=downloads, tags=tuple(tags), card_base_models=tuple(cards),
        card_base_relation=relation),
    st.sampled_from(["me/M", "ME/m", "me/M-GGUF", "lab/Base", "LAB/base", "q/Base-GGUF", "x", "a/b", "ai\u0307/b"]),
    st.lists(_TAGS, max_size=4), st.lists(st.sampled_from(_TAG_IDS), max_size=2),
    st.sampled_from([None, "quantized", "Finetune", "other"]), st.sampled_from([None, 0, 5, 50])),
    max_size=8)


def _plain_link(record: ModelRecord, listed: dict[str, ModelRecord]) -> Link | None:
    """The metadata link as `metadata_link` reads it, resolved to the listed spelling."""
    link = metadata_link(record)
    if link is None or (link.relation != "unknown" and link.parent in listed):
        return link
    parent = {model_id.lower(): model_id for model_id in listed}.get(link.parent.lower(), link.parent)
    if parent == record.id:
        return None
    if link.relation == "unknown" and strip_markers(record.name) != record.name:
        return Link(parent, "quantized", inferred=True)
    return Link(parent, link.relation, link.inferred)


@settings(max_examples=300, deadline=None)
@given(_RECORDS)
def test_building_reads_each_record_as_metadata_link_does(records: list[ModelRecord]) -> None:
    """`Lineage` reads the usual tag inline, without `metadata_link`: the links must be the same."""
    lineage = Lineage(records, names=False)
    links = {**lineage.links, **dict(lineage.broken)}
    expected = {r.id: link for r in lineage.records.values() if (link := _plain_link(r, lineage.records))}
    assert links == expected
    assert list(lineage.links) == [model_id for model_id in lineage.records if model_id in lineage.links]
