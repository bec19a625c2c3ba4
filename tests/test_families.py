"""Grouping listed models into families, authors and series, with shares and concentration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hub_models
from hubradar.analysis.families import group_models, series_of
from hubradar.analysis.lineage import Lineage
from hubradar.core.record import ModelRecord, records_from_hub_json
from test_lineage import rec


@pytest.fixture(scope="module")
def day() -> list[ModelRecord]:
    records, _ = records_from_hub_json(hub_models())
    return records


def _downloads(records: list[ModelRecord], ids: set[str]) -> int:
    return sum(r.downloads or 0 for r in records if r.id in ids)


def test_qwen38_family_rolls_up_its_untagged_reuploads(day: list[ModelRecord]) -> None:
    grouping = group_models(day, "family")
    family = next(g for g in grouping.groups if g.key == "Qwen/Qwen3.8-27B")
    members = {m.id: m for m in family.members}
    assert set(members) == {"Qwen/Qwen3.8-27B", "Qwen/Qwen3.8-27B-FP8", "unsloth/Qwen3.8-27B-GGUF",
                            "unsloth/Qwen3.8-27B-NVFP4"}
    assert members["Qwen/Qwen3.8-27B"].relation == "base" and not members["Qwen/Qwen3.8-27B"].inferred
    assert members["unsloth/Qwen3.8-27B-GGUF"].relation == "quantized" and members["unsloth/Qwen3.8-27B-GGUF"].inferred
    assert family.downloads == _downloads(day, set(members))
    base = next(r for r in day if r.id == "Qwen/Qwen3.8-27B")
    assert family.base_downloads == base.downloads
    assert family.base_share == pytest.approx(base.downloads / family.downloads)
    # The re-upload out-downloads the base: rolled up, the family ranks far above the base alone.
    assert members["unsloth/Qwen3.8-27B-GGUF"].downloads > base.downloads
    assert family.members[0].id == "unsloth/Qwen3.8-27B-GGUF"


def test_tagged_and_untagged_reuploads_join_one_family(day: list[ModelRecord]) -> None:
    family = next(g for g in group_models(day, "family").groups if g.key == "Qwen/Qwen3.6-27B")
    by_id = {m.id: m for m in family.members}
    assert by_id["unsloth/Qwen3.6-27B-MTP-GGUF"].inferred is False  # lineage tags
    assert by_id["Qwen/Qwen3.6-27B-FP8"].inferred is True  # name only


def test_every_listed_model_is_in_exactly_one_group(day: list[ModelRecord]) -> None:
    for by in ("family", "author", "series"):
        grouping = group_models(day, by)
        ids = [m.id for g in grouping.groups for m in g.members]
        assert sorted(ids) == sorted(r.id for r in day)
        assert grouping.total_downloads == sum(r.downloads or 0 for r in day)
        assert sum(g.share for g in grouping.groups) == pytest.approx(1.0)
        shares = sorted((g.share for g in grouping.groups), reverse=True)
        assert grouping.concentration[1] == pytest.approx(shares[0])
        assert grouping.concentration[5] == pytest.approx(sum(shares[:5]))
        assert grouping.concentration[10] == pytest.approx(sum(shares[:10]))
        assert all(g.ecosystem_downloads >= g.downloads for g in grouping.groups)


def test_ranking_by_downloads_and_by_summed_trending(day: list[ModelRecord]) -> None:
    by_downloads = group_models(day, "family")
    assert [g.downloads for g in by_downloads.groups] == sorted((g.downloads for g in by_downloads.groups),
                                                                reverse=True)
    trending = group_models(day, "family", rank_by="trending")
    scores = [g.trending_score for g in trending.groups]
    assert scores == sorted(scores, reverse=True)
    top = trending.groups[0]
    assert top.trending_score == pytest.approx(sum(r.trending_score or 0 for r in day
                                                   if r.id in {m.id for m in top.members}))


def test_author_credits_reuploads_to_the_original_author(day: list[ModelRecord]) -> None:
    authors = {g.key: g for g in group_models(day, "author").groups}
    qwen_ids = {m.id for m in authors["Qwen"].members}
    assert "unsloth/Qwen3.8-27B-GGUF" in qwen_ids and "nvidia/Qwen3.6-35B-A3B-NVFP4" in qwen_ids
    # Every unsloth repo in the capture re-uploads someone else's weights: unsloth leads nothing.
    assert "unsloth" not in authors
    assert any(r.id.startswith("unsloth/") for r in day)
    assert authors["Qwen"].base_share < 1.0


def test_series_groups_sizes_and_variants(day: list[ModelRecord]) -> None:
    series = {g.key: g for g in group_models(day, "series").groups}
    qwen3 = {m.id for m in series["Qwen/Qwen3"].members}
    assert {"Qwen/Qwen3-0.6B", "Qwen/Qwen3-8B", "Qwen/Qwen3-8B-AWQ", "Qwen/Qwen3-14B"} <= qwen3
    assert "Qwen/Qwen3.6-27B" not in qwen3
    assert "unsloth/Qwen3.6-27B-NVFP4" in {m.id for m in series["Qwen/Qwen3.6"].members}


@pytest.mark.parametrize(
    ("model_id", "series"),
    [
        ("Qwen/Qwen3-0.6B", "Qwen/Qwen3"),
        ("Qwen/Qwen3-4B", "Qwen/Qwen3"),
        ("Qwen/Qwen3-32B-Instruct", "Qwen/Qwen3"),
        ("Qwen/Qwen3-32B-Instruct-AWQ", "Qwen/Qwen3"),
        ("Qwen/Qwen3.6-35B-A3B", "Qwen/Qwen3.6"),
        ("google/gemma-4-E2B-it", "google/gemma-4"),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral"),
        ("nvidia/parakeet-tdt-0.6b-v2", "nvidia/parakeet-tdt"),
        ("zai-org/GLM-5.1", "zai-org/GLM-5.1"),  # no size: its own series
        ("gpt2", "gpt2"),
    ],
)
def test_series_of(model_id: str, series: str) -> None:
    assert series_of(model_id) == series


def test_ecosystem_counts_finetunes_and_their_reuploads() -> None:
    records = [
        rec("lab/Base-7B", 100),
        rec("q/Base-7B-GGUF", 50, parent="lab/Base-7B"),
        rec("tuner/Chat-7B", 30, parent="lab/Base-7B", relation="finetune"),
        rec("q/Chat-7B-GGUF", 20, parent="tuner/Chat-7B"),
        rec("x/Adapter", 5, parent="tuner/Chat-7B", relation="adapter"),
    ]
    groups = {g.key: g for g in group_models(records, "family").groups}
    assert set(groups) == {"lab/Base-7B", "tuner/Chat-7B", "x/Adapter"}
    base, chat = groups["lab/Base-7B"], groups["tuner/Chat-7B"]
    assert (base.downloads, base.ecosystem_downloads, base.derivatives) == (150, 205, 3)
    assert (chat.downloads, chat.ecosystem_downloads, chat.derivatives) == (50, 55, 1)
    assert chat.derived_from is not None and chat.derived_from.parent == "lab/Base-7B"
    assert base.derived_from is None
    assert groups["x/Adapter"].ecosystem_downloads == 5


def test_a_family_whose_base_is_not_listed() -> None:
    records = [rec("q/Base-7B-GGUF", 50, parent="lab/Base-7B"), rec("r/Base-7B-AWQ", 10, parent="lab/Base-7B")]
    [group] = group_models(records, "family").groups
    assert group.key == "lab/Base-7B"
    assert group.downloads == 60
    assert group.base_downloads is None and group.base_share is None


def test_unknown_downloads_count_as_zero_but_stay_unknown_on_the_member() -> None:
    records = [rec("lab/M", None), rec("lab/M-GGUF", 7)]
    [group] = group_models(records, "family").groups
    assert group.downloads == 7
    assert {m.id: m.downloads for m in group.members} == {"lab/M": None, "lab/M-GGUF": 7}
    assert group.base_share == 0


def test_cycles_are_reported_and_grouped_once() -> None:
    records = [rec("a/A", 10, parent="b/B"), rec("b/B", 99, parent="a/A")]
    grouping = group_models(records, "family")
    assert [g.key for g in grouping.groups] == ["b/B"]
    assert [child for child, _ in grouping.broken] == ["b/B"]


def test_nothing_listed() -> None:
    grouping = group_models([], "author")
    assert grouping.groups == [] and grouping.total_downloads == 0
    assert grouping.concentration == {1: None, 5: None, 10: None}


def test_bad_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="grouping"):
        group_models([], "license")


def test_a_duplicate_row_counts_once() -> None:
    records = [rec("lab/M", 10), rec("lab/M-GGUF", 5), rec("lab/M-GGUF", 7)]
    grouping = group_models(records, "family")
    [group] = grouping.groups
    assert group.downloads == 17 and grouping.models == 2
    assert [m.id for m in group.members] == ["lab/M", "lab/M-GGUF"]


_FAMILY_IDS = ["lab/M-7B", "LAB/m-7b", "lab/M-7B-GGUF", "q/M-7B-AWQ", "unsloth/M-7B", "tuner/M-7B-Chat",
               "tuner/M-7B-Chat-GGUF", "other/N-3B", "x", "q/N-3B-GGUF"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(
    lambda model_id, parent, relation, downloads, likes, trending: rec(
        model_id, downloads, parent=parent, relation=relation) if likes is None else ModelRecord(
        id=model_id, downloads=downloads, likes=likes, trending_score=trending, downloads_all_time=likes,
        tags=(f"base_model:{relation}:{parent}",) if parent else ()),
    st.sampled_from(_FAMILY_IDS), st.sampled_from([None, *_FAMILY_IDS]),
    st.sampled_from(["quantized", "finetune", "merge"]), st.sampled_from([None, 0, 1, 5, 5, 100]),
    st.sampled_from([None, 0, 3]), st.sampled_from([None, 0.0, 0.5, 2.0])), max_size=12),
    st.sampled_from(["family", "author", "series"]), st.sampled_from(["downloads", "trending", "likes", "all-time"]),
    st.integers(min_value=1, max_value=6))
def test_the_top_groups_are_the_start_of_the_full_ranking(records: list[ModelRecord], by: str, rank_by: str,
                                                           n: int) -> None:
    """`top(n)` sorts only the groups that can be in it and reads their numbers only then: the
    same groups, with the same numbers, as ranking them all."""
    every = group_models(records, by, rank_by).groups
    shown = group_models(records, by, rank_by).top(n)
    assert [(g.key, g.downloads, g.likes, g.trending_score, g.downloads_all_time, g.base_downloads,
             g.ecosystem_downloads, g.derivatives) for g in shown] == [
        (g.key, g.downloads, g.likes, g.trending_score, g.downloads_all_time, g.base_downloads,
         g.ecosystem_downloads, g.derivatives) for g in every[:n]]
    metric = {"downloads": "downloads", "trending": "trending_score", "likes": "likes",
              "all-time": "downloads_all_time"}[rank_by]
    order = [(-getattr(g, metric), -g.downloads, g.key) for g in every]
    assert order == sorted(order)
    for group in every:
        members = group.records
        assert group.downloads == sum(r.downloads or 0 for r in members)
        assert group.likes == sum(r.likes or 0 for r in members)
        assert group.downloads_all_time == sum(r.downloads_all_time or 0 for r in members)
        assert group.trending_score == pytest.approx(sum(r.trending_score or 0 for r in members))
        assert group.ecosystem_downloads >= group.downloads


def _plain_groups(records: list[ModelRecord], by: str) -> dict[str, tuple]:
    """Every group's numbers by their definitions, one record and one walk at a time: the group
    is the key of the record's family root (`Lineage.family_root`); a family's downloads also
    count, with its number of records, for every other group its lineage leads up to."""
    lineage = Lineage(records)
    listed = lineage.records

    def key_of(root: str) -> str:
        if by == "family":
            return root  # two listed ids differing in case only are two repos
        if by == "series":
            return series_of(root).lower()
        return (listed[root].org if root in listed else root.split("/", 1)[0]).lower()

    families: dict[str, list[ModelRecord]] = {}
    for record in listed.values():
        families.setdefault(lineage.family_root(record.id), []).append(record)
    groups: dict[str, list] = {}
    for root, members in families.items():
        group = groups.setdefault(key_of(root), [[], 0, 0, None])
        group[0].extend(members)
        if root in listed:
            group[3] = (group[3] or 0) + (listed[root].downloads or 0)
    for root, members in families.items():
        up: list[str] = []  # the groups above this family, nearest first, each once
        node = root
        while (link := lineage.links.get(node)) is not None:
            node = lineage.family_root(link.parent)
            if by == "family" and node not in families:
                break
            if key_of(node) != key_of(root) and key_of(node) not in up:
                up.append(key_of(node))
        for key in up:
            if key in groups:
                groups[key][1] += sum(r.downloads or 0 for r in members)
                groups[key][2] += len(members)
    return {key: (sorted(r.id for r in members), sum(r.downloads or 0 for r in members) + eco, derivatives, base)
            for key, (members, eco, derivatives, base) in groups.items()}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(
    lambda model_id, parent, relation, downloads: rec(model_id, downloads, parent=parent, relation=relation),
    st.sampled_from([*_FAMILY_IDS, "tuner/Other-1B", "x/M-7B-Chat-Tune", "lab/M-13B"]),
    st.sampled_from([None, *_FAMILY_IDS, "gone/M-7B"]), st.sampled_from(["quantized", "finetune", "adapter", "merge"]),
    st.sampled_from([None, 0, 1, 5, 100])), max_size=14),
    st.sampled_from(["family", "author", "series"]))
def test_groups_follow_the_plain_definitions(records: list[ModelRecord], by: str) -> None:
    """Members, ecosystem downloads, derivatives and base downloads of every group, against
    `_plain_groups` (author and series keys differing in case only are one group)."""
    grouping = group_models(records, by)
    got = {(g.key if by == "family" else g.key.lower()):
           (sorted(r.id for r in g.records), g.ecosystem_downloads, g.derivatives, g.base_downloads)
           for g in grouping.groups}
    assert got == _plain_groups(records, by)


def test_an_author_counts_each_derivative_once() -> None:
    """A group's first family must not take in the records of the families merged into it: `Y`
    has two derivatives (the finetune and its re-upload), not four."""
    records = [
        rec("Y/B", 100),
        rec("X/A", 30, parent="Y/B", relation="finetune"),
        rec("X/A-GGUF", 20, parent="X/A"),
        rec("X/C", 5),
        rec("X/D", 1),
    ]
    authors = {g.key: g for g in group_models(records, "author").groups}
    assert (authors["Y"].ecosystem_downloads, authors["Y"].derivatives) == (150, 2)
    assert (authors["X"].downloads, authors["X"].member_count) == (56, 4)
