"""Sizes: the parser of typed sizes, sizes in names, the count's precedence and the packed-quant guard.

Real names and counts come from the llmfit catalogue (tests/fixtures/sizes/, see PROVENANCE.md):
1,852 models with the parameter counts their repos report, MoE active counts included.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from conftest import hub_models
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.sizes import (
    COUNTED,
    NAME_RATIO,
    PACKED_NAME_RATIO,
    SizeEstimator,
    estimate,
    filter_depth,
    is_add_on,
    is_packed,
    params_of,
    parse_name_size,
    size_listing,
    unknown_footnote,
)
from hubradar.core.errors import UsageError, as_flag, wording
from hubradar.core.record import ModelRecord, from_hub_json, records_from_hub_json
from hubradar.core.sizes import BAND_BOUNDS, SizeBand, SizeFilter, SizeInfo, band_of, parse_size
from hubradar.core.units import human_params

CATALOGUE: list[tuple[str, int, int | None]] = [
    (name, params, active)
    for name, params, active in json.loads(
        (Path(__file__).parent / "fixtures" / "sizes" / "llmfit-params-2026-05-17.json").read_text()
    )
]
B = 10**9


def rec(model_id: str, *, st_total: int | None = None, gguf: int | None = None, tags: tuple[str, ...] = (),
        library: str | None = None) -> ModelRecord:
    return ModelRecord(id=model_id, safetensors_total=st_total, gguf_total=gguf, tags=tags, library=library)


def quantized_of(base: str) -> tuple[str, ...]:
    return (f"base_model:{base}", f"base_model:quantized:{base}")


# Real rows whose repo is not packed, whose name states a total that agrees with the reported count
# (names round: within 25%), and which are not adapters or drafters: the ground for simulated re-uploads.
CLEAN = [
    (name, params, active)
    for name, params, active in CATALOGUE
    if (total := parse_name_size(name).total) is not None
    and 0.8 <= total / params <= 1.25
    and not is_packed(rec(name))
    and not is_add_on(rec(name))
]


def test_the_catalogue_fixture_is_the_whole_catalogue() -> None:
    assert len(CATALOGUE) == 1852
    assert sum(1 for _, _, active in CATALOGUE if active) == 356
    assert len(CLEAN) > 700


# --- parse_size: what people type ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500M", 500_000_000),
        ("7B", 7 * B),
        ("1.5b", 1_500_000_000),
        ("70B", 70 * B),
        ("1T", 10**12),
        ("7e9", 7 * B),
        ("1.5e9", 1_500_000_000),
        ("7000000000", 7 * B),
        ("135m", 135_000_000),
        ("0.6B", 600_000_000),
        ("  8B ", 8 * B),
        ("500k", 500_000),
        ("7", 7 * B),  # a bare number is what people say of a size: billions
        ("0.4", 400_000_000),
        ("1.5", 1_500_000_000),
        ("999", 999 * B),
        ("1000000", 1_000_000),  # ... and a full count typed out is a count
    ],
)
def test_parse_size_accepts_the_documented_forms(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["1000", "50000", "999999"])
def test_a_bare_number_that_could_be_billions_or_a_count_is_refused_naming_both(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_size(text, "min_params")
    assert info.value.for_cli().startswith(f"--min-params: {text!r} could be {text} billion or {text} parameters")
    assert f"{text}B" in str(info.value)


@pytest.mark.parametrize("text", ["7 billion", "-3B", "abc", "", "   ", "0", "0B", "7BB", "1e3B", "B7",
                                  "7 B", "1,000", "7e", "e9", "nan", "inf", "1.5.2B", "+7B", "7b params"])
def test_parse_size_rejects_with_one_line_naming_the_forms(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_size(text, "max_params")
    message = str(info.value)
    assert message.startswith("max_params: ")  # the library names its parameter ...
    assert info.value.for_cli().startswith("--max-params: ")  # ... the CLI its flag
    assert repr(text) in message
    assert "500M, 7B, 1.5b, 70B, 1T, 7e9" in message
    assert "\n" not in message
    assert info.value.exit_code == 2


UNITS = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


@given(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999_999), places=3, allow_nan=False),
    st.sampled_from(sorted(UNITS)),
    st.booleans(),
)
def test_parse_size_scales_any_decimal_by_its_unit(number: Decimal, unit: str, lower: bool) -> None:
    """With a unit, the number times the unit; bare, billions below 1,000 and refused up to a full count."""
    text = f"{number.normalize():f}" + (unit.lower() if lower else unit)
    if not unit and number >= 1000:
        with pytest.raises(UsageError, match="could be"):
            parse_size(text)
        return
    exact = number * (UNITS[unit] if unit else 10**9)
    assume(exact >= 1)
    assert abs(parse_size(text) - exact) <= Decimal("0.5")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=15))
def test_parse_size_reads_scientific_notation(mantissa: int, exponent: int) -> None:
    assert parse_size(f"{mantissa}e{exponent}") == mantissa * 10**exponent
    assert parse_size(f"{mantissa}E{exponent}") == mantissa * 10**exponent


@given(st.integers(min_value=1_000, max_value=5 * 10**12))
def test_what_hubradar_prints_reads_back_as_nearly_the_same_count(count: int) -> None:
    """A size copied from a table into --min-params means what the table said (to its rounding)."""
    shown = human_params(count)
    assert abs(parse_size(shown) - count) <= 0.05 * count


@given(st.text(alphabet="abcdefghijklmnopqrsuvwxyz -+,/_", min_size=1))
def test_words_are_never_sizes(text: str) -> None:
    with pytest.raises(UsageError):
        parse_size(text)


# --- sizes in names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "total", "active"),
    [
        ("Qwen/Qwen3-8B", 8 * B, None),
        ("Qwen/Qwen3-0.6B", 600_000_000, None),
        ("Qwen/Qwen2.5-Coder-1.5b-instruct", 1_500_000_000, None),
        ("HuggingFaceTB/SmolLM2-135M-Instruct", 135_000_000, None),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", 56 * B, None),
        ("yunconglong/Truthful_DPO_TomGrc_FusionNet_7Bx2_MoE_13B", 14 * B, None),
        ("Qwen/Qwen3.6-35B-A3B", 35 * B, 3 * B),
        ("ibm-granite/granite-3.0-1b-a400m-base", 1 * B, 400_000_000),
        ("bharatgenai/Param2-17B-A2.4B-Thinking", 17 * B, 2_400_000_000),
        ("Qwen/Qwen3.8-2.4T-A95B", 2_400_000_000_000, 95 * B),
        ("Qwen/Qwen1.5-MoE-A2.7B", None, 2_700_000_000),
        ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", None, 17 * B),
        ("meta-llama/Llama-4-Scout-17B-16E-Instruct", None, 17 * B),
        ("stabilityai/stablelm-2-1_6b-chat", 1_600_000_000, None),
        ("meta-llama/Llama-3.1-70B-Instruct", 70 * B, None),
        ("TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T", 1_100_000_000, None),  # 3T: training tokens
        ("Qwen/Qwen2.5-7B-Instruct-1M", 7 * B, None),  # 1M: context length
        ("ISTA-DASLab/gemma-3-27b-it-GPTQ-4b-128g", 27 * B, None),  # 4b: bits
        ("microsoft/bitnet-b1.58-2B-4T", 2 * B, None),
        ("inclusionAI/Ring-2.5-1T", 10**12, None),
        ("IlyaGusev/saiga_llama3_8b", 8 * B, None),
        ("facebook/esm2_t33_650M_UR50D", 650_000_000, None),
        ("ibm-granite/granite-8b-code-instruct-128k", 8 * B, None),
        ("microsoft/Phi-3-mini-4k-instruct", None, None),
        ("google-bert/bert-base-uncased", None, None),
        ("moonshotai/Kimi-K3", None, None),
        ("Qwen/Qwen3-VL-8B-Instruct-FP8", 8 * B, None),
    ],
)
def test_name_sizes_of_real_repos(name: str, total: int | None, active: int | None) -> None:
    size = parse_name_size(name)
    assert (size.total, size.active) == (total, active)


@pytest.mark.parametrize(("name", "effective"), [("google/gemma-3n-E4B-it", 4 * B), ("google/gemma-4-E2B-it", 2 * B),
                                                 ("farbodtavakkoli/OTel-LLM-E4B-IT", 4 * B)])
def test_gemma_e_numbers_are_effective_counts_and_a_lower_bound_total(name: str, effective: int) -> None:
    size = parse_name_size(name)
    assert size.total is None and size.active == effective and size.effective
    assert size.reference == effective
    # With metadata, the stored total wins (gemma-4-E4B stores 8.0B) and the effective count stays active.
    info = estimate(rec(name, st_total=2 * effective))
    assert (info.params, info.source, info.active_params) == (2 * effective, "safetensors", effective)
    # From the name alone, the effective count is all there is.
    assert estimate(rec(name)) == SizeInfo(effective, "name", effective)


def test_names_agree_with_the_counts_their_repos_report() -> None:
    """On real names, the name's total is within 2x of the repo's own count for at least 97% of repos."""
    checked = [(n, p, parse_name_size(n).total) for n, p, _ in CATALOGUE
               if parse_name_size(n).total and not is_packed(rec(n)) and not is_add_on(rec(n))]
    misses = [(n, p, t) for n, p, t in checked if not 0.5 <= t / p <= 2]
    assert len(checked) > 900
    assert len(misses) <= 0.03 * len(checked), misses


WORD = st.text(alphabet="abcdefghijklmnopqrsuvwyzABCDEFGHIJKLMNOPQRSUVWYZ", min_size=1, max_size=8)
SUFFIX = st.sampled_from(["", "-Instruct", "-it", "-GGUF", "-MLX-4bit", "-AWQ", "-Base", "-1M", "-128k", "-v0.1"])


@given(WORD, st.integers(min_value=1, max_value=999), st.sampled_from([None, 1, 5]), st.sampled_from("MBT"),
       SUFFIX, st.sampled_from(["", "A3B"]))
@example("Qwen", 35, None, "B", "-Instruct", "A3B")
def test_any_name_with_a_size_token_reads_back(org: str, whole: int, tenth: int | None, unit: str, suffix: str,
                                               active: str) -> None:
    number = f"{whole}.{tenth}" if tenth is not None else str(whole)
    middle = f"-{active}" if active else ""
    size = parse_name_size(f"{org}/{org}-{number}{unit}{middle}{suffix}")
    scale = {"M": 10**6, "B": 10**9, "T": 10**12}[unit]
    assert size.total == int(Decimal(number) * scale)
    assert size.active == (3 * B if active else None)


@given(st.text(alphabet="abcdefghijklnopqrsuvwxyzACDFGHIJKLNOPQRSUVWXYZ-_./", max_size=40))
def test_names_without_digits_state_no_size(name: str) -> None:
    assert parse_name_size(name) == parse_name_size("")
    assert parse_name_size(name).reference is None


# --- precedence and the packed-quant guard ---------------------------------------------------------


def test_precedence_base_then_safetensors_then_gguf_then_name() -> None:
    base = SizeInfo(27_781_427_952, "safetensors")
    # A re-upload's size is its base's whenever the base is known (issue 17), whatever it reports.
    assert estimate(rec("org/X-27B", st_total=27_800_000_000, gguf=27_000_000_000), base) == SizeInfo(
        27_781_427_952, "base")
    assert estimate(rec("org/X-27B", gguf=27_000_000_000), base) == SizeInfo(27_781_427_952, "base")
    assert estimate(rec("org/X-GGUF"), base) == SizeInfo(27_781_427_952, "base")
    assert estimate(rec("org/X-27B", st_total=27_800_000_000, gguf=27_000_000_000)).source == "safetensors"
    assert estimate(rec("org/X-27B", gguf=27_000_000_000)) == SizeInfo(27_000_000_000, "gguf")
    # A base sized only by its name is rounded: a re-upload's own exact count stays, unless packed far below.
    named = SizeInfo(9 * B, "name")
    assert estimate(rec("org/X-9B-GGUF", gguf=8_953_803_264), named) == SizeInfo(8_953_803_264, "gguf")
    assert estimate(rec("org/X-9B-AWQ", st_total=2 * B), named) == SizeInfo(9 * B, "base")
    assert estimate(rec("org/X-GGUF"), named) == SizeInfo(9 * B, "base")
    assert estimate(rec("org/X-27B-GGUF")) == SizeInfo(27 * B, "name")
    assert estimate(rec("org/X-GGUF")) == SizeInfo(None, None)
    assert estimate(rec("org/X", st_total=0)) == SizeInfo(None, None)  # a count of 0 is unknown, not zero


def test_a_27b_models_mlx_4bit_repo_is_counted_at_27b() -> None:
    """The issue's example: the MLX 4-bit repo of a 27B model reports about 4.7B."""
    mlx = rec("mlx-community/gemma-3-27b-it-4bit", st_total=4_700_000_000, library="mlx")
    assert estimate(mlx) == SizeInfo(27 * B, "name")
    base = SizeInfo(27_432_406_640, "safetensors")
    assert estimate(mlx, base) == SizeInfo(27_432_406_640, "base")  # the base's exact count beats the name's


