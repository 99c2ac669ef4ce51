"""The functional core stays pure and layered, as DESIGN asks: nothing under core/, reducers/,
strategies/ or properties/ reads a file, a clock, the environment or a random source, or
prints; each folder imports only the layers below it; and inside reducers/ each component
imports only what its binary could: controllers never the kubelet, the scheduler or kubectl,
kubectl only the API server's public names, nothing a test's planted bugs. (That no reducer
mutates its input is a Hypothesis property in test_properties_engine.py.)"""

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


# -- the components inside reducers/ -----------------------------------------------------------

R = "kubefold.reducers."
PUBLIC_APISERVER = ("kubefold.reducers.apiserver", "kubefold.reducers.apiserver.validation")
# What each component's modules may import from reducers/, besides their own package and
# kubefold.core: the API server's public names (and its pure validation functions), the
# control plane's value types, and for kubectl the pure util layer it vendors in Go
# (k8s.io/kubectl/pkg/util/deployment).
COMPONENTS = {
    "apiserver": ("kubefold.reducers.apiserver",),
    "controllers": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane",
                    "kubefold.reducers.controllers"),
    "kubectl": (*PUBLIC_APISERVER, "kubefold.reducers.kubectl",
                "kubefold.reducers.controllers.deployment.util"),
    "kubelet": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane",
                "kubefold.reducers.kubelet"),
    "scheduler": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane",
                  "kubefold.reducers.scheduler"),
    "world": (*PUBLIC_APISERVER, "kubefold.reducers.world"),
    # Helm is a client like kubectl; it vendors the Deployment util layer for its ready
    # checker and merges as kubectl's three-way JSON merge does.
    # Flagger is a controller of its own; it hashes pod templates as the Deployment controller
    # does.
    "flagger": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane", "kubefold.reducers.flagger",
                "kubefold.reducers.controllers.deployment.util"),
    "helm": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane", "kubefold.reducers.helm",
             "kubefold.reducers.controllers.deployment.util",
             "kubefold.reducers.kubectl.apply"),
    # kube-proxy's view reads only values, and the EndpointSlice helpers (k8s.io/endpointslice)
    # it shares with the controller.
    "proxy": ("kubefold.reducers.proxy", "kubefold.reducers.controllers.endpointslice.utils"),
    # Argo Rollouts is a controller of its own; its hash vendors the Deployment util layer's
    # FNV and SafeEncodeString (as Argo imports k8s.io/kubernetes/pkg/controller).
    "rollouts": (*PUBLIC_APISERVER, "kubefold.reducers.controlplane",
                 "kubefold.reducers.rollouts", "kubefold.reducers.controllers.deployment.util"),
}
COMPONENT_SOURCES = [p for c in COMPONENTS for p in sorted((ROOT / "reducers" / c).rglob("*.py"))]


def _reducer_imports(tree: ast.AST) -> list[str]:
    """Imported modules under kubefold.reducers, `from kubefold.reducers import x` read as
    the module kubefold.reducers.x."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kubefold.reducers":
                names += [f"{R}{a.name}" for a in node.names]
            elif node.module.startswith(R):
                folder = ROOT / "reducers" / node.module[len(R):].replace(".", "/")
                subs = [a.name for a in node.names
                        if (folder / f"{a.name}.py").exists() or (folder / a.name).is_dir()]
                names += [f"{node.module}.{a}" for a in subs] if subs else [node.module]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith(R)]
    return names


@pytest.mark.parametrize("path", COMPONENT_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_component_imports(path):
    component = path.relative_to(ROOT / "reducers").parts[0]
    allowed = COMPONENTS[component]
    for name in _reducer_imports(ast.parse(path.read_text())):
        ok = any(name == a or name.startswith(a + ".") for a in allowed)
        if name.startswith("kubefold.reducers.apiserver.") and component != "apiserver":
            ok = name.startswith("kubefold.reducers.apiserver.validation")
        assert ok, f"reducers/{component} may not import {name} ({path.name})"


def test_nothing_imports_a_test_switch():
    for path in SOURCES + sorted((ROOT / "kubefold").rglob("*.py")):
        text = path.read_text()
        assert "planted" not in text, f"{path.relative_to(ROOT)} mentions planted bugs"


def test_every_package_is_installed():
    """pyproject's package list names every folder with an __init__.py (a wheel would
    otherwise lack it)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping = config["package-dir"]
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *rel)))
    assert found == set(config["packages"])
