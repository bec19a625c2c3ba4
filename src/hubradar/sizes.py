"""Parameter counts. (Minimal for now: the Hub's own metadata; the size issue extends it.)"""

from __future__ import annotations

from .record import ModelRecord


def params_of(record: ModelRecord) -> int | None:
    """The parameter count the Hub's metadata states (safetensors, then GGUF)."""
    return record.safetensors_total or record.gguf_total
