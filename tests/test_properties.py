"""Property tests: random bytes and text into the record normalizer, `parse_duration`, `clean` and
every output format. Each may refuse input, but only in its documented way, and never crashes.

(The CSV reader, size parser and name matcher get theirs where they are written.)
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubradar.core.errors import UsageError
from hubradar.core.record import BadRecord, ModelRecord, from_hub_json, records_from_hub_json
from hubradar.core.units import human_count, parse_duration
from hubradar.render.text import clean, emit, to_csv, to_json, to_markdown
from hubradar.store.db import Store
from hubradar.views.view import Column, OutputFormat, View

UNSAFE_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\U000e0000-\U000e007f]"
)
HUB_KEYS = ["id", "modelId", "author", "downloads", "downloadsAllTime", "likes", "trendingScore", "pipeline_tag",
            "library_name", "createdAt", "lastModified", "tags", "safetensors", "gguf", "cardData",
            "inferenceProviderMapping", "childrenModelCount", "gated"]

# Text as hostile as text gets: any code point, lone surrogates included (JSON can carry them).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_values = st.recursive(
    json_scalars,
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(any_text | st.sampled_from(HUB_KEYS), inner, max_size=4)),
    max_leaves=12,
)
plausible_ids = st.from_regex(r"[A-Za-z0-9][\w.\-]{0,12}(/[\w.\-]{1,12})?", fullmatch=True) | any_text
hub_rows = st.fixed_dictionaries(
    {"id": plausible_ids},
    optional={
        **{key: json_values for key in HUB_KEYS if key != "id"},
        "tags": st.lists(any_text | json_scalars, max_size=5),
        "safetensors": st.fixed_dictionaries({}, optional={"total": json_scalars, "parameters": json_values}),
        "cardData": st.fixed_dictionaries({}, optional={"base_model": json_values, "base_model_relation": json_values}),
    },
)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _check_record(record: ModelRecord) -> None:
    """What every later stage relies on, whatever the Hub sent."""
    data = record.to_dict()
    for text in _strings(data):
        text.encode("utf-8")  # no lone surrogate: storable and printable
    for count in (record.downloads, record.downloads_all_time, record.likes, record.safetensors_total,
                  record.gguf_total, record.children_count):
        assert count is None or (isinstance(count, int) and 0 <= count < 2**63)
    assert record.trending_score is None or math.isfinite(record.trending_score)
    assert "\n" not in record.id and re.fullmatch(r"[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?", record.id)
    assert ModelRecord.from_dict(json.loads(json.dumps(data))) == record


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(Path(tmp_path_factory.mktemp("property-store"))) as opened:
        yield opened


@given(json_values)
def test_the_normalizer_reads_any_json_or_refuses_it_as_a_bad_record(value: object) -> None:
    try:
        record = from_hub_json(value)
    except BadRecord:
        return
    _check_record(record)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(hub_rows)
def test_any_hub_row_normalises_to_a_record_the_cache_keeps_exactly(store: Store, row: dict) -> None:
    try:
        record = from_hub_json(row)
    except BadRecord:
        return
    _check_record(record)
    snapshot_id = store.save_snapshot("property", {}, [record], depth=1)
    [info] = [i for i in store.snapshots("property") if i.id == snapshot_id]
    assert store.load(info).records == [record]


@given(st.binary(max_size=200))
def test_random_bytes_as_a_body_or_as_text_never_crash_the_normalizer(raw: bytes) -> None:
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        payload = None
    if payload is not None:
        try:
            records, skipped = records_from_hub_json(payload)
        except BadRecord:
            assert not isinstance(payload, list)
        else:
            assert len(records) + skipped == len(payload)
            for record in records:
                _check_record(record)
    text = raw.decode("utf-8", errors="surrogateescape")  # undecodable bytes become lone surrogates
    row = {"id": "org/name", "pipeline_tag": text, "author": text, "tags": [text, text], "library_name": text,
           "cardData": {"base_model": text}, "gated": text, "createdAt": text}
    _check_record(from_hub_json(row))


@given(any_text)
def test_parse_duration_returns_a_duration_or_a_usage_error_naming_the_option(text: str) -> None:
    try:
        delta = parse_duration(text, "since")
    except UsageError as err:
        assert str(err).startswith("since: ") and err.for_cli().startswith("--since: ")
        assert "\n" not in str(err)
    else:
        assert delta >= timedelta(0)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["s", "m", "h", "d", "w", "", " h", "H", "min"]))
def test_parse_duration_reads_what_people_type(amount: int, unit: str) -> None:
    seconds = {"s": 1, "": 1, "m": 60, "min": 60, "h": 3600, " h": 3600, "H": 3600, "d": 86400, "w": 604800}[unit]
    assert parse_duration(f"{amount}{unit}") == timedelta(seconds=amount * seconds)


@given(any_text)
def test_clean_leaves_nothing_a_terminal_would_act_on(text: str) -> None:
    cleaned = clean(text)
    assert not UNSAFE_RE.search(cleaned)
    assert clean(cleaned) == cleaned


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_clean_keeps_printable_text_as_it_is(text: str) -> None:
    assert clean(text) == text


COLUMNS = [Column("id", "model", "id"), Column("task", "task", "text"), Column("tags", "tags", "list"),
           Column("downloads", "downloads", "count"), Column("created_at", "age", "age")]
view_rows = st.lists(
    st.fixed_dictionaries({
        "id": any_text,
        "task": st.none() | any_text,
        "tags": st.lists(any_text, max_size=3),
        "downloads": st.none() | st.integers(min_value=0, max_value=2**63 - 1),
        "created_at": st.none() | any_text,
    }),
    max_size=5,
)


@given(view_rows)
def test_csv_is_one_valid_row_per_record_whatever_the_text(rows: list[dict]) -> None:
    out = to_csv(View(COLUMNS, rows))
    assert not UNSAFE_RE.search(out.replace("\n", ""))
    assert out.count("\n") == len(rows) + 1  # no text breaks a line
    parsed = list(csv.reader(io.StringIO(out)))
    assert parsed[0] == ["id", "task", "tags", "downloads", "created_at"]
    for row, cells in zip(rows, parsed[1:], strict=True):
        assert cells == [
            clean(row["id"]),
            clean(row["task"]) if row["task"] is not None else "",
            clean(";".join(row["tags"])),
            str(row["downloads"]) if row["downloads"] is not None else "",
            clean(row["created_at"]) if row["created_at"] is not None else "",
        ]


@given(view_rows)
def test_json_round_trips_exactly_and_is_safe_to_print(rows: list[dict]) -> None:
    out = to_json(View(COLUMNS, rows, meta={"source": "live"}))
    out.encode("utf-8")
    assert not UNSAFE_RE.search(out.replace("\n", ""))
    assert json.loads(out)["rows"] == rows


@given(view_rows)
def test_markdown_rows_keep_their_columns_whatever_the_text(rows: list[dict]) -> None:
    out = to_markdown(View(COLUMNS, rows))
    assert not UNSAFE_RE.search(out.replace("\n", ""))
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert len(table) == (len(rows) + 2 if rows else 0)
    assert {len(re.findall(r"(?<!\\)\|", line)) for line in table} <= {len(COLUMNS) + 1}


@given(view_rows)
def test_a_table_of_any_text_renders_with_nothing_unsafe(rows: list[dict]) -> None:
    stream = io.StringIO()
    emit(View(COLUMNS, rows, title="[bold]title[/bold]"), OutputFormat.table, stream)
    out = stream.getvalue()
    out.encode("utf-8")
    assert not UNSAFE_RE.search(out.replace("\n", ""))
    assert "[bold]title[/bold]" in out or not rows


@given(st.text(st.sampled_from("[]/=:ab @#"), min_size=1, max_size=20))
def test_markup_like_text_is_shown_literally_in_a_table(text: str) -> None:
    stream = io.StringIO()
    emit(View([Column("task", "task", "text")], [{"task": text}]), OutputFormat.table, stream)
    assert text.strip() in stream.getvalue()


_COUNT_UNITS = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@given(st.integers(min_value=0, max_value=10**15))
def test_human_count_is_short_and_close_to_the_count(value: int) -> None:
    """Always a number under 1,000 and a unit (never `999960` or `1000K`), within half a step of rounding."""
    text = human_count(value)
    match = re.fullmatch(r"(\d+(?:\.\d)?)([KMBT]?)", text)
    assert match, text
    number, unit = float(match.group(1)), match.group(2)
    assert number < 1000 or unit == "T", text
    assert abs(number * _COUNT_UNITS[unit] - value) <= 0.05 * max(value, 1) + 0.5, text


@pytest.mark.parametrize(("value", "text"), [(999, "999"), (1000, "1K"), (99_950, "100K"), (999_499, "999K"),
                                             (999_500, "1M"), (999_960, "1M"), (27_540_000, "27.5M"),
                                             (999_960_000, "1B")])
def test_human_count_at_the_unit_boundaries(value: int, text: str) -> None:
    assert human_count(value) == text


@given(st.text(alphabet="ab-/.", max_size=12), st.lists(st.text(alphabet="ab-/.", max_size=3), min_size=2, max_size=4))
def test_an_ellipsis_match_is_the_regex_it_stands_for(text: str, parts: list[str]) -> None:
    """`render._fits` (used to keep shortened ids unambiguous) agrees with `part.+part.+part`."""
    from hubradar.render.ids import _fits

    expected = re.fullmatch(".+".join(map(re.escape, parts)), text, flags=re.DOTALL) is not None
    assert _fits(text, parts) is expected