@pytest.mark.parametrize(
    ("model_id", "reported", "expected"),
    [  # real repos from the captures, with the counts their metadata reports
        ("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-NVFP4", 67_228_556_288, SizeInfo(120 * B, "name", 12 * B)),
        ("nvidia/Gemma-4-26B-A4B-NVFP4", 14_386_941_232, SizeInfo(26 * B, "name", 4 * B)),
        ("gaunernst/gemma-3-27b-it-int4-awq", 5_933_782_640, SizeInfo(27 * B, "name")),
        ("0xSero/GLM-5.1-555B-A14B-REAP-GPTQ-W4A16", 77_820_132_672, SizeInfo(555 * B, "name", 14 * B)),
        ("openai/gpt-oss-safeguard-120b", 2_370_723_840, SizeInfo(120 * B, "name")),  # MXFP4, unsaid: 50x
        # kept: a gap below 1.5x in a packed repo, or below 3x where nothing says packed
        ("nvidia/Gemma-4-31B-IT-NVFP4", 20_868_591_152, SizeInfo(20_868_591_152, "safetensors")),
        ("Zyphra/Zamba2-7B-Instruct", 16_876_568_576, SizeInfo(16_876_568_576, "safetensors")),
        ("Qwen/Qwen3-8B-AWQ", 8_190_735_360, SizeInfo(8_190_735_360, "safetensors")),
        # a drafter's and an adapter's names give their target's size, not theirs
        ("RedHatAI/Qwen3-8B-speculator.eagle3", 1_021_984_768, SizeInfo(1_021_984_768, "safetensors")),
        ("someone/Llama-3-8B-lora", 41_943_040, SizeInfo(41_943_040, "safetensors")),
    ],
)
def test_packed_quant_guard_on_real_repos(model_id: str, reported: int, expected: SizeInfo) -> None:
    assert estimate(rec(model_id, st_total=reported)) == expected


