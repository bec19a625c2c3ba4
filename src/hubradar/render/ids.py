"""Model ids shortened to fit a column, in the middle (where ids differ), never two alike."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable


def shorten_middle(text: str, limit: int) -> str:
    """`meta-llama/Llam…-Instruct`: keep both ends of a long id, which is where ids differ."""
    if len(text) <= limit:
        return text
    keep = max(1, limit - 1)
    head = (keep + 1) // 2
    return text[:head] + "…" + text[len(text) - (keep - head):]


def _cut(text: str, limit: int, head: int) -> str:
    """`text` in `limit` characters: its first `head`, an ellipsis, and as much of its end as fits."""
    return text if len(text) <= limit else text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def _window(text: str, limit: int, start: int) -> str:
    """`org/…where it differs…end`: the owner, the text from `start` on, and a short end."""
    slash = text.find("/") + 1
    head = min(start, slash if 0 < slash <= limit // 2 else limit // 3)
    if head + 1 + len(text) - start <= limit:
        return text[:head] + "…" + text[start:]
    tail = min(4, limit - head - 4)
    if tail < 1:
        return shorten_middle(text, limit)
    return text[:head] + "…" + text[start:start + limit - head - tail - 2] + "…" + text[len(text) - tail:]


def _common_start(texts: list[str]) -> int:
    """How many leading characters all of `texts` share."""
    first, last = min(texts), max(texts)
    pairs = zip(first, last, strict=False)  # up to the shorter one
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(first), len(last)))


def shorten_ids(ids: Iterable[str], limit: int) -> dict[str, str]:
    """Each id shortened in the middle to `limit`, changing the cut where two would otherwise look alike.

    `HauhauCS/Qwen3.5-9B-…-Aggressive` and `HauhauCS/Qwen3.5-35B-A3B-…-Aggressive` share both ends:
    for such a group the cut moves (as little as possible) until the part where they differ shows,
    or, when the shared start is longer than the room, the ids show `org/…where they differ…end`.
    """
    shown = {i: shorten_middle(i, limit) for i in dict.fromkeys(ids)}
    groups: dict[str, list[str]] = {}
    for full, short in shown.items():
        groups.setdefault(short, []).append(full)
    default = limit // 2
    heads = sorted(range(1, max(1, limit - 1)), key=lambda h: abs(h - default))
    taken = set(groups)  # what every id shows now
    for short, members in groups.items():
        if len(members) < 2:
            continue
        taken.discard(short)
        start = _common_start(members)
        trials = ({m: _cut(m, limit, head) for m in members} for head in heads)
        for trial in itertools.chain(trials, [{m: _window(m, limit, start) for m in members}]):
            values = set(trial.values())
            if len(values) == len(members) and not values & taken:
                shown.update(trial)
                taken |= values
                break
        else:
            taken.add(short)
    return _unambiguous(shown, limit, heads, taken)


def _stands_for_other(short: str, full: str, ordered: list[str]) -> bool:
    """Could `short` be read as another id of the table (`Qwen/Qwen2.5…14B-Instruct` is both
    `Qwen/Qwen2.5-14B-Instruct` and `Qwen/Qwen2.5-Coder-14B-Instruct`)?"""
    if "…" not in short:
        return False
    parts = short.split("…")
    at = bisect.bisect_left(ordered, parts[0])
    while at < len(ordered) and ordered[at].startswith(parts[0]):
        other = ordered[at]
        if other != full and _fits(other, parts):
            return True
        at += 1
    return False


def _fits(text: str, parts: list[str]) -> bool:
    """Does `text` read as `parts` joined by `…`, each `…` standing for at least one character?

    (The regex `part.+part.+part`, without compiling one per shortened id: the leftmost place for
    each middle part leaves the most room for the rest.)
    """
    first, last = parts[0], parts[-1]
    if not (text.startswith(first) and text.endswith(last)):
        return False
    end = len(text) - len(last)  # the last part starts here
    position = len(first)
    for part in parts[1:-1]:
        found = text.find(part, position + 1)
        if found < 0:
            return False
        position = found + len(part)
    return end >= position + 1


def _unambiguous(shown: dict[str, str], limit: int, heads: list[int], taken: set[str]) -> dict[str, str]:
    """Move the cut of any shortened id that another id of the table also fits."""
    ordered = sorted(shown)
    for full, short in shown.items():
        if not _stands_for_other(short, full, ordered):
            continue
        for head in heads:
            trial = _cut(full, limit, head)
            if trial not in taken and not _stands_for_other(trial, full, ordered):
                taken.discard(short)
                taken.add(trial)
                shown[full] = trial
                break
    return shown


