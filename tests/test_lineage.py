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
        # The formats the Hub tags as libraries, and markers seen in the captures (issue 17).
        ("bge-small-en-v1.5-onnx-Q", "bge-small-en-v1.5"),
        ("gemma-4-E2B-it-litert-lm", "gemma-4-E2B-it"),
        ("gemma-3-1b-it-litert", "gemma-3-1b-it"),
        ("Llama-3.2-1B-Instruct-q4f16_1-MLC", "Llama-3.2-1B-Instruct"),
        ("Qwen2.5-7B-Instruct-openvino-int4", "Qwen2.5-7B-Instruct"),
        ("Qwen3-0.6B-int8-ov", "Qwen3-0.6B"),
        ("whisper-tiny-coreml", "whisper-tiny"),
        ("Llama-3.2-1B-executorch", "Llama-3.2-1B"),
        ("Qwen2.5-1.5B-rkllm", "Qwen2.5-1.5B"),
        ("Llama-3.2-1B-Instruct-llamafile", "Llama-3.2-1B-Instruct"),
        ("whisper-large-v3-ct2-int8", "whisper-large-v3"),
        ("MiniMax-H3_comfy", "MiniMax-H3"),
        ("Qwen-Image_ComfyUI", "Qwen-Image"),
        ("MiniMax-H3_GGUFs", "MiniMax-H3"),
        ("Minimax-H3-nvfp4-INT4-INT8-Convrot", "Minimax-H3"),
        ("Qwen3.6-27B-int4-AutoRound", "Qwen3.6-27B"),
        ("Qwen3.6-27B-UD-MLX-4bit", "Qwen3.6-27B"),
        ("DeepSeek-V4-Flash-2bit-DQ", "DeepSeek-V4-Flash"),
        ("Kimi-K2.6-mlx-DQ3_K_M-q8", "Kimi-K2.6"),
        ("Meta-Llama-3-8B-Instruct-FP8-KV", "Meta-Llama-3-8B-Instruct"),
        ("Qwen3-Embedding-4B-W4A16-G128", "Qwen3-Embedding-4B"),
        ("ui-tars-1.5-7B-GPTQ-W4A16g128", "ui-tars-1.5-7B"),
        ("Qwen3.6-27B-PrismaQuant-5.5bit-vllm", "Qwen3.6-27B-PrismaQuant"),
        # Nothing to strip: sizes, versions, words a model may end with, a name that is only a marker.
        ("parakeet-tdt-0.6b-v2", "parakeet-tdt-0.6b-v2"),
        ("Fox-Dynamic", "Fox-Dynamic"),
        ("Qwen3.6-27B-MTP", "Qwen3.6-27B-MTP"),
        ("GGUF", "GGUF"),
        ("t5-3b", "t5-3b"),
        ("Qwen3-Q", "Qwen3-Q"),  # a weak marker alone
        ("GritLM-7B-vllm", "GritLM-7B-vllm"),
        ("llava-onevision-qwen2-7b-ov", "llava-onevision-qwen2-7b-ov"),
        ("MiniMax-H3-TAE", "MiniMax-H3-TAE"),  # another model (a tiny autoencoder), not a format
    ],
)
def test_strip_markers(name: str, stem: str) -> None:
    assert strip_markers(name) == stem


# --- telling the original from a popular copy (issue 17) ------------------------------------------


def test_the_capture_puts_the_minimax_h3_family_under_its_own_org() -> None:
    """2026-08-16: the ComfyUI repackage (13.4M downloads) out-downloads the original (2.3M); the
    original is the org of the series and was created first, so the GGUF and the repackages join it."""
    lineage = Lineage(_records(hub_models("2026-08-16")))
    comfy, original = lineage.records["Comfy-Org/MiniMax-H3"], lineage.records["MiniMaxAI/MiniMax-H3"]
    assert (comfy.downloads or 0) > 5 * (original.downloads or 0)
    copies = {"unsloth/MiniMax-H3-GGUF", "Comfy-Org/MiniMax-H3", "Kijai/MiniMax-H3_comfy",
              "realrebelai/MiniMax-H3_GGUFs", "Abiray/Minimax-H3-nvfp4-INT4-INT8-Convrot"}
    listed = copies & set(lineage.records)
    assert {"unsloth/MiniMax-H3-GGUF", "Comfy-Org/MiniMax-H3"} <= listed
    assert {copy: lineage.family_root(copy) for copy in listed} == dict.fromkeys(listed, "MiniMaxAI/MiniMax-H3")
    assert lineage.link("Comfy-Org/MiniMax-H3") == Link("MiniMaxAI/MiniMax-H3", "mirror", inferred=True)
    assert lineage.link("MiniMaxAI/MiniMax-H3") is None
    assert lineage.family_root("Kijai/MiniMax-H3-TAE") == "Kijai/MiniMax-H3-TAE"  # other weights