def test_the_guard_rarely_fires_on_real_unpacked_repos_and_only_for_large_gaps() -> None:
    unpacked = [(n, p) for n, p, _ in CATALOGUE if not is_packed(rec(n))]
    fired = [(n, p, estimate(rec(n, st_total=p))) for n, p in unpacked]
    fired = [(n, p, info) for n, p, info in fired if info.source != "safetensors"]
    assert all(info.params is not None and info.params >= NAME_RATIO * p for _, p, info in fired)
    assert len(fired) <= 0.01 * len(unpacked), fired


def test_after_the_guard_no_real_total_is_below_the_active_count_its_name_states() -> None:
    for name, params, _ in CATALOGUE:
        named = parse_name_size(name)
        if named.active and not named.effective and not is_add_on(rec(name)):
            assert estimate(rec(name, st_total=params)).params >= named.active, name


PACKED_SUFFIX = st.sampled_from(["-MLX-4bit", "-AWQ", "-GPTQ-Int4", "-NVFP4", "-4bit", "-bnb-4bit", "-MLX-3bit"])


@given(st.sampled_from(CLEAN), PACKED_SUFFIX, st.floats(min_value=2.0, max_value=12.0))
def test_a_packed_reupload_of_a_real_model_gets_the_names_size(row: tuple[str, int, int | None], suffix: str,
                                                                  packing: float) -> None:
    name, params, _ = row
    packed = rec(f"someone/{name.split('/')[1]}{suffix}", st_total=int(params / packing))
    info = estimate(packed)
    assert info.source == "name"
    assert info.params == parse_name_size(name).total


