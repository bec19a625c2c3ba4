"""Reading score CSVs as people write them, and every bad input as one line naming file, line, column."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from hubradar.analysis.scores import header_key, model_key
from hubradar.app.gaps import read_scores
from hubradar.core.errors import UsageError

SCORES = FIXTURES / "scores"


def _csv(tmp_path: Path, text: str, name: str = "bench.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- reading what people write ------------------------------------------------------------------


def test_team_sheet_percentages_quotes_blank_lines_and_crlf() -> None:
    sheet = read_scores(SCORES / "team-coding-2026.csv")
    assert (sheet.model_col, sheet.score_col, sheet.n_col, sheet.cost_col) == ("Model", "Pass rate", "Tasks",
                                                                                "Cost (USD)")
    assert sheet.scale == "percent"
    assert sheet.delimiter == ","
    assert len(sheet.rows) == 14
    by_model = {r.model: r for r in sheet.rows}
    # line numbers count the header and the blank lines, so they point at the file as the user sees it
    assert by_model["GLM-4.7-Flash"].line == 6
    assert by_model["Llama 3.3 70B"].line == 15
    assert by_model["openai--gpt-oss-20b"].score == pytest.approx(0.78)
    assert by_model["openai--gpt-oss-20b"].raw_score == "78.0%"
    assert by_model["GLM-4.6"].n == 10
    assert by_model["mistralai/Mistral-7B-Instruct-v0.2"].n is None  # empty cell: no task count
    assert by_model["Qwen/Qwen3-Coder-480B-A35B-Instruct"].cost == pytest.approx(2.40)
    assert by_model["Llama 3.3 70B"].cost is None


def test_evalplus_display_names_are_read_as_points_out_of_100() -> None:
    sheet = read_scores(SCORES / "evalplus-humaneval-plus.csv")
    assert sheet.scale == "0-100"
    assert "a value above 1 on line 2" in sheet.scale_reason
    assert len(sheet.rows) == 125
    first = sheet.rows[0]
    assert (first.line, first.model, first.score, first.n) == (2, "OpenCoder-8B-Instruct", pytest.approx(0.774), 164)
    assert "Zephyr β-7B" in {r.model for r in sheet.rows}  # UTF-8 names survive
    assert all(0 <= r.score <= 1 for r in sheet.rows)


def test_bom_semicolons_and_decimal_commas_are_fractions() -> None:
    sheet = read_scores(SCORES / "evalplus-mbpp-plus-ids.csv")
    assert sheet.delimiter == ";"
    assert sheet.headers[0] == "model_id"  # the BOM is not part of the first header
    assert sheet.scale == "0-1"
    assert sheet.rows[0].model == "infly/OpenCoder-8B-Instruct"
    assert sheet.rows[0].score == pytest.approx(0.714)
    assert sheet.rows[0].n == 378
    assert "semicolon-separated" in sheet.describe()


def test_score_and_model_columns_can_be_named(tmp_path: Path) -> None:
    sheet = read_scores(SCORES / "openllm-v1-average.csv", score_col="average")  # case-insensitive
    assert (sheet.model_col, sheet.score_col) == ("Model", "Average")
    assert sheet.rows[0].model == "ValiantLabs/ShiningValiant"
    assert sheet.rows[0].score == pytest.approx(0.7417)
    path = _csv(tmp_path, "checkpoint,humaneval_plus,n\nacme/a,0.5,10\n")
    sheet = read_scores(path, model_col="checkpoint", score_col="humaneval_plus")
    assert sheet.rows[0].model == "acme/a"


def test_tab_separated_with_a_multiline_quoted_field_keeps_line_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'model\tscore\tnotes\nacme/a\t0.5\t"two\nlines"\n\nacme/b\t0.7\t\n')
    sheet = read_scores(path)
    assert sheet.delimiter == "\t"
    assert [(r.model, r.line) for r in sheet.rows] == [("acme/a", 2), ("acme/b", 5)]


def test_mixed_percent_and_plain_values_say_so(tmp_path: Path) -> None:
    sheet = read_scores(_csv(tmp_path, "model,score\na/x,85%\na/y,0.5\n"))
    assert [r.score for r in sheet.rows] == [pytest.approx(0.85), pytest.approx(0.5)]
    assert "percentages where marked with %" in sheet.scale_reason


def test_same_model_same_score_is_counted_once(tmp_path: Path) -> None:
    sheet = read_scores(_csv(tmp_path, "model,score\nQwen/Qwen3-8B,0.5\nqwen--qwen3-8b,0.5\n"))
    assert [r.model for r in sheet.rows] == ["Qwen/Qwen3-8B"]
    assert sheet.repeats == [(3, 2)]


def test_header_and_model_keys() -> None:
    assert header_key(" Pass rate ") == "pass_rate"
    assert header_key("Cost (USD)") == "cost_usd"
    assert header_key("Pass@1") == "pass@1"
    assert model_key("models--Qwen--Qwen3-8B") == "qwen/qwen3-8b"
    assert model_key(" Qwen/Qwen3-8B ") == "qwen/qwen3-8b"


def test_thousands_separator_in_task_counts(tmp_path: Path) -> None:
    sheet = read_scores(_csv(tmp_path, 'model,score,n\na/x,0.5,"1,000"\n'))
    assert sheet.rows[0].n == 1000


# --- bad input: one line on stderr, naming file, line and column; exit 2; nothing fetched ----------


def _fails(run, *args: str) -> str:
    result = run("gaps", *args)
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("hubradar: error: ")
    return lines[0].removeprefix("hubradar: error: ")


def test_missing_file(run, hub, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    assert _fails(run, "--scores", str(path)) == f"{path}: no such file"
    assert hub.requests == []


def test_empty_file(run, hub, tmp_path: Path) -> None:
    path = _csv(tmp_path, "")
    assert _fails(run, "--scores", str(path)) == f"{path}, line 1: the file is empty"
    assert hub.requests == []


def test_whitespace_only_file_is_empty(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "\ufeff\n  \n")
    assert _fails(run, "--scores", str(path)) == f"{path}, line 1: the file is empty"


def test_header_without_rows(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,pass@1\n\n")
    assert _fails(run, "--scores", str(path)) == f"{path}, line 1: a header but no rows"


def test_no_score_column_lists_the_headers_found(run, hub) -> None:
    path = SCORES / "openllm-v1-2023-10-31.csv"
    message = _fails(run, "--scores", str(path))
    # five columns of numbers could be the score (Parameters is known not to be one, URL holds no numbers)
    assert message == (
        f"{path}, line 1: no score column; 5 columns hold numbers: Average, ARC(25-shot), HellaSwag(10-shot), "
        "MMLU(5-shot), TruthfulQA(0-shot) (name the score column with --score-col)"
    )
    assert hub.requests == []


def test_no_column_of_numbers_lists_the_headers_found(run, hub, tmp_path: Path) -> None:
    # every column of numbers is a known non-score: a size, counts, a cost, a rank
    path = _csv(tmp_path, "model,notes,params,size,n,tasks,samples,cost,downloads,likes,rank\n"
                          "acme/a,fast,7,7B,164,164,1,0.5,1000,10,1\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 1: no score column; headers found: model, notes, params, size, n, tasks, samples, cost, "
        "downloads, likes, rank (name the score column with --score-col)"
    )
    assert hub.requests == []


def test_a_score_column_named_after_its_benchmark_is_taken_and_said(run, hub, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,MMLU-PRO\nQwen/Qwen3-8B,56.7\nmeta-llama/Llama-3.1-8B-Instruct,44.3\n")
    sheet = read_scores(path)
    assert (sheet.model_col, sheet.score_col, sheet.scale) == ("model", "MMLU-PRO", "0-100")
    assert [r.score for r in sheet.rows] == [pytest.approx(0.567), pytest.approx(0.443)]
    result = run("gaps", "--scores", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["scores"]["score_column"] == "MMLU-PRO"
    assert ("score column 'MMLU-PRO' (taken as the score: the only column of numbers) read as 0–100"
            in result.err.splitlines()[0])


def test_known_non_score_columns_are_passed_over(run, hub, tmp_path: Path) -> None:
    path = _csv(tmp_path, "rank,model,humaneval+,params,n,downloads,likes,cost\n"
                          "1,Qwen/Qwen3-8B,61.0,8.2,164,900000,120,0.4\n2,google/gemma-2b,20.7,2.5,164,50000,30,0.1\n")
    sheet = read_scores(path)
    assert (sheet.score_col, sheet.n_col, sheet.cost_col) == ("humaneval+", "n", "cost")
    assert sheet.rows[0].score == pytest.approx(0.61) and sheet.rows[0].n == 164
    result = run("gaps", "--scores", str(path))
    assert result.code == 0, result.err
    assert "score column 'humaneval+' (taken as the score: the only column of numbers)" in result.err


def test_several_columns_of_numbers_are_listed_in_the_error(run, hub, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,MMLU-PRO,GPQA,notes,params\nQwen/Qwen3-8B,56.7,40.1,x,8\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 1: no score column; 2 columns hold numbers: MMLU-PRO, GPQA (name the score column with "
        "--score-col)"
    )
    assert hub.requests == []
    assert run("gaps", "--scores", str(path), "--score-col", "GPQA").code == 0


def test_no_model_column_lists_the_headers_found(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "checkpoint,pass@1\nacme/a,0.5\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 1: no model column; headers found: checkpoint, pass@1 (name the model column with --model-col)"
    )


def test_named_column_that_does_not_exist(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,pass@1\nacme/a,0.5\n")
    assert _fails(run, "--scores", str(path), "--score-col", "humaneval") == (
        f"{path}, line 1: --score-col 'humaneval' is not a column; headers found: model, pass@1"
    )


def test_score_that_is_not_a_number(run, hub) -> None:
    # EvalPlus has no MBPP result for some models: exported as JSON null, it is not a score
    path = SCORES / "evalplus-mbpp-nulls.csv"
    assert _fails(run, "--scores", str(path), "--score-col", "mbpp") == (
        f"{path}, line 4, column 2 (mbpp): 'null' is not a number"
    )
    assert hub.requests == []


def test_empty_score_cell(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,pass@1\nacme/a,0.5\nacme/b,\n")
    assert _fails(run, "--scores", str(path)) == f"{path}, line 3, column 2 (pass@1): no score"


@pytest.mark.parametrize("value", ["140", "-0.1", "101%"])
def test_score_out_of_range(run, tmp_path: Path, value: str) -> None:
    path = _csv(tmp_path, f"model;notes;pass@1\nacme/a;ok;0.5\n\nacme/b;typo;{value}\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 4, column 3 (pass@1): {value} is out of range (scores are 0–1, 0–100 or 0–100%)"
    )


def test_same_model_twice_with_different_scores(run, hub) -> None:
    # The real Open LLM Leaderboard report lists re-evaluated models more than once (falcon-180B three times)
    path = SCORES / "openllm-v1-2023-10-31.csv"
    assert _fails(run, "--scores", str(path), "--score-col", "Average") == (
        f"{path}, line 11, column 2 (Average): Riiid/sheep-duck-llama-2 again, scored 73.69 on line 10 and 73.67 "
        "here; keep one row per model"
    )
    assert hub.requests == []


def test_same_model_spelled_two_ways_with_different_scores(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,score\nQwen/Qwen3-8B,0.61\nqwen--qwen3-8b,0.64\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 3, column 2 (score): qwen--qwen3-8b again, scored 0.61 on line 2 and 0.64 here; "
        "keep one row per model"
    )


def test_row_without_a_model_name(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,score\nacme/a,0.5\n,0.7\n")
    assert _fails(run, "--scores", str(path)) == f"{path}, line 3, column 1 (model): no model name"


def test_task_count_that_is_not_a_count(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,score,n\nacme/a,0.5,12.5\n")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 2, column 3 (n): '12.5' is not a count of tasks (a whole number ≥ 1)"
    )


def test_file_that_is_not_utf8(run, tmp_path: Path) -> None:
    path = _csv(tmp_path, "model,score\nZéphyr-7B,0.3\n", encoding="latin-1")
    assert _fails(run, "--scores", str(path)) == (
        f"{path}, line 2: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )


def test_read_scores_raises_usage_error_for_library_callers(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        read_scores(tmp_path / "absent.csv")
    assert info.value.exit_code == 2
