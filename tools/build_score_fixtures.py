"""Build the `gaps` test fixtures from the shared raw captures (run once; the outputs are committed).

    python tools/build_score_fixtures.py /path/to/shared/data/raw

Writes tests/fixtures/scores/*.csv from the EvalPlus results (Apache-2.0) and the Open LLM
Leaderboard report (MIT), and tests/fixtures/hub/longtail-llmfit-2026-05-17.json, the Hub's long
tail as recorded by llmfit (MIT), so a 1,000-deep listing no longer reaches every model. See
tests/fixtures/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORES = ROOT / "tests" / "fixtures" / "scores"
HUB = ROOT / "tests" / "fixtures" / "hub"
EVALPLUS = "bench_evalplus_passat1__evalplus__2024-12.json"
OPENLLM = "bench_openllm_v1__open-llm-leaderboard-report__2023-10-31.csv"
LLMFIT = "hf_models_catalog_params__llmfit__2026-05-17.json"
HUMANEVAL_PLUS_TASKS = 164
MBPP_PLUS_TASKS = 378


def _hub_id(link: str) -> str | None:
    if "huggingface.co/" not in link:
        return None
    return link.split("huggingface.co/", 1)[1].strip("/")


def _write(path: Path, rows: list[list[object]], *, delimiter: str = ",", bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")


def evalplus(raw: Path) -> None:
    data = json.loads((raw / EVALPLUS).read_text())
    names = [["model", "pass@1", "n"]]
    ids = [["model_id", "pass_rate", "tasks"]]
    nulls = [["model", "mbpp"]]
    for name, entry in data.items():
        scores = entry["pass@1"]
        if scores.get("humaneval+") is not None:
            names.append([name, scores["humaneval+"], HUMANEVAL_PLUS_TASKS])
        model_id = _hub_id(entry.get("link") or "")
        if model_id and scores.get("mbpp+") is not None:
            ids.append([model_id, f"{scores['mbpp+'] / 100:.3f}".replace(".", ","), MBPP_PLUS_TASKS])
        nulls.append([name, json.dumps(scores.get("mbpp"))])
    _write(SCORES / "evalplus-humaneval-plus.csv", names)
    _write(SCORES / "evalplus-mbpp-plus-ids.csv", ids, delimiter=";", bom=True)
    _write(SCORES / "evalplus-mbpp-nulls.csv", nulls)


def openllm(raw: Path) -> None:
    shutil.copyfile(raw / OPENLLM, SCORES / "openllm-v1-2023-10-31.csv")
    text = (raw / OPENLLM).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    seen: set[str] = set()
    rows = [["Model", "Average"]]
    for row in reader:
        if row["Model"].lower() in seen:
            continue
        seen.add(row["Model"].lower())
        rows.append([row["Model"], row["Average"]])
    _write(SCORES / "openllm-v1-average.csv", rows, bom=True)


def longtail(raw: Path) -> None:
    known = {m["id"].lower() for m in json.loads((HUB / "models-2026-08-21.json").read_text())}
    out = []
    for model in json.loads((raw / LLMFIT).read_text()):
        model_id = model["name"]
        if model_id.lower() in known or "/" not in model_id:
            continue
        record: dict[str, object] = {"id": model_id}
        if model.get("hf_downloads"):  # llmfit writes 0 where it did not record a count: unknown
            record["downloads"] = model["hf_downloads"]
        if model.get("hf_likes"):
            record["likes"] = model["hf_likes"]
        if model.get("pipeline_tag") not in (None, "unknown"):
            record["pipeline_tag"] = model["pipeline_tag"]
        out.append(record)
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in out)
    (HUB / "longtail-llmfit-2026-05-17.json").write_text(f"[\n{lines}\n]\n")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(__doc__)
    raw = Path(argv[0])
    SCORES.mkdir(parents=True, exist_ok=True)
    evalplus(raw)
    openllm(raw)
    longtail(raw)


if __name__ == "__main__":
    main(sys.argv[1:])