@given(st.sampled_from(CLEAN), PACKED_SUFFIX, st.floats(min_value=1.05, max_value=12.0),
       st.booleans())
def test_a_packed_reupload_linked_to_its_real_base_gets_the_bases_count(
    row: tuple[str, int, int | None], suffix: str, packing: float, says_size: bool
) -> None:
    name, params, _ = row
    base = rec(name, st_total=params)
    child_name = f"{name.split('/')[1]}{suffix}" if says_size else f"Packed{suffix}"
    child = rec(f"someone/{child_name}", st_total=int(params / packing), tags=quantized_of(name))
    sizes = SizeEstimator([child, base])
    info = sizes(child)
    assert (info.params, info.source) == (params, "base")
    assert sizes(base).params == params
    assert params_of(child, sizes) == params


@given(st.sampled_from(CATALOGUE), st.sampled_from(["-GGUF", "-FP8", "-mirror", ""]))
def test_a_reupload_without_its_own_count_inherits_its_bases(row: tuple[str, int, int | None], suffix: str) -> None:
    name, params, _ = row
    base = rec(name, st_total=params)
    child = rec(f"mirror-org/copy{suffix}", tags=quantized_of(name))
    info = SizeEstimator([base, child])(child)
    own = estimate(base)  # the base's own count (itself guarded when the base is a packed repo)
    assert own.params is not None and own.params >= params
    assert (info.params, info.source, info.active_params) == (own.params, "base", own.active_params)


