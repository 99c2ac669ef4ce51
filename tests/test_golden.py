"""Golden outputs: the replay account, `get` and `describe` on the bundled example and the
corpus, compared with files under tests/golden/.

The files are regenerated only on purpose, and reviewed as diffs:

    KUBEFOLD_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubefold.cli import main
from tests.helpers import CORPUS

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = Path(__file__).parent.parent / "examples" / "rolling-update.yaml"
SONOBUOY = CORPUS / "watch-streams" / "sonobuoy-kind-v1.20"
UPDATE = bool(os.environ.get("KUBEFOLD_UPDATE_GOLDEN"))


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    text = text.replace(str(CORPUS.parent.parent.parent), "ROOT")
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} is missing: run with KUBEFOLD_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from its golden file"


def run(capsys, *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


@pytest.fixture(scope="module")
def example_dump(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("golden") / "example.yaml"
    assert main(["replay", "-q", str(EXAMPLE), "--dump", str(path)]) == 0
    return str(path)


def test_example_account_fits_in_60_lines(capsys):
    out = run(capsys, "replay", str(EXAMPLE))
    assert len(out.splitlines()) <= 60
    check("account-rolling-update.txt", out)


def test_bare_pods_trace_account(capsys):
    out = run(capsys, "replay", "--nodes", "2", str(CORPUS / "watch-streams" /
                                                   "simkube-bare-pods.sktrace"))
    check("account-simkube-bare-pods.txt", out)


def test_large_trace_summary(capsys):
    out = run(capsys, "replay", "-q", "--nodes", "3", str(CORPUS / "watch-streams" /
                                                         "simkube-large_trace.json"))
    assert "pending pods" in out  # 3 nodes of 8 cpu cannot hold the 1-cpu pods at the peak
    check("summary-simkube-large.txt", out)


GETS = [
    ("get-example-all.txt", ["all"]),
    ("get-example-deploy-wide.txt", ["deploy", "-o", "wide"]),
    ("get-example-rs.txt", ["rs"]),
    ("get-example-nodes-wide.txt", ["no", "-o", "wide"]),
    ("get-example-pods-selector.txt", ["po", "-l", "app=web", "-A"]),
    ("get-example-deploy-name.txt", ["deploy,rs", "-o", "name"]),
]


@pytest.mark.parametrize(("name", "args"), GETS, ids=[g[0] for g in GETS])
def test_get_on_the_example(capsys, example_dump, name, args):
    check(name, run(capsys, "get", example_dump, *args))


def test_describe_on_the_example(capsys, example_dump):
    check("describe-example-deploy.txt", run(capsys, "describe", example_dump, "deploy", "web"))


SONO_GETS = [
    ("get-sonobuoy-pods.txt", ["po", "-A"]),
    ("get-sonobuoy-nodes.txt", ["nodes", "-o", "wide"]),
]


@pytest.mark.parametrize(("name", "args"), SONO_GETS, ids=[g[0] for g in SONO_GETS])
def test_get_on_the_sonobuoy_dump(capsys, name, args):
    check(name, run(capsys, "get", str(SONOBUOY), *args))


def test_describe_on_the_sonobuoy_dump(capsys):
    check("describe-sonobuoy-node.txt", run(capsys, "describe", str(SONOBUOY), "node",
                                            "kind-worker"))
    check("describe-sonobuoy-pending-pod.txt",
          run(capsys, "describe", str(SONOBUOY), "po", "-n", "kube-system",
              "coredns-74ff55c5b-ppjrs"))


@pytest.fixture(scope="module")
def microservices_dump(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("golden") / "microservices.yaml"
    source = CORPUS / "manifests" / "microservices-demo-kubernetes-manifests.yaml"
    assert main(["replay", "-q", "--nodes", "3", "--settle", "120", str(source),
                 "--dump", str(path)]) == 0
    return str(path)


MICROSERVICES_GETS = [
    ("get-microservices-all.txt", ["all"]),
    ("get-microservices-svc-wide.txt", ["svc", "-o", "wide"]),
    ("get-microservices-sa.txt", ["sa"]),
    ("get-microservices-deploy-svc-name.txt", ["deploy,svc", "-o", "name"]),
    ("get-microservices-svc-frontend-yaml.txt", ["svc", "frontend", "-o", "yaml"]),
    ("get-microservices-deploy-frontend-json.txt", ["deploy", "frontend", "-o", "json"]),
]


@pytest.mark.parametrize(("name", "args"), MICROSERVICES_GETS,
                         ids=[g[0] for g in MICROSERVICES_GETS])
def test_get_on_the_microservices_demo(capsys, microservices_dump, name, args):
    check(name, run(capsys, "get", microservices_dump, *args))


def test_get_custom_resources_with_their_crd_columns(capsys, tmp_path):
    path = tmp_path / "rollout.yaml"
    source = CORPUS / "manifests" / "argo-rollouts-rollout-canary.yaml"
    assert main(["replay", "-q", "--nodes", "2", str(source), "--dump", str(path)]) == 0
    capsys.readouterr()
    check("get-rollout-canary.txt", run(capsys, "get", str(path), "ro"))


@pytest.mark.parametrize(("args", "err"), [
    (["deploy", "-n", "nowhere"], "No resources found in nowhere namespace.\n"),
    (["deploy", "-A", "-l", "app=none"], "No resources found\n"),
    (["no", "-l", "app=none"], "No resources found\n"),
    (["deploy", "-n", "nowhere", "-o", "name"], ""),
], ids=["namespaced", "all-namespaces", "cluster-scoped", "name-output-says-nothing"])
def test_get_prints_what_kubectl_prints_when_nothing_matches(capsys, example_dump, args, err):
    assert main(["get", example_dump, *args]) == 0
    out = capsys.readouterr()
    assert (out.out, out.err) == ("", err)


def test_get_yaml_of_a_list_when_no_single_name(capsys, example_dump):
    out = run(capsys, "get", example_dump, "deploy", "-o", "yaml")
    assert out.startswith("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n")
    assert out.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
