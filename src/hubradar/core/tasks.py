"""Known Hub pipeline tags, to suggest the closest ones when `--task` matches nothing."""

from __future__ import annotations

# The Hub's pipeline tags (huggingface.js `PIPELINE_DATA`). The Hub adds tags over time, so this
# list only feeds suggestions: an unknown tag is still sent to the Hub as asked.
PIPELINE_TAGS: tuple[str, ...] = (
    "any-to-any", "audio-classification", "audio-text-to-text", "audio-to-audio",
    "automatic-speech-recognition", "depth-estimation", "document-question-answering",
    "feature-extraction", "fill-mask", "graph-ml", "image-classification", "image-feature-extraction",
    "image-segmentation", "image-text-to-image", "image-text-to-text", "image-text-to-video",
    "image-to-3d", "image-to-image", "image-to-text", "image-to-video", "keypoint-detection",
    "mask-generation", "object-detection", "other", "question-answering", "reinforcement-learning",
    "robotics", "sentence-similarity", "summarization", "table-question-answering",
    "tabular-classification", "tabular-regression", "text-classification", "text-generation",
    "text-ranking", "text-retrieval", "text-to-3d", "text-to-audio", "text-to-image", "text-to-speech",
    "text-to-video", "text2text-generation", "time-series-forecasting", "token-classification",
    "translation", "unconditional-image-generation", "video-classification", "video-text-to-text",
    "video-to-video", "visual-document-retrieval", "visual-question-answering",
    "voice-activity-detection", "zero-shot-classification", "zero-shot-image-classification",
    "zero-shot-object-detection",
)  # fmt: skip


def closest_tasks(task: str, n: int = 3) -> list[str]:
    """The known pipeline tags nearest to `task` (substring matches first, then by similarity)."""
    import difflib  # only when a task matched nothing

    task = task.strip().lower()
    contains = [t for t in PIPELINE_TAGS if task and (task in t or t in task)]
    similar = difflib.get_close_matches(task, PIPELINE_TAGS, n=n, cutoff=0.4)
    return list(dict.fromkeys([*similar, *contains]))[:n]