@given(st.sampled_from(CLEAN), st.floats(min_value=0.5, max_value=1.2))
def test_a_reupload_reporting_its_own_count_is_sized_as_its_base(row: tuple[str, int, int | None],
                                                                  drift: float) -> None:
    """FP8, GGUF or lightly packed re-uploads report their own count, nearly equal or up to 2x low
    (`Qwen2.5-7B-Instruct-AWQ`: 5.8B for 7.6B, 1.3x, below any packing threshold): the base's is used."""
    name, params, _ = row
    child = rec(f"someone/{name.split('/')[1]}-FP8", st_total=int(params * drift), tags=quantized_of(name))
    info = SizeEstimator([rec(name, st_total=params), child])(child)
    assert (info.params, info.source) == (params, "base")


def test_the_capture_sizes_a_lightly_packed_awq_as_its_base() -> None:
    """Issue 17: `Qwen/Qwen2.5-7B-Instruct-AWQ` reports 5.8B (packed), its 7.6B base is listed."""
    records, _ = records_from_hub_json(hub_models())
    sizes = SizeEstimator(records)
    awq, base = sizes.size("Qwen/Qwen2.5-7B-Instruct-AWQ"), sizes.size("Qwen/Qwen2.5-7B-Instruct")
    assert sizes.records["Qwen/Qwen2.5-7B-Instruct-AWQ"].safetensors_total == 5_785_780_224
    assert (awq.params, awq.source) == (7_615_616_512, "base") and base.params == 7_615_616_512
    # Every listed re-upload whose base is listed with its own count is sized as that base.
    checked = 0
    for record in records:
        root = sizes.lineage.family_root(record.id)
        if root != record.id and root in sizes.records and estimate(sizes.records[root]).source in COUNTED:
            assert sizes(record).params == estimate(sizes.records[root]).params, record.id
            checked += 1
    assert checked >= 10


COUNT = st.one_of(st.none(), st.integers(min_value=0, max_value=3 * 10**12))
NAME = st.sampled_from(["x/Model", "x/Model-7B", "x/Model-7B-MLX-4bit", "x/Model-35B-A3B", "x/Model-E4B",
                        "x/Model-8x7B-AWQ", "x/Model-1.5b", "x/Model-A2.7B", "x/Model-8B-lora"])


@given(NAME, COUNT, COUNT, st.one_of(st.none(), st.integers(min_value=1, max_value=3 * 10**12)),
       st.one_of(st.none(), st.integers(min_value=1, max_value=10**11)))
