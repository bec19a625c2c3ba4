"""The lineage rules' regular expressions, as DuckDB (RE2) reads them, derived from the Python ones.

The Python rules (analysis/lineage.py and the modules it combines) stay the only definition: the
patterns here are made from their text, so a marker added there is a marker here. Two differences
of the engines are bridged: Python's `\\w` and `\\d` are Unicode (RE2's are ASCII), and Python's
case-insensitive matching folds four non-ASCII letters onto ASCII ones (`İ`, `ı` onto `i`, `ſ`
onto `s`, the Kelvin sign onto `k`), which `FOLD` does before lower-casing. Case-insensitive
comparisons of ids use DuckDB's `lower`, which is Python's `str.lower` except for `İ` (and a
final `Σ`): never in a Hub id, which is ASCII.
"""

from __future__ import annotations

from hubradar.analysis import names as _markers
from hubradar.analysis.lineage import RELATIONS, REUPLOADERS, SAME_WEIGHTS
from hubradar.core.record import MODEL_ID_RE


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def in_list(values: object) -> str:
    """`('a', 'b')` for `x IN (...)`, sorted."""
    return "(" + ", ".join(map(literal, sorted(values))) + ")"  # type: ignore[call-overload]


def _re2(python: str) -> str:
    """A Python pattern's text for RE2: Unicode word characters and digits as Python means them."""
    return python.replace(r"\w", r"\pL\pN_").replace(r"\d", r"\p{Nd}")


# The one id rule (core.record.MODEL_ID_RE), for RE2's full match.
ID = _re2(MODEL_ID_RE.pattern).replace("(/", "(?:/")
RELATION_WORDS = in_list(RELATIONS)
SAME_WEIGHT_WORDS = in_list(SAME_WEIGHTS)
REUPLOADER_ORGS = in_list(REUPLOADERS)

# `base_model:<relation>:<id>` as a whole tag, and a trailing newline (Python's `$` also matches
# before the final newline of the tags joined by NUL, so the last tag may end in one).
_RELATION_TAG = r"base_model:(" + "|".join(RELATIONS) + r"):(" + ID + r")"
RELATION_TAG = "^" + _RELATION_TAG + r"(\n?)$"
# ... inside a tag, not at its start (Python's search finds it there too).
INNER_TAG = _RELATION_TAG + "$"
INNER_TAG_NL = _RELATION_TAG + r"\n$"

_SEP = _markers._SEP
_STRONG = _re2(_markers._STRONG)
_WEAK = _re2(_markers._WEAK)
# Trailing format and quantization markers of a folded name (`strip_markers`).
TRAILING = rf"(?:{_SEP}(?:{_STRONG}|{_WEAK}))+$"
HAS_STRONG = rf"{_SEP}(?:{_STRONG})(?:{_SEP}|$)"

_FOLDED = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


def fold(expr: str) -> str:
    """SQL: a text as Python's case-insensitive matching sees it, character for character."""
    return f"lower(translate({expr}, {literal(''.join(_FOLDED))}, {literal(''.join(_FOLDED.values()))}))"


def tail(name: str) -> str:
    """SQL: the run of trailing markers of a name (`''` when it ends in none)."""
    return f"regexp_extract({fold(name)}, {literal(TRAILING)})"


def stem(name: str, tail: str) -> str:
    """SQL: the name without its trailing markers `tail` (`strip_markers`), NULL when nothing is stripped:
    no marker, only markers, or weak markers alone."""
    return (f"CASE WHEN {tail} <> '' AND length({tail}) < length({name}) AND regexp_matches({tail}, "
            f"{literal(HAS_STRONG)}) THEN left({name}, length({name}) - length({tail})) END")


def series(org: str, name: str) -> str:
    """SQL: `names.owns_series`, the org of the name's series (ASCII letters and digits, case aside)."""
    token = f"lower(regexp_extract({name}, '^[A-Za-z]+'))"
    key = f"lower(regexp_replace({org}, '[^A-Za-z0-9]', '', 'g'))"
    return (f"(length({token}) >= 3 AND length({key}) >= 3 "
            f"AND (contains({key}, {token}) OR contains({token}, {key})))")
