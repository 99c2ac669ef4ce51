"""The functional core stays pure and layered, as DESIGN asks: nothing under core/, reducers/,
strategies/ or properties/ reads a file, a clock, the environment or a random source, or
prints; and each folder imports only the layers below it. (That no reducer mutates its input is
a Hypothesis property in test_properties_engine.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PURE = ("core", "reducers", "strategies", "properties")
ALLOWED = {
    "core": set(),
    "reducers": {"core"},
    "strategies": {"core"},
    "properties": {"core", "reducers", "strategies"},
}
FORBIDDEN_MODULES = {"random", "os", "pathlib", "socket", "subprocess", "secrets", "uuid1"}
FORBIDDEN_CALLS = {"open", "print", "input"}
# Formatting a given time (time.gmtime, time.strftime) is pure; reading the clock is not.
CLOCK_READS = {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "process_time",
               "now", "utcnow", "today", "localtime"}
SOURCES = [p for d in PURE for p in sorted((ROOT / d).rglob("*.py"))]


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_module(path):
    tree = ast.parse(path.read_text())
    layer = path.relative_to(ROOT).parts[0]
    for name in _imports(tree):
        top = name.split(".")[0]
        assert top not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
        if name.startswith("kubefold."):
            sub = name.split(".")[1]
            assert sub == layer or sub in ALLOWED[layer], f"{path.name} imports {name}"
        assert top not in PURE, f"{path.name} imports {name} without the kubefold. prefix"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, \
                f"{path.name}:{node.lineno} calls {node.func.id}()"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in ("time", "datetime", "date"):
            assert node.func.attr not in CLOCK_READS, \
                f"{path.name}:{node.lineno} reads the clock ({node.func.value.id}." \
                f"{node.func.attr})"