def test_precedence_properties(name: str, safetensors: int | None, gguf: int | None, base_params: int | None,
                               base_active: int | None) -> None:
    record = rec(name, st_total=safetensors, gguf=gguf)
    base = SizeInfo(base_params, "safetensors", base_active) if base_params else None
    info = estimate(record, base)
    meta = safetensors or gguf or None
    named = parse_name_size(name) if not is_add_on(record) else None
    reference = named.reference if named else None
    # unknown only when nothing at all is known
    assert (info.params is None) == (meta is None and base_params is None and reference is None)
    assert (info.source is None) == (info.params is None)
    if base_params is not None:
        # a re-upload's size is its base's whenever the base is known
        assert (info.params, info.source) == (base_params, "base")
    elif meta is not None:
        # the guard only ever raises a metadata count, and only past a real gap
        assert info.params is not None and info.params >= meta
        if info.source == "name":
            assert info.params >= PACKED_NAME_RATIO * meta
        else:
            assert info.source == ("safetensors" if safetensors else "gguf") and info.params == meta
            # a larger metadata count is never overruled where a smaller one was kept
            bigger = rec(name, st_total=meta * 2) if safetensors else rec(name, gguf=meta * 2)
            assert estimate(bigger, base).params == meta * 2
    elif reference is not None:
        assert (info.params, info.source) == (reference, "name")
    if info.params is not None and info.active_params is not None:
        assert info.active_params <= info.params
    assert info.band == band_of(info.params)


def test_packing_and_add_on_signals() -> None:
    assert is_packed(rec("lmstudio-community/Qwen3-30B-A3B-MLX-4bit"))
    assert is_packed(rec("org/model", library="mlx"))
    assert is_packed(rec("org/model", tags=("4-bit", "bitsandbytes")))
    assert is_packed(rec("rdtand/Qwen3.6-35B-A3B-PrismaQuant-4.75bit-vllm"))
    assert not is_packed(rec("Qwen/Qwen3-32B-FP8"))
    assert not is_packed(rec("org/model", tags=("base_model:quantized:org/base-AWQ",)))
    assert is_add_on(rec("org/adapter", library="peft"))
    assert is_add_on(rec("org/thing"), "adapter")
    assert is_add_on(rec("z-lab/Qwen3.6-35B-A3B-DFlash"))
    assert not is_add_on(rec("unsloth/Qwen3.6-27B-MTP-GGUF"))


def test_estimator_follows_lineage_through_metadata_and_card_data() -> None:
    base = from_hub_json({"id": "Qwen/Qwen3.6-27B", "safetensors": {"parameters": {}, "total": 27_781_427_952}})
    by_tag = from_hub_json({"id": "unsloth/Qwen3.6-27B-MTP-GGUF", "tags": list(quantized_of("Qwen/Qwen3.6-27B"))})
    by_card = from_hub_json({"id": "someone/q-mlx", "library_name": "mlx",
                             "safetensors": {"parameters": {}, "total": 4_300_000_000},
                             "cardData": {"base_model": "Qwen/Qwen3.6-27B", "base_model_relation": "quantized"}})
    finetune = from_hub_json({"id": "someone/tuned", "tags": ["base_model:finetune:Qwen/Qwen3.6-27B"]})
    lineage = Lineage([base, by_tag, by_card, finetune])
    sizes = SizeEstimator([base, by_tag, by_card, finetune], lineage)
    assert sizes(by_tag) == SizeInfo(27_781_427_952, "base")
    assert sizes(by_card) == SizeInfo(27_781_427_952, "base")
    assert sizes(finetune) == SizeInfo(None, None)  # a finetune may change the size: not inherited
    assert sizes.size("nobody/absent") == SizeInfo(None, None)


def test_estimator_survives_a_cycle_in_lineage() -> None:
    a = rec("org/a-GGUF", tags=quantized_of("org/b-GGUF"))
    b = rec("org/b-GGUF", st_total=7 * B, tags=quantized_of("org/a-GGUF"))
    sizes = SizeEstimator([a, b])
    assert sizes(a) == SizeInfo(7 * B, "base")
    assert sizes(b) == SizeInfo(7 * B, "safetensors")


# --- bands and filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "band"),
    [(1, "tiny"), (999_999_999, "tiny"), (10**9, "small"), (9_500_000_000, "small"), (9_999_999_999, "small"),
     (10**10, "medium"), (99_999_999_999, "medium"), (10**11, "large"), (2_400_000_000_000, "large"),
     (None, None)],
)
def test_band_boundaries(params: int | None, band: str | None) -> None:
    assert band_of(params) == band


@given(st.integers(min_value=0, max_value=10**13))
def test_every_count_has_exactly_one_band(params: int) -> None:
    inside = [b for b, (low, high) in BAND_BOUNDS.items() if low <= params and (high is None or params < high)]
    assert inside == [band_of(params)]


