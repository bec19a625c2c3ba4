"""Matching a score sheet's rows to Hub models, as people write them, and suggesting ids for the rest.

A row names a model by its Hub id (any case, a Hub URL, `org--name` as the huggingface_hub cache
spells it) or by its bare name, which matches when one model, or one family, has it. A row that
matches nothing gets the closest Hub ids as suggestions. What counts as an id is
`core.record` (`plain_name`, `hub_id_of`): the one id rule.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hubradar.analysis.lineage import Lineage
from hubradar.core.record import ModelRecord, hub_id_of, plain_name

_WORD_SPLIT_RE = re.compile(r"[\s_\-/]+")
SUGGEST_CUTOFF = 0.6
SHARED_RUN = 3  # past a common beginning, two names share at least a word or this many characters in a row

# Models whose weights are not on the Hub: a row naming one is said to be closed, and gets no
# suggestion (a Hub model that only shares "gpt" with it is not it). Each pattern matches the start
# of a name written in lower case with its words joined by "-" (`GPT 4o (Aug 2024)` is
# `gpt-4o-(aug-2024)`); a row written as a Hub id counts only under the vendor's own org. Sources:
# the names in the vendors' API model lists (OpenAI: GPT-3.5, GPT-4, 4o, 4.1, 5, o1, o3, o4;
# Anthropic: Claude; Google: Gemini, PaLM 2 and its bison models; xAI: Grok after Grok 2) and the
# closed entries of the EvalPlus leaderboard (tests/fixtures/scores/evalplus-humaneval-plus.csv).
# Open-weight namesakes stay out: gpt2, GPT-J, GPT-Neo, gpt-oss, Gemma, Grok 1 and 2 are on the Hub.
CLOSED_MODELS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (vendor, org, re.compile(pattern)) for vendor, org, pattern in (
        ("OpenAI", "openai", r"(chat)?gpt-?(3\.5|4(o|\.\d+)?|5(\.\d+)?)(-|$)"),
        ("OpenAI", "openai", r"o[134](-|$)"),
        ("OpenAI", "openai", r"(text|code)-davinci"),
        ("Anthropic", "anthropic", r"claude"),
        ("Google", "google", r"(gemini|palm-?2|text-bison|chat-bison)"),
        ("xAI", "xai-org", r"grok-(beta|[34])"),
    )
)


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT_RE.split(name.lower()) if w]


def closed_vendor(text: str) -> str | None:
    """The vendor of a known closed model a row names (`GPT 4o (Aug 2024)`: OpenAI), else None."""
    name = plain_name(text)
    org, _, bare = name.rpartition("/")
    normal = "-".join(_words(bare))
    for vendor, vendor_org, pattern in CLOSED_MODELS:
        if pattern.match(normal) and (not org or org.lower() == vendor_org):
            return vendor
    return None


def shares_more_than_a_prefix(a: str, b: str) -> bool:
    """Whether two names (words joined by "-") have more in common than how they begin.

    `gpt-4o` and `gpt2` share only `gpt`: not a suggestion. One name being the other plus whole
    words counts (`mistral-7b` in `mistral-7b-v0.1`, a quantized file's name and its base), and so
    does a word or three characters in a row that both have after their common beginning
    (`zephyr-β-7b` and `zephyr-7b-beta` share `7b`).
    """
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    if p == min(len(a), len(b)) and (len(a) == len(b) or max(a, b, key=len)[p] == "-"):
        return True
    rest_a, rest_b = a[p:], b[p:]
    if {w for w in rest_a.split("-") if len(w) > 1} & {w for w in rest_b.split("-") if len(w) > 1}:
        return True
    match = difflib.SequenceMatcher(None, rest_a, rest_b, autojunk=False).find_longest_match()
    return match.size >= SHARED_RUN


@dataclass(frozen=True, slots=True)
class Found:
    record: ModelRecord
    how: str  # exact | renamed | org--name | name


@dataclass(frozen=True, slots=True)
class Ambiguous:
    name: str
    candidates: tuple[str, ...]


class ModelIndex:
    """Hub models by id and by bare name (case-insensitive), with ids answered by lookups."""

    def __init__(self, records: Iterable[ModelRecord], lineage: Lineage,
                 aliases: dict[str, ModelRecord] | None = None) -> None:
        self.lineage = lineage
        self.by_id: dict[str, ModelRecord] = {}
        self.by_name: dict[str, list[ModelRecord]] = {}
        for record in records:
            self.by_id[record.id.lower()] = record
            self.by_name.setdefault(record.name.lower(), []).append(record)
        self.aliases = {k.lower(): v for k, v in (aliases or {}).items()}
        self._search: _NameSearch | None = None

    def _by_id(self, model_id: str, how: str) -> Found | None:
        key = model_id.lower()
        if key in self.by_id:
            return Found(self.by_id[key], how)
        record = self.aliases.get(key)
        if record is not None:  # a lookup answered for this id under another name: a renamed repo
            return Found(record, how if record.id.lower() == key else "renamed")
        return None

    def find(self, text: str) -> Found | Ambiguous | None:
        """The exact id, then `org--name`, then a bare name one model (or one family) has."""
        name = plain_name(text)
        if not name:
            return None
        found = self._by_id(name, "exact")
        if found is None and "/" not in name:
            spelled = hub_id_of(name)  # `org--name`, `models--org--name`
            found = self._by_id(spelled, "org--name") if spelled else None
        if found is not None or "/" in name:
            return found
        candidates = self.by_name.get(name.lower(), [])
        if len(candidates) == 1:
            return Found(candidates[0], "name")
        if not candidates:
            return None
        roots = {self.lineage.family_root(c.id) for c in candidates}
        if len(roots) == 1:  # a base and its own re-uploads share the name: one family has it
            root = roots.pop()
            return Found(next((c for c in candidates if c.id == root), candidates[0]), "name")
        return Ambiguous(name, tuple(sorted(c.id for c in candidates)))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """The closest Hub ids to a name that matched nothing.

        Names are compared with their separators made alike (`Llama 3.3 70B` ~ `Llama-3.3-70B`).
        A Hub name holding every word of the row's name ranks first, then difflib's similarity
        (at least 0.6), then downloads; either way it must share more than its beginning with the
        row's name (`shares_more_than_a_prefix`). Only the names sharing the most letter triples with the
        row are compared with difflib, which keeps a sheet of 100 unknown names fast.
        """
        words = _words(plain_name(text).rsplit("/", 1)[-1])
        if not words:
            return []
        if self._search is None:
            self._search = _NameSearch(self.by_name)
        scored: dict[str, tuple[bool, float]] = {}
        for name, contains, ratio in self._search.closest(words):
            for record in self.by_name[name]:
                scored[record.id] = (contains, ratio)
        ranked = sorted(scored, key=lambda i: (not scored[i][0], -scored[i][1],
                                               -(self.by_id[i.lower()].downloads or 0), i))
        return ranked[:limit]


class _NameSearch:
    """Hub names by word and by letter triple, so a suggestion compares a few names, not all."""

    CANDIDATES = 24

    def __init__(self, names: Iterable[str]) -> None:
        self.normal: dict[str, str] = {}
        self.by_word: dict[str, set[str]] = {}
        self.by_gram: dict[str, set[str]] = {}
        for name in names:
            words = _words(name)
            self.normal[name] = normal = "-".join(words)
            for word in words:
                self.by_word.setdefault(word, set()).add(name)
            for gram in _grams(normal):
                self.by_gram.setdefault(gram, set()).add(name)

    def closest(self, words: list[str]) -> list[tuple[str, bool, float]]:
        """(name, holds every word, difflib ratio) for the likely names at or above the cutoff."""
        wanted = "-".join(words)
        holding = set.intersection(*(self.by_word.get(w, set()) for w in words))
        shared: Counter[str] = Counter()
        for gram in _grams(wanted):
            shared.update(self.by_gram.get(gram, ()))
        candidates = holding | {name for name, _ in shared.most_common(self.CANDIDATES)}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        out = []
        for name in candidates:
            matcher.set_seq1(self.normal[name])
            ratio = matcher.ratio()
            if (name in holding or ratio >= SUGGEST_CUTOFF) and shares_more_than_a_prefix(wanted, self.normal[name]):
                out.append((name, name in holding, ratio))
        return out


def _grams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}
