"""A generated Hub: any number of models in `/api/models`' shape, made on demand from their rank.

Row `i` is the model ranked `i` by downloads (descending), the same every time, so a test can
serve 30,000 models and a benchmark 2,000,000 without holding them (`GeneratedHub` is a lazy
sequence), and both can say what was served without having kept it. The rows carry what a real
listing row carries with the crawl's expand fields: counts, times, tags with lineage, cardData,
safetensors and gguf totals, gating, provider mappings, some trending scores and some unknowns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

TASKS = ("text-generation", "feature-extraction", "text-classification", "image-text-to-text",
         "automatic-speech-recognition", "text-to-image", None)
LIBRARIES = ("transformers", "sentence-transformers", "gguf", "diffusers", "mlx", "peft", None)
ORGS = 4999  # distinct authors


def generated_row(i: int) -> dict[str, Any]:
    """The model ranked `i` (0 = most downloaded), as `/api/models?expand=...` sends it."""
    org = f"org{(i * 7919) % ORGS}"
    model_id = f"{org}/model-{i}"
    downloads = max(0, 2_000_000_000 // (i + 1) - 1)  # descending with i, zero in the long tail
    task = TASKS[i % len(TASKS)]
    library = LIBRARIES[(i // 3) % len(LIBRARIES)]
    license_tag = f"license:{('mit', 'apache-2.0')[i % 2]}"
    tags = [t for t in (library, task, "safetensors" if i % 4 == 0 else None, "en", license_tag, "region:us") if t]
    row: dict[str, Any] = {
        "_id": f"{i:024x}",
        "id": model_id,
        "author": org,
        "downloads": downloads,
        "downloadsAllTime": downloads * 11 + i % 1000,
        "likes": (downloads // 1000) % 100_000,
        "pipeline_tag": task,
        "library_name": library,
        "createdAt": f"20{22 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:07.000Z",
        "lastModified": f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T08:00:00.000Z",
        "tags": tags,
        "gated": ("auto", False, False, False, "manual")[i % 5],
        "inferenceProviderMapping": [{"provider": "together", "status": "live", "task": "conversational",
                                      "providerId": model_id}] if i % 50 == 0 else [],
    }
    if i % 9 < 2:
        base = f"org{(i * 31) % ORGS}/model-{i // 10}"
        relation = ("quantized", "finetune")[i % 9]
        row["tags"] += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        row["cardData"] = {"base_model": base if i % 2 else [base], "base_model_relation": relation,
                           "license": "mit"}
    elif i % 9 == 2:
        row["cardData"] = {"license": "apache-2.0", "language": ["en"]}
    if i % 4 == 0:
        total = 10 ** (6 + i % 6) + i
        row["safetensors"] = {"parameters": {"BF16": total}, "total": total}
    if library == "gguf":
        row["gguf"] = {"total": 7_000_000_000 + i, "architecture": "llama", "context_length": 8192}
    if i < 500:
        row["trendingScore"] = float(500 - i)
    if i % 97 == 0:
        del row["likes"]  # now and then a field the Hub did not send
    return row


class GeneratedHub(Sequence[dict[str, Any]]):
    """`count` generated models in rank order, made when asked for (never all held)."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [generated_row(i) for i in range(*index.indices(self.count))]
        if not -self.count <= index < self.count:
            raise IndexError(index)
        return generated_row(index % self.count)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (generated_row(i) for i in range(self.count))
