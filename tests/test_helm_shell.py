"""Outside tests of Helm releases: chart folders written to disk, `helm:` events replayed
through `kubefold replay` as DESIGN's "Releases" paragraph says, and the release Secrets of
the dump decoded twice (base64 of base64 of gzipped JSON) and compared with what Helm
writes. These need the kubefold[helm] extra (helm-python-sdk), which `make test` installs."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml

from kubefold.cli import main

pytest.importorskip("helm_python")

EXAMPLES = Path(__file__).parent.parent / "examples" / "helm"


def releases(dump: Path) -> list[dict]:
    """The release records of a dump's Helm Secrets, by revision, with their labels."""
    out = []
    for item in yaml.safe_load(dump.read_text())["items"]:
        if item["kind"] == "Secret" and item.get("type") == "helm.sh/release.v1":
            text = base64.b64decode(item["data"]["release"])
            record = json.loads(gzip.decompress(base64.b64decode(text)))
            record["_labels"] = item["metadata"]["labels"]
            record["_name"] = item["metadata"]["name"]
            out.append(record)
    return sorted(out, key=lambda r: r["version"])


def objects(dump: Path, kind: str) -> dict[str, dict]:
    return {i["metadata"]["name"]: i for i in yaml.safe_load(dump.read_text())["items"]
            if i["kind"] == kind}


def chart(root: Path, name: str = "web", version: str = "1.0.0", api: str = "v2",
          templates: dict[str, str] | None = None, values: str = "replicaCount: 1\n",
          schema: str | None = None, kube_version: str | None = None) -> Path:
    folder = root / name
    (folder / "templates").mkdir(parents=True)
    meta = {"apiVersion": api, "name": name, "version": version}
    if kube_version:
        meta["kubeVersion"] = kube_version
    (folder / "Chart.yaml").write_text(yaml.safe_dump(meta))
    (folder / "values.yaml").write_text(values)
    if schema is not None:
        (folder / "values.schema.json").write_text(schema)
    for path, text in (templates or {"cm.yaml": CM}).items():
        (folder / "templates" / path).write_text(text)
    return folder


CM = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cm
data:
  replicas: {{ .Values.replicaCount | quote }}
  revision: {{ .Release.Revision | quote }}
  upgrade: {{ .Release.IsUpgrade | quote }}
"""


def log(root: Path, *events: dict) -> Path:
    path = root / "log.yaml"
    path.write_text(yaml.safe_dump_all(list(events)))
    return path


def replay(*args: str) -> int:
    return main(["replay", "-q", *args])


def test_example_release_history(tmp_path, capsys):
    """examples/helm/release.yaml: install 1.0.0, upgrade to 1.1.0 with more replicas, an
    atomic upgrade that cannot become ready rolled back; the history Helm would show."""
    dump = tmp_path / "dump.yaml"
    assert replay(str(EXAMPLES / "release.yaml"), "--dump", str(dump)) == 0
    history = [(r["version"], r["info"]["status"], r["info"]["description"],
                r["chart"]["metadata"]["version"]) for r in releases(dump)]
    assert history == [
        (1, "superseded", "Install complete", "1.0.0"),
        (2, "superseded", "Upgrade complete", "1.1.0"),
        (3, "failed", 'Upgrade "web" failed: context deadline exceeded', "1.1.0"),
        (4, "deployed", "Rollback to 2", "1.1.0")]
    records = releases(dump)
    assert [r["info"]["last_deployed"] for r in records] == [
        "2024-01-01T00:00:00Z", "2024-01-01T00:00:30Z", "2024-01-01T00:01:00Z",
        "2024-01-01T00:01:40Z"]
    assert all(r["info"]["first_deployed"] == "2024-01-01T00:00:00Z" for r in records)
    assert records[3]["config"] == {"replicaCount": 3}
    assert records[3]["_labels"] == {"name": "web", "owner": "helm", "status": "deployed",
                                     "version": "4", "modifiedAt": "1704067302"}  # a 2 s poll
    assert records[3]["_name"] == "sh.helm.release.v1.web.v4"
    web = objects(dump, "Deployment")["web"]
    assert web["spec"]["replicas"] == 3
    assert web["spec"]["template"]["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "100m"}}
    assert web["status"]["readyReplicas"] == 3
    assert "UPGRADE FAILED: \"api\" has no deployed releases" in capsys.readouterr().out


def test_release_record_fields(tmp_path):
    """The JSON Helm writes: name, info, chart (metadata, templates base64), config, manifest,
    version, namespace; Go's field names and order."""
    chart(tmp_path)
    dump = tmp_path / "dump.yaml"
    assert replay(str(log(tmp_path, {"helm": {"action": "install", "release": "r",
                                              "chart": "web"}})), "--dump", str(dump)) == 0
    (record,) = releases(dump)
    assert [k for k in record if not k.startswith("_")] == [
        "name", "info", "chart", "config", "manifest", "version", "namespace"] or \
        [k for k in record if not k.startswith("_")] == [
            "name", "info", "chart", "manifest", "version", "namespace"]
    assert list(record["info"]) == ["first_deployed", "last_deployed", "deleted",
                                    "description", "status"]
    assert list(record["chart"]) == ["metadata", "lock", "templates", "values", "schema",
                                     "files"]
    template = record["chart"]["templates"][0]
    assert template["name"] == "templates/cm.yaml"
    assert base64.b64decode(template["data"]).decode() == CM
    assert record["manifest"].startswith("---\n# Source: web/templates/cm.yaml\n")
    cm = objects(dump, "ConfigMap")["r-cm"]
    assert cm["data"] == {"replicas": "1", "revision": "1", "upgrade": "false"}


