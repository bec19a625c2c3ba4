"""core/ on its own: the vocabulary and the CLI choices made from it, the listing query, the
errors' wording, the one id rule, moments and sizes. No I/O, so no stand-in Hub here (except
where the CLI is asked to parse a choice)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from hubradar.cli.options import AdoptionChoice, GroupChoice, HistoryGroup, HistorySort, TopSort
from hubradar.core.errors import (
    HubBadResponse,
    HubError,
    HubradarError,
    HubRateLimited,
    HubUnreachable,
    UnknownTask,
    UsageError,
    as_flag,
    param,
    wording,
)
from hubradar.core.query import SIGNAL_DEPTH, ListingQuery, SignalRequest, apply_locally, rank, sort_value
from hubradar.core.record import ModelRecord, Provider, hub_id_of, is_model_id, plain_name
from hubradar.core.sizes import UNKNOWN, SizeBand, SizeFilter, SizeInfo
from hubradar.core.time import EPOCH, from_iso, parse_moment, parse_since, parse_time, resolve_since, to_iso
from hubradar.core.vocabulary import (
    ADOPTION,
    ADOPTION_KINDS,
    GROUP_SORTS,
    GROUPS,
    HISTORY_GROUPS,
    HISTORY_SORTS,
    LISTING_SORTS,
    SIGNALS,
    SORT_OF_HUB,
    SORTS,
    TOP_SORTS,
    check,
    sorts,
)
from hubserver import SORT_KEYS

NOW = datetime(2026, 8, 21, 12, 0, tzinfo=UTC)
RECORD_FIELDS = {f.name for f in dataclasses.fields(ModelRecord)}


def rec(model_id: str, **fields: object) -> ModelRecord:
    return ModelRecord(id=model_id, **fields)  # type: ignore[arg-type]


# --- the vocabulary ---------------------------------------------------------------------------------


def test_every_sort_asks_the_hub_for_a_sort_it_knows() -> None:
    # The stand-in Hub answers 400 to a sort the real one rejects: its list is the Hub's, not ours.
    assert {spec.hub for spec in SORTS.values()} <= SORT_KEYS


def test_the_derived_sort_lists_follow_the_table() -> None:
    assert LISTING_SORTS == ("trending", "downloads", "likes", "created")
    assert SIGNALS == ("providers", "derivatives", "ram")
    assert TOP_SORTS == ("trending", "downloads", "likes", "all-time", "providers", "derivatives", "ram")
    assert HISTORY_SORTS == ("trending", "downloads", "likes")
    assert GROUP_SORTS == ("trending", "downloads", "likes", "all-time")
    assert sorts(signal=True, history=True) == ()
    # What a listing fetches is named by its own sort: `downloads`, not the all-time or signal
    # sorts that share the downloads listing.
    assert SORT_OF_HUB == {"trendingScore": "trending", "downloads": "downloads", "likes": "likes",
                           "createdAt": "created"}


def test_a_sort_the_hub_cannot_serve_ranks_by_a_record_field() -> None:
    for name, spec in SORTS.items():
        if not spec.signal:
            assert spec.column in RECORD_FIELDS, name
        assert ("{depth}" in spec.title) == spec.signal, name  # a signal's title says how deep it looked


def test_groups_and_adoption_kinds() -> None:
    assert tuple(GROUPS) == ("family", "author", "series")
    assert HISTORY_GROUPS == ("family",)
    assert ADOPTION_KINDS == ("downloads", "derivatives", "providers", "ram")
    assert [name for name, spec in ADOPTION.items() if spec.looked_up] == ["derivatives"]


def test_check_names_the_choices() -> None:
    check("family", GROUPS, "grouping")
    with pytest.raises(ValueError, match=r"^unknown grouping 'famly'; expected one of family, author, series$"):
        check("famly", GROUPS, "grouping")


# --- the CLI's choices, derived from the vocabulary ---------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "table"),
    [(TopSort, TOP_SORTS), (HistorySort, HISTORY_SORTS), (GroupChoice, tuple(GROUPS)),
     (HistoryGroup, HISTORY_GROUPS), (AdoptionChoice, ADOPTION_KINDS)],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_cli_choice_is_its_vocabulary_table(choice: type, table: tuple[str, ...]) -> None:
    assert tuple(member.value for member in choice) == table  # type: ignore[attr-defined]
    # a member name is a Python identifier; its value is the library's name
    assert all(member.name == member.value.replace("-", "_") for member in choice)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "choices"),
    [(("top", "--sort", "created"), TOP_SORTS), (("movers", "--sort", "all-time"), HISTORY_SORTS),
     (("top", "--group", "org"), tuple(GROUPS)), (("movers", "--group", "author"), HISTORY_GROUPS),
     (("gaps", "--adoption", "likes"), ADOPTION_KINDS)],
)
def test_the_cli_offers_exactly_the_vocabulary(run, args: tuple[str, ...], choices: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.code == 2
    assert "is not one of " + ", ".join(f"'{c}'" for c in choices) + "." in result.err


def test_a_cli_choice_reaches_the_library_as_its_name(run) -> None:
    result = run("top", "--sort", "ALL-TIME", "--offline", "--limit", "2", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["query"]["sort"] == "all-time"


# --- ListingQuery ------------------------------------------------------------------------------------


def test_a_query_refuses_an_unknown_sort_and_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown sort 'downlaods'; expected one of trending, downloads"):
        ListingQuery(sort="downlaods")
    assert ListingQuery(sort="derivatives").hub_sort == "downloads"


def test_the_key_is_the_request_without_its_limit() -> None:
    query = ListingQuery(sort="downloads", task="text-generation", filters=("gguf", "license:mit"), limit=5)
    assert query.key() == query.with_limit(5000).key()
    assert json.loads(query.key()) == {"sort": "downloads", "task": "text-generation",
                                       "filters": ["gguf", "license:mit"]}
    assert ListingQuery(filters=("b", "a")).key() == ListingQuery(filters=("a", "b")).key()
    assert ListingQuery(sort="all-time").key() == ListingQuery(sort="downloads").key()  # the listing fetched
    assert ListingQuery(sort="trending").key() != ListingQuery(sort="likes").key()
    assert ListingQuery().describe() == {"sort": "trending", "limit": 20}


def test_matches_decides_as_the_hub_would() -> None:
    model = rec("Qwen/Qwen3-8B-GGUF", author="Qwen", task="text-generation", library="gguf",
                tags=("gguf", "license:apache-2.0", "feature-extraction"),
                providers=(Provider("together", "live"), Provider("novita", "staging")))
    assert ListingQuery().matches(model)
    assert ListingQuery(task="text-generation", author="qwen", search="qwen3-8b", library="gguf",
                        filters=("license:apache-2.0",), inference_provider="together").matches(model)
    assert not ListingQuery(task="feature-extraction").matches(model)  # the field, not the tags
    assert not ListingQuery(author="Qwe").matches(model)
    assert not ListingQuery(search="llama").matches(model)
    assert not ListingQuery(filters=("gguf", "license:mit")).matches(model)
    assert ListingQuery(inference_provider="all").matches(model)
    assert not ListingQuery(inference_provider="novita").matches(model)  # staging serves nothing
    assert not ListingQuery(inference_provider="all").matches(rec("a/b"))  # the listing did not say
    assert ListingQuery(library="mlx").matches(rec("a/b", library="transformers", tags=("mlx",)))
    assert ListingQuery(author="solo").matches(rec("solo-model", author="solo"))  # no org: the author


def test_rank_puts_unknown_last_and_keeps_the_hub_order_on_ties() -> None:
    rows = [rec("a", downloads=5), rec("b"), rec("c", downloads=9), rec("d", downloads=5)]
    assert [r.id for r in rank(rows, "downloads")] == ["c", "a", "d", "b"]
    dated = [rec("old", created_at="2024-01-01T00:00:00Z"), rec("unknown"),
             rec("new", created_at="2026-01-01T00:00:00Z")]
    assert [r.id for r in rank(dated, "created")] == ["new", "old", "unknown"]
    assert sort_value(rec("x", downloads_all_time=7), "all-time") == 7


def test_apply_locally_filters_ranks_and_cuts() -> None:
    rows = [rec(f"org/m{i}", likes=i, task="text-generation" if i % 2 else "fill-mask") for i in range(10)]
    answer = apply_locally(rows, ListingQuery(sort="likes", task="text-generation", limit=3))
    assert [r.id for r in answer] == ["org/m9", "org/m7", "org/m5"]


def test_a_signal_request_says_what_it_shows() -> None:
    assert SignalRequest().shown == () and SignalRequest().describe() == {}
    assert SignalRequest(derivatives=True).shown == ("derivatives",)
    assert SignalRequest(derivatives=True).describe() == {"derivatives": True}
    ranked = SignalRequest(sort="providers", derivatives=True, limit=5)
    assert ranked.shown == ("providers", "derivatives")
    assert ranked.describe() == {"sort": "providers", "limit": 5, "depth": SIGNAL_DEPTH}
    assert SignalRequest(sort="derivatives", derivatives=True).shown == ("derivatives",)  # once


# --- errors: a parameter for the library, a flag for the CLI ------------------------------------------


def test_a_message_names_a_parameter_for_each_reader() -> None:
    message = f"{param('min_params')} 70B is above {param('max_params')} 7B"
    assert wording(message) == "min_params 70B is above max_params 7B"
    assert wording(message, as_flag) == "--min-params 70B is above --max-params 7B"
    assert wording(message, str.upper) == "MIN_PARAMS 70B is above MAX_PARAMS 7B"
    assert wording("nothing to spell") == "nothing to spell"
    error = UsageError(message)
    assert str(error) == "min_params 70B is above max_params 7B"
    assert error.for_cli() == "--min-params 70B is above --max-params 7B"


def test_errors_carry_their_exit_code_and_what_they_are_about() -> None:
    assert HubradarError("x").exit_code == 1 and UsageError("x").exit_code == 2
    task = UnknownTask("text-generaton", ["text-generation", "text2text-generation"])
    assert task.exit_code == 2 and task.suggestions == ["text-generation", "text2text-generation"]
    assert str(task) == ("task 'text-generaton' matches no models; closest known pipeline tags: "
                         "text-generation, text2text-generation")
    assert task.for_cli().startswith("--task 'text-generaton'")
    assert str(UnknownTask("zzz", [])) == "task 'zzz' matches no models"
    limited = HubRateLimited("slow down", status=429, retry_after=120.0)
    assert isinstance(limited, HubUnreachable) and isinstance(limited, HubError)
    assert (limited.status, limited.retry_after) == (429, 120.0)
    assert HubBadResponse("garbled").status is None  # the Hub answered: no status to report
    assert not isinstance(UsageError("x"), HubError)


# --- the one id rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [("Qwen/Qwen3-8B", True), ("gpt2", True), ("org/name.v1_2-x", True), ("Qwen/Qwen3-8B\n", False),
     ("a/b/c", False), ("org/", False), ("/name", False), ("-org/name", False), ("", False),
     ("GPT 4o", False), ("org/na me", False)],
)
def test_is_model_id(text: str, valid: bool) -> None:
    assert is_model_id(text) is valid


def test_plain_name_and_hub_id_of_read_what_people_paste() -> None:
    assert plain_name("  https://huggingface.co/Qwen/Qwen3-8B/tree/main  ") == "Qwen/Qwen3-8B"
    assert plain_name("www.huggingface.co/models/Qwen/Qwen3-8B") == "Qwen/Qwen3-8B"
    assert plain_name("hf.co/Qwen/Qwen3-8B/blob/main/config.json") == "Qwen/Qwen3-8B"
    assert plain_name("Qwen3-8B") == "Qwen3-8B"
    assert hub_id_of("models--Qwen--Qwen3-8B") == "Qwen/Qwen3-8B"  # a huggingface_hub cache folder
    assert hub_id_of("Qwen--Qwen3--8B") == "Qwen/Qwen3--8B"  # only the first `--` separates the org
    assert hub_id_of("https://huggingface.co/Qwen/Qwen3-8B/resolve/main/model.safetensors") == "Qwen/Qwen3-8B"
    assert hub_id_of("a/b/c") is None
    assert hub_id_of("org/name\n") == "org/name"  # surrounding space goes before the rule is applied


# --- moments --------------------------------------------------------------------------------------------


def test_parse_moment_reads_utc_and_refuses_the_future() -> None:
    assert parse_moment("2026-08-01", now=NOW) == datetime(2026, 8, 1, tzinfo=UTC)
    assert parse_moment(" 2026-08-01T19:00 ", now=NOW) == datetime(2026, 8, 1, 19, tzinfo=UTC)  # naive is UTC
    assert parse_moment("2026-08-01T21:00+02:00", now=NOW) == datetime(2026, 8, 1, 19, tzinfo=UTC)
    assert parse_moment("2026-08-21T12:00Z", now=NOW) == NOW  # now itself is not the future
    with pytest.raises(UsageError, match=r"^at: 2026-08-21T12:01Z is in the future \(it is now 2026-08-21T12:00:00Z\)"):
        parse_moment("2026-08-21T12:01Z", now=NOW)
    with pytest.raises(UsageError, match=r"^as_of: 'yesterday' is not a date \(2026-08-01\) or a UTC time") as bad:
        parse_moment("yesterday", "as_of", now=NOW)
    assert bad.value.for_cli().startswith("--as-of: ")


def test_parse_since_and_resolve_since() -> None:
    assert parse_since(" 12h ", now=NOW) == timedelta(hours=12)
    assert parse_since("2w", now=NOW) == timedelta(weeks=2)
    assert parse_since(" 2026-08-01 ", now=NOW) == date(2026, 8, 1)
    with pytest.raises(UsageError, match=r"^from: 'later' is neither a duration"):
        parse_since("later", "from", now=NOW)
    moment = datetime(2026, 8, 1, 19, tzinfo=UTC)
    assert resolve_since(moment, NOW) == moment
    assert resolve_since(timedelta(days=365 * 100), NOW) == EPOCH  # not before the epoch
    assert resolve_since(timedelta.max, NOW) == EPOCH  # nor an overflow
    assert resolve_since(date(2026, 8, 1), NOW) == datetime(2026, 8, 1, tzinfo=UTC)


def test_hub_timestamps_and_iso_round_trips() -> None:
    assert parse_time("2026-08-05T08:22:59.000Z") == datetime(2026, 8, 5, 8, 22, 59, tzinfo=UTC)
    assert parse_time("2026-08-05T08:22:59") == datetime(2026, 8, 5, 8, 22, 59, tzinfo=UTC)
    assert parse_time("not a time") is None and parse_time(None) is None and parse_time("") is None
    plus_two = datetime(2026, 8, 5, 10, 22, 59, tzinfo=timezone(timedelta(hours=2)))
    assert to_iso(plus_two) == "2026-08-05T08:22:59Z"
    assert from_iso(to_iso(plus_two)) == plus_two


# --- sizes as a query states them ------------------------------------------------------------------------


def test_a_size_filter_describes_itself_for_each_reader() -> None:
    flt = SizeFilter.build(size="medium", min_params="20B", max_params="1T", include_unknown=True)
    assert flt is not None
    assert str(HubradarError(flt.describe())) == "size medium min_params 20B max_params 1T"
    assert HubradarError(flt.describe()).for_cli() == "--size medium --min-params 20B --max-params 1T"
    assert flt.to_dict() == {"size": "medium", "min_params": 20 * 10**9, "max_params": 10**12,
                             "include_unknown": True}
    assert flt.bounds == (20 * 10**9, 10**11 - 1)  # the band's end comes first


def test_a_size_filter_keeps_unknown_sizes_only_when_asked() -> None:
    keep = SizeFilter(band=SizeBand.small, include_unknown=True)
    drop = SizeFilter(band=SizeBand.small)
    assert keep.accepts(UNKNOWN) and not drop.accepts(UNKNOWN)
    seven = SizeInfo(7 * 10**9, "safetensors", active_params=10**9)
    assert seven.band is SizeBand.small and keep.accepts(seven) and drop.accepts(seven)
    assert not SizeFilter(max_params=10**9 - 1).accepts(SizeInfo(10**9, "name"))
    assert UNKNOWN.band is None
