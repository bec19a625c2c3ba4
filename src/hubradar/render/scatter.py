"""A character scatter (`views.scatter.Scatter`) on a device: Rich text for a terminal, plain text for Markdown."""

from __future__ import annotations

from typing import Any

from hubradar.views.scatter import Segment


def to_plain(lines: list[list[Segment]]) -> str:
    return "\n".join("".join(text for text, _ in line).rstrip() for line in lines)


def to_rich(lines: list[list[Segment]]) -> list[Any]:
    """Rich `Text` lines (imported here: only a terminal needs Rich)."""
    from rich.text import Text

    return [Text.assemble(*[(text, style) if style else text for text, style in line]) for line in lines]
