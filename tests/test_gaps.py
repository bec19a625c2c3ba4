"""The parts of `gaps` that need no Hub: percentiles, Wilson intervals, labels, matching, the scatter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import hub_models
from hubradar.analysis.gaps import (
    CONSENSUS,
    NEITHER,
    OPPORTUNITY,
    UNCERTAIN,
    UNKNOWN,
    WARNING,
    label_for,
    percentile_ranks,
    wilson,
)
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.matching import Ambiguous, Found, ModelIndex, closed_vendor, shares_more_than_a_prefix
from hubradar.core.record import ModelRecord, hub_id_of, records_from_hub_json
from hubradar.render.scatter import Point, Scatter, to_plain

# --- percentiles ---------------------------------------------------------------------------------


def test_percentiles_are_midranks() -> None:
    assert percentile_ranks([30.0, 10.0, 20.0]) == pytest.approx([500 / 6, 100 / 6, 50.0])
    # ties share the mean of the ranks they span
    assert percentile_ranks([1.0, 2.0, 2.0, 3.0]) == [12.5, 50.0, 50.0, 87.5]
    assert percentile_ranks([7.0]) == [50.0]
    assert percentile_ranks([4.0, 4.0, 4.0]) == [50.0, 50.0, 50.0]


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=60))
def test_percentiles_average_50_and_follow_the_order(values: list[int]) -> None:
    pcts = percentile_ranks([float(v) for v in values])
    assert sum(pcts) / len(pcts) == pytest.approx(50.0)
    assert all(0 < p < 100 for p in pcts)
    for a, pa in zip(values, pcts, strict=True):
        for b, pb in zip(values, pcts, strict=True):
            assert (a < b) == (pa < pb)


# --- Wilson ------------------------------------------------------------------------------------


def test_wilson_matches_the_textbook_values() -> None:
    # 5 of 10 and 0 of 10 (Newcombe 1998, method 3)
    assert wilson(0.5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0.0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(1.0, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)


@given(st.integers(min_value=1, max_value=2000), st.data())
def test_wilson_contains_the_rate_and_narrows_with_more_tasks(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    p = k / n
    lo, hi = wilson(p, n)
    assert 0.0 <= lo <= p <= hi <= 1.0
    lo4, hi4 = wilson(p, 4 * n)
    assert hi4 - lo4 < hi - lo


# --- labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quality", "adoption", "interval", "expected"),
    [
        (80.0, 20.0, None, OPPORTUNITY),
        (50.0, 49.9, None, OPPORTUNITY),  # 50 is the median: it counts as at or above
        (20.0, 80.0, None, WARNING),
        (50.0, 50.0, None, CONSENSUS),
        (49.9, 10.0, None, NEITHER),
        (80.0, 20.0, (0.62, 0.78), UNCERTAIN),  # the interval includes the median score 0.70
        (20.0, 80.0, (0.55, 0.70), UNCERTAIN),  # touching the median counts as including it
        (80.0, 20.0, (0.71, 0.90), OPPORTUNITY),
        (80.0, 80.0, (0.40, 0.95), CONSENSUS),  # only opportunity and warning become uncertain
        (80.0, None, None, UNKNOWN),
    ],
)
def test_labels_follow_the_percentiles(quality: float, adoption: float | None,
                                       interval: tuple[float, float] | None, expected: str) -> None:
    assert label_for(quality, adoption, interval, 0.70) == expected


# --- matching ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> ModelIndex:
    records, _ = records_from_hub_json(hub_models())
    return ModelIndex(records, Lineage(records))


@pytest.mark.parametrize(
    ("written", "model_id", "how"),
    [
        ("Qwen/Qwen3-8B", "Qwen/Qwen3-8B", "exact"),
        ("  qwen/QWEN3-8b ", "Qwen/Qwen3-8B", "exact"),
        ("https://huggingface.co/Qwen/Qwen3-8B/tree/main", "Qwen/Qwen3-8B", "exact"),
        ("Qwen--Qwen3-8B", "Qwen/Qwen3-8B", "org--name"),
        ("models--Qwen--Qwen3-8B", "Qwen/Qwen3-8B", "org--name"),  # the huggingface_hub cache folder
        ("gpt-j-6B", "EleutherAI/gpt-j-6b", "name"),
        ("unsloth/Qwen3.6-27B-MTP-GGUF", "unsloth/Qwen3.6-27B-MTP-GGUF", "exact"),
    ],
)
def test_find(index: ModelIndex, written: str, model_id: str, how: str) -> None:
    found = index.find(written)
    assert isinstance(found, Found)
    assert (found.record.id, found.how) == (model_id, how)


def test_a_reupload_leads_to_its_family_base(index: ModelIndex) -> None:
    found = index.find("unsloth/Qwen3.6-27B-MTP-GGUF")
    assert isinstance(found, Found)
    assert index.lineage.family_root(found.record.id) == "Qwen/Qwen3.6-27B"


def test_a_name_two_models_share_is_ambiguous(index: ModelIndex) -> None:
    found = index.find("Qwen3.8-27B-Uncensored-GGUF")
    assert found == Ambiguous("Qwen3.8-27B-Uncensored-GGUF", ("JonathanColetti/Qwen3.8-27B-Uncensored-GGUF",
                                                              "orcarouter/Qwen3.8-27B-Uncensored-GGUF"))


def test_a_name_one_family_shares_is_its_base() -> None:
    base = ModelRecord("acme/Coder-7B", downloads=10)
    mirror = ModelRecord("mirror-org/Coder-7B", tags=("base_model:quantized:acme/Coder-7B",), downloads=99)
    other = ModelRecord("elsewhere/Coder-7B")
    records = [mirror, base]
    assert ModelIndex(records, Lineage(records)).find("coder-7b") == Found(base, "name")
    # Another org's repo of that name is a model of its own when it too is someone's declared base
    # (alone, it would be taken for a mirror of the declared one: see docs/lineage.md).
    fan = ModelRecord("fan/Coder-7B-Chat", tags=("base_model:finetune:elsewhere/Coder-7B",))
    records = [mirror, base, other, fan]
    assert isinstance(ModelIndex(records, Lineage(records)).find("coder-7b"), Ambiguous)
    records = [mirror, base, other]
    assert ModelIndex(records, Lineage(records)).find("coder-7b") == Found(base, "name")


def test_unknown_names_match_nothing_and_get_suggestions(index: ModelIndex) -> None:
    assert index.find("Llama 3.3 70B") is None
    assert index.suggest("Llama 3.3 70B")[0] == "meta-llama/Llama-3.3-70B-Instruct"
    assert index.suggest("Zephyr β-7B")[0] == "HuggingFaceH4/zephyr-7b-beta"
    assert index.find("meta-llama/Llama3-8B-instruct") is None  # an org means an id: no name fallback
    assert index.suggest("xyzzy-unheard-of") == []
    # a quantized file measured locally: not a Hub model, but its base is the first suggestion
    assert index.find("Qwen2.5-Coder-32B-Instruct-Q4_K_M.gguf") is None
    assert index.suggest("Qwen2.5-Coder-32B-Instruct-Q4_K_M.gguf")[0] == "Qwen/Qwen2.5-Coder-32B-Instruct"


def test_a_suggestion_shares_more_than_a_prefix(index: ModelIndex) -> None:
    assert index.suggest("gpt-4o") == []  # was openai-community/gpt2: they share only "gpt"
    assert not [s for s in index.suggest("GPT-Neo-2.7B") if "gpt-oss" in s]  # `gpt-` and nothing else
    assert "meta-llama/Llama-3.2-1B" not in index.suggest("Llama 3.3 70B")  # `llama-3.` and nothing else
    assert index.suggest("Mistral-7B")[0] == "mistralai/Mistral-7B-v0.1"  # the name plus a word
    assert index.suggest("Llama3-8B-instruct")[0] == "meta-llama/Llama-3.1-8B-Instruct"  # `8b-instruct` after it
    assert shares_more_than_a_prefix("gpt-4o", "gpt2") is False
    assert shares_more_than_a_prefix("gpt-4o", "gpt-oss-20b") is False
    assert shares_more_than_a_prefix("zephyr-β-7b", "zephyr-7b-beta") is True  # a word after the beginning
    assert shares_more_than_a_prefix("qwen2.5-coder-32b-instruct-q4-k-m.gguf", "qwen2.5-coder-32b-instruct") is True
    assert shares_more_than_a_prefix("qwen3-8bx", "qwen3-8b") is False  # a longer word, not another word


@pytest.mark.parametrize(("written", "vendor"), [
    ("gpt-4o", "OpenAI"), ("GPT 4o Mini (July 2024)", "OpenAI"), ("GPT-3.5-Turbo (Nov 2023)", "OpenAI"),
    ("gpt-4.1-mini", "OpenAI"), ("gpt-5", "OpenAI"), ("O1 Preview (Sept 2024)", "OpenAI"), ("o3-mini", "OpenAI"),
    ("openai/gpt-4o", "OpenAI"), ("claude-3-opus", "Anthropic"), ("Claude Sonnet 3.5 (June 2024)", "Anthropic"),
    ("Gemini 1.5 Pro 002", "Google"), ("Grok Beta", "xAI"),
    # open weights with a closed model's look, and other orgs' models with a closed model's name
    ("gpt2", None), ("openai/gpt-oss-20b", None), ("GPT-J-6B", None), ("GPT-Neo-2.7B", None), ("gpt4all-j", None),
    ("google/gemma-7b", None), ("xai-org/grok-2", None), ("someone/gpt-4o-distill", None), ("Qwen/Qwen3-8B", None),
])
def test_known_closed_models(written: str, vendor: str | None) -> None:
    assert closed_vendor(written) == vendor


def test_hub_ids_written_every_way() -> None:
    assert hub_id_of("Qwen/Qwen3-8B") == "Qwen/Qwen3-8B"
    assert hub_id_of("Qwen--Qwen3-8B") == "Qwen/Qwen3-8B"
    assert hub_id_of("https://hf.co/Qwen/Qwen3-8B/") == "Qwen/Qwen3-8B"
    assert hub_id_of("Qwen3-8B") is None
    assert hub_id_of("GPT 4o (Aug 2024)") is None


# --- the scatter -------------------------------------------------------------------------------


def test_scatter_places_points_in_their_quadrants() -> None:
    points = [Point(1.0, 90.0, "1"), Point(7.0, 90.0, "2"), Point(1.0, 10.0, "3"), Point(7.0, 10.0, "4"),
              Point(7.0, 10.0, "5")]
    scatter = Scatter(points, x_range=(0.0, 8.0), y_range=(0.0, 100.0), x_ticks=[(0.0, "1"), (8.0, "100M")],
                      y_ticks=[(100.0, "100%"), (0.0, "0%")], x_split=4.0, y_split=50.0,
                      corners={"tl": "opportunity", "br": "warning"})
    text = to_plain(scatter.render(60, 11)).splitlines()
    grid = [line[6:] for line in text[:11]]  # the plot area, right of "100% ┤"
    split_col = next(i for i, ch in enumerate(grid[0]) if ch == "│")
    split_row = next(i for i, line in enumerate(grid) if "┼" in line)

    def where(marker: str) -> tuple[bool, bool]:
        row = next(i for i, line in enumerate(grid) if marker in line)
        return row < split_row, grid[row].index(marker) > split_col

    assert where("1") == (True, False)
    assert where("2") == (True, True)
    assert where("3") == (False, False)
    assert where("+") == (False, True)  # 4 and 5 share a cell
    assert "opportunity" in grid[0] and "warning" in grid[-1]
    assert text[11].strip().startswith("└")
    assert text[12].split() == ["1", "100M"]
    assert len(text[11]) == 60  # the axis spans the width asked for
