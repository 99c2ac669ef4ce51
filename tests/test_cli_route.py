"""`kubefold route` from the outside, as DESIGN writes it: the text table, `-o json`'s shape
sorted by pod, `[]` with exit 0 and the reason when nothing serves, cookies joined into one
header, bad usage exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from kubefold.cli import main
from tests.helpers import ENGINE

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def mid_rollout(tmp_path: Path, capsys) -> str:
    snapshot = tmp_path / "mid.yaml"
    code, _, _ = run(capsys, "replay", "-q", str(EXAMPLES / "service-rolling-update.yaml"),
                     "--dump", str(snapshot))
    assert code == 0
    return str(snapshot)


def test_route_json_is_the_contract_shape(tmp_path, capsys):
    snapshot = mid_rollout(tmp_path, capsys)
    code, out, err = run(capsys, "route", snapshot, "--to", "default/web", "-o", "json")
    assert code == 0 and err == ""
    answer = json.loads(out)
    assert [sorted(item) for item in answer] == [["pod", "service", "share"]] * len(answer)
    assert [item["pod"] for item in answer] == sorted(item["pod"] for item in answer)
    assert {item["service"] for item in answer} == {"default/web"}
    assert abs(sum(item["share"] for item in answer) - 1) < 1e-9
    assert len(answer) == 3  # three old pods ready; the surge and the replacement are not


def test_route_text_names_pods_services_revisions(tmp_path, capsys):
    snapshot = mid_rollout(tmp_path, capsys)
    code, out, _ = run(capsys, "route", snapshot, "--to", "default/web", "--port", "80",
                       "--path", "/cart", "--cookie", "a=1", "--cookie", "b=2",
                       "--header", "X-Test=1", "--client-ip", "10.0.0.9")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "GET /cart to default/web port 80 from 10.0.0.9"
    assert lines[1].startswith("via: kube-proxy: Service default/web (10.")
    assert lines[2].split() == ["POD", "SERVICE", "REVISION", "SHARE"]
    assert all(line.endswith("33.3%") for line in lines[3:6])


def test_nothing_serves_prints_empty_list_and_says_why(tmp_path, capsys):
    snapshot = tmp_path / "empty.yaml"
    cluster = ENGINE.apply(ENGINE.empty_cluster(), {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "default"},
        "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432}]}}, mode="auto")
    import kubefold

    kubefold.write_dump(cluster, snapshot)
    code, out, err = run(capsys, "route", str(snapshot), "--to", "default/db", "-o", "json")
    assert (code, out.strip()) == (0, "[]")
    assert err.strip() == "kubefold: Service default/db has no endpoints"
    code, out, _ = run(capsys, "route", str(snapshot), "--to", "default/db")
    assert code == 0 and out.splitlines()[-1] == "Service default/db has no endpoints"
    code, out, _ = run(capsys, "route", str(snapshot), "--to", "shop.example.com")
    assert code == 0 and out.splitlines()[-1].startswith("no route: ")


def test_bad_usage_exits_2(tmp_path, capsys):
    snapshot = mid_rollout(tmp_path, capsys)
    code, _, err = run(capsys, "route", snapshot, "--to", "default/web", "--header", "nonsense")
    assert code == 2 and "expected K=V" in err
    code, _, err = run(capsys, "route", str(tmp_path / "missing.yaml"), "--to", "default/web")
    assert code == 2 and "no such file" in err


def test_kubefold_route_from_python():
    import kubefold

    cluster = kubefold.empty_cluster()
    answer = kubefold.route(cluster, {"to": "default/kubernetes", "port": 443})
    assert answer.shares == () and answer.to_json() == []
