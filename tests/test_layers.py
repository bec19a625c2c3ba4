"""The layers of docs/architecture.md, checked on the source: which package may import which.

Every import counts, including those inside functions (the lazy ones), since a lazy import is
still an arrow between layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hubradar"
LAYERS = ("core", "fetch", "store", "analysis", "app", "views", "render", "cli")
# The hubradar packages each layer may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "fetch": {"core"},
    "store": {"core"},
    "analysis": {"core"},
    "app": {"core", "fetch", "store", "analysis"},
    "views": {"core", "analysis", "app"},
    "render": {"core", "views"},
    "cli": {"core", "app", "views", "render"},
}
# Third-party stacks kept out of the pure layers.
FORBIDDEN_PURE = ("rich", "typer", "click", "huggingface_hub", "httpx2", "sqlite3")
PURE = ("core", "analysis")


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ["hubradar", *path.relative_to(SRC).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module == "hubradar":  # `from hubradar import x`: the submodule x, or the package's own name
                found += [(node.lineno, f"hubradar.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return found


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


SOURCES = sorted(SRC.rglob("*.py"))


def test_every_module_lives_in_a_layer() -> None:
    loose = [p.name for p in SOURCES if layer_of(p) is None and p.name not in ("__init__.py", "__main__.py")]
    assert loose == []


@pytest.mark.parametrize("path", [p for p in SOURCES if layer_of(p)], ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_one_way(path: Path) -> None:
    layer = layer_of(path)
    assert layer is not None
    wrong = []
    for line, module in imports(path):
        parts = module.split(".")
        if parts[0] == "hubradar" and len(parts) > 1 and parts[1] in LAYERS:
            if parts[1] != layer and parts[1] not in ALLOWED[layer]:
                wrong.append(f"line {line}: {module}")
        elif layer in PURE and parts[0] in FORBIDDEN_PURE:
            wrong.append(f"line {line}: {module}")
    assert wrong == [], f"{path.relative_to(SRC)} ({layer}) imports across the layers"


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """The rule above can fail: a lazy import of the store inside a core function is found."""
    probe = SRC / "core" / "_probe_for_test.py"
    probe.write_text("def f():\n    from ..store.db import Store\n    import sqlite3\n")
    try:
        found = [m for _, m in imports(probe)]
    finally:
        probe.unlink()
    assert found == ["hubradar.store.db", "sqlite3"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