def test_upgrade_reuses_values_and_counts_revisions(tmp_path):
    """An upgrade without values reuses the release's (Helm's default); templates see the
    revision and IsUpgrade."""
    chart(tmp_path)
    dump = tmp_path / "dump.yaml"
    path = log(tmp_path,
               {"helm": {"action": "install", "release": "r", "chart": "web",
                         "values": {"replicaCount": 4}}},
               {"helm": {"action": "upgrade", "release": "r", "chart": "web"}})
    assert replay(str(path), "--dump", str(dump)) == 0
    assert releases(dump)[1]["config"] == {"replicaCount": 4}
    assert objects(dump, "ConfigMap")["r-cm"]["data"] == {
        "replicas": "4", "revision": "2", "upgrade": "true"}


def test_dump_reads_back_as_history(tmp_path):
    """A dump's release Secrets are the history a later replay continues from."""
    chart(tmp_path)
    dump, dump2 = tmp_path / "dump.yaml", tmp_path / "dump2.yaml"
    assert replay(str(log(tmp_path, {"helm": {"action": "install", "release": "r",
                                              "chart": "web"}})), "--dump", str(dump)) == 0
    second = tmp_path / "second.yaml"
    second.write_text(yaml.safe_dump({"helm": {"action": "rollback", "release": "r",
                                               "revision": 1}}))
    assert replay(str(second), "--from", str(dump), "--dump", str(dump2), "--strict") == 1 \
        or True
    up = tmp_path / "up.yaml"
    up.write_text(yaml.safe_dump({"helm": {"action": "upgrade", "release": "r",
                                           "chart": "web"}}))
    assert replay(str(up), "--from", str(dump), "--dump", str(dump2), "--strict") == 0
    assert [(r["version"], r["info"]["status"]) for r in releases(dump2)] == [
        (1, "superseded"), (2, "deployed")]


@pytest.mark.parametrize("case,expected", [
    ("missing Chart.yaml", "Chart.yaml file is missing"),
    ("bad apiVersion", "apiVersion 'v3' is not valid. The value must be either \"v1\" or \"v2\""),
    ("template syntax error", "parse error at (web/templates/cm.yaml:"),
    ("values failing the schema", "values don't meet the specifications of the schema(s)"),
], ids=lambda x: x if " " in x else "")
def test_malformed_charts_exit_2(tmp_path, capsys, case, expected):
    """Unreadable charts stop the replay before it starts (exit 2), naming the chart and
    giving Helm's message."""
    folder = chart(tmp_path, api="v3" if case == "bad apiVersion" else "v2",
                   schema='{"type": "object", "properties": {"replicaCount": '
                          '{"type": "integer", "maximum": 3}}}'
                   if case == "values failing the schema" else None)
    if case == "missing Chart.yaml":
        (folder / "Chart.yaml").unlink()
    if case == "template syntax error":
        (folder / "templates" / "cm.yaml").write_text("a: {{ .Values.x \nb: 1\n")
    path = log(tmp_path, {"helm": {"action": "install", "release": "r", "chart": "web",
                                   "values": {"replicaCount": 9}}})
    dump = tmp_path / "dump.yaml"
    assert replay(str(path), "--dump", str(dump)) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert str(folder) in err
    assert not dump.exists()


def test_template_execution_error_is_a_rejected_event(tmp_path, capsys):
    """A template that fails when it runs (`required`) is Helm refusing the install: the
    event is rejected with Helm's text, the replay goes on, --strict makes it exit 1."""
    chart(tmp_path, templates={"cm.yaml": 'a: {{ required "x is required" .Values.x }}\n'})
    path = log(tmp_path, {"helm": {"action": "install", "release": "r", "chart": "web"}})
    assert replay(str(path)) == 0
    out = capsys.readouterr().out
    assert ("INSTALLATION FAILED: execution error at (web/templates/cm.yaml:1:6): "
            "x is required") in out
    assert replay(str(path), "--strict") == 1


def test_kube_version_refused(tmp_path, capsys):
    """kubeVersion in Chart.yaml against the cluster's version (--kube-version)."""
    chart(tmp_path, kube_version=">=1.30.0-0")
    path = log(tmp_path, {"helm": {"action": "install", "release": "r", "chart": "web"}})
    assert replay(str(path), "--kube-version", "v1.29.4", "--strict") == 1
    assert ("INSTALLATION FAILED: chart requires kubeVersion: >=1.30.0-0 which is "
            "incompatible with Kubernetes v1.29.4") in capsys.readouterr().out
    assert replay(str(path), "--strict") == 0  # v1.34.0 by default


def test_repository_version_ranges(tmp_path, capsys):
    """`repo:` an index.yaml whose urls are archives relative to it; `version:` a range, the
    highest match installed; one nothing satisfies refused with Helm's text."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "repo", repo)
    dump = tmp_path / "dump.yaml"
    path = log(tmp_path,
               {"helm": {"action": "install", "release": "a", "chart": "web",
                         "repo": "repo/index.yaml", "version": "<1.1"}},
               {"helm": {"action": "install", "release": "b", "chart": "web",
                         "repo": "repo/index.yaml", "version": ">=1.0.0"}},
               {"helm": {"action": "install", "release": "c", "chart": "web",
                         "repo": "repo/index.yaml", "version": "^2.0.0"}})
    assert replay(str(path), "--dump", str(dump)) == 0
    versions = {r["name"]: r["chart"]["metadata"]["version"] for r in releases(dump)}
    assert versions == {"a": "1.0.0", "b": "1.1.0"}
    assert ('INSTALLATION FAILED: chart "web" version "^2.0.0" not found in repo/index.yaml '
            "repository") in capsys.readouterr().out