def test_a_repackager_is_a_mirror_of_the_series_org_from_the_issues_facts() -> None:
    # Issue 17: Comfy-Org/Qwen-Image-2.1 (7.8M downloads) and Qwen/Qwen-Image-2.1 (122K).
    lineage = Lineage([rec("Comfy-Org/Qwen-Image-2.1", 7_800_000), rec("Qwen/Qwen-Image-2.1", 122_000)])
    assert lineage.link("Comfy-Org/Qwen-Image-2.1") == Link("Qwen/Qwen-Image-2.1", "mirror", inferred=True)
    assert lineage.link("Qwen/Qwen-Image-2.1") is None
    # The same with a repackager that is on no list: the org of the series is the original.
    lineage = Lineage([rec("repack/Qwen-Image-2.1", 7_800_000), rec("Qwen/Qwen-Image-2.1", 122_000),
                       rec("quanter/Qwen-Image-2.1-GGUF", 5)])
    assert lineage.link("repack/Qwen-Image-2.1") == Link("Qwen/Qwen-Image-2.1", "mirror", inferred=True)
    assert lineage.family_root("quanter/Qwen-Image-2.1-GGUF") == "Qwen/Qwen-Image-2.1"


def _dated(model_id: str, downloads: int, created: str | None = None, tags: tuple[str, ...] = ()) -> ModelRecord:
    return ModelRecord(id=model_id, downloads=downloads, created_at=created, tags=tags)


def test_each_sign_of_an_original_weighs_against_downloads() -> None:
    # Declared as a base by another listed repo: the original, though the copy is more downloaded.
    records = [_dated("popular/Model-7B", 900), _dated("lab/Model-7B", 10),
               _dated("tuner/Model-7B-Chat", 1, tags=("base_model:finetune:lab/Model-7B",)),
               _dated("q/Model-7B-GGUF", 1)]
    assert Lineage(records).link("q/Model-7B-GGUF").parent == "lab/Model-7B"
    assert Lineage(records).link("popular/Model-7B") == Link("lab/Model-7B", "mirror", inferred=True)
    # Created first alone decides which one the GGUF follows, but makes no mirror of the other.
    records = [_dated("popular/Model-7B", 900, "2026-07-30T00:00:00Z"),
               _dated("lab/Model-7B", 10, "2026-07-28T00:00:00Z"), _dated("q/Model-7B-GGUF", 1)]
    lineage = Lineage(records)
    assert lineage.link("q/Model-7B-GGUF").parent == "lab/Model-7B"
    assert lineage.link("popular/Model-7B") is None
    # Without any sign, downloads decide, as before.
    records = [_dated("popular/Model-7B", 900), _dated("lab/Model-7B", 10), _dated("q/Model-7B-GGUF", 1)]
    assert Lineage(records).link("q/Model-7B-GGUF").parent == "popular/Model-7B"


@pytest.mark.parametrize(
    ("org", "name", "owns"),
    [("Qwen", "Qwen-Image-2.1", True), ("MiniMaxAI", "MiniMax-H3", True), ("deepseek-ai", "DeepSeek-V4-Pro", True),
     ("meta-llama", "Llama-3.1-8B", True), ("mistralai", "Mistral-7B-v0.3", True), ("Comfy-Org", "MiniMax-H3", False),
     ("google", "gemma-4-31B-it", False), ("unsloth", "Qwen3-8B", False), ("x", "x-model", False),
     ("Lab", "M-7B", False)],
)
def test_owns_series(org: str, name: str, owns: bool) -> None:
    assert names_module.owns_series(org, name) is owns


def test_new_markers_link_to_their_bases_in_the_capture() -> None:
    """Issue 17: `Qdrant/bge-small-en-v1.5-onnx-Q` and `litert-community/gemma-4-E2B-it-litert-lm`
    (public Hub ids, not in the captures) beside the 2026-08-21 capture, which lists both bases."""
    lineage = Lineage([*_records(hub_models()), rec("Qdrant/bge-small-en-v1.5-onnx-Q"),
                       rec("litert-community/gemma-4-E2B-it-litert-lm")])
    assert lineage.link("Qdrant/bge-small-en-v1.5-onnx-Q") == Link("BAAI/bge-small-en-v1.5", "quantized", True)
    assert lineage.link("litert-community/gemma-4-E2B-it-litert-lm") == Link("google/gemma-4-E2B-it", "quantized",
                                                                              True)


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
               "7B", "Model", "v2", "\u212a", "\u017f", "\u0131", "\u0130", "\u00f6", "\n", "",
               # issue 17: formats the Hub tags as libraries and markers of the captures
               "litert", "lm", "Q", "onnx", "ComfyUI", "q4f16_1", "UD", "g128", "128g", "compressed", "tensors",
               "AutoRound", "4.75bit", "GGUFs", "DQ3_K_M", "KV", "vllm"]


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