def test_size_filter_bounds_and_errors() -> None:
    assert SizeFilter.build() is None
    assert SizeFilter.build(include_unknown=True) is None
    small = SizeFilter.build(size="small")
    assert small is not None and small.bounds == (10**9, 10**10 - 1)
    both = SizeFilter.build(size=SizeBand.medium, min_params="20B", max_params="1T")
    assert both is not None and both.bounds == (20 * B, 10**11 - 1)
    with pytest.raises(UsageError, match=r"^min_params 70B is above max_params 7B") as above:
        SizeFilter.build(min_params="70B", max_params="7B")
    assert above.value.for_cli().startswith("--min-params 70B is above --max-params 7B")
    with pytest.raises(UsageError, match=r"^size tiny min_params 7B: no size can match") as empty:
        SizeFilter.build(size="tiny", min_params="7B")
    assert empty.value.for_cli().startswith("--size tiny --min-params 7B: no size can match")
    with pytest.raises(UsageError, match=r"^min_params: '7 billion'"):
        SizeFilter.build(min_params="7 billion")
    with pytest.raises(UsageError, match="use tiny, small, medium, large"):
        SizeFilter.build(size="huge")
    assert SizeFilter.build(size="LARGE") == SizeFilter(band=SizeBand.large)


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12),
       st.one_of(st.none(), st.sampled_from(list(SizeBand))), st.integers(min_value=0, max_value=10**13))
def test_size_filter_accepts_exactly_its_range(low: int, high: int, band: SizeBand | None, params: int) -> None:
    assume(low <= high)
    try:
        flt = SizeFilter.build(size=band, min_params=f"{low}e0", max_params=f"{high}e0")  # counts, not billions
    except UsageError:
        band_low, band_high = BAND_BOUNDS[band]  # type: ignore[index]
        assert high < band_low or (band_high is not None and low >= band_high)
        return
    assert flt is not None
    expected = low <= params <= high and (band is None or band_of(params) == band)
    assert flt.accepts(SizeInfo(params, "safetensors")) == expected
    assert not flt.accepts(SizeInfo(None, None))


def test_size_listing_ranks_in_band_counts_unknowns_and_cuts_to_limit() -> None:
    sizes = {"a": 500 * 10**6, "b": None, "c": 7 * B, "d": 8 * B, "e": None, "f": 3 * B, "g": None, "h": 9 * B}
    ranked = [rec(f"org/{k}") for k in sizes]

    def size_of(record: ModelRecord) -> SizeInfo:
        value = sizes[record.name]
        return SizeInfo(value, "safetensors" if value else None)

    plain = size_listing(ranked, size_of)
    assert [(r.rank, r.band_rank) for r in plain.rows] == [(1, 1), (2, None), (3, 1), (4, 2), (5, None), (6, 3),
                                                           (7, None), (8, 4)]
    small = SizeFilter.build(size="small")
    cut = size_listing(ranked, size_of, small, limit=2)
    assert [(r.record.name, r.rank, r.band_rank) for r in cut.rows] == [("c", 3, 1), ("d", 4, 2)]
    assert (cut.scanned, cut.matched, cut.unknown_left_out) == (8, 4, 3)  # b, e and g: all that was looked through
    assert wording(unknown_footnote(cut) or "", as_flag) == (
        "3 models of unknown size left out of the 8 looked through; --include-unknown keeps them")
    # the same count whatever the limit (it was 1 with --limit 2 and 3 with --limit 4)
    assert {size_listing(ranked, size_of, small, limit=n).unknown_left_out for n in (1, 2, 4, 8)} == {3}
    keep = size_listing(ranked, size_of, SizeFilter.build(size="small", include_unknown=True), limit=3)
    assert [r.record.name for r in keep.rows] == ["b", "c", "d"]
    assert unknown_footnote(keep) is None
    short = size_listing(ranked, size_of, SizeFilter.build(size="large"), limit=5)
    assert short.rows == [] and short.unknown_left_out == 3
    assert wording(unknown_footnote(short) or "", as_flag) == (
        "3 models of unknown size left out of the 8 looked through; --include-unknown keeps them")


def test_filter_depth_looks_deeper_than_the_rows_shown() -> None:
    assert filter_depth(20) == 1000
    assert filter_depth(400) == 2000
    assert filter_depth(5000) == 10_000
    assert filter_depth(50_000) == 50_000
