"""Helm's pkg/action tests that a black box can express (install_test.go, upgrade_test.go,
rollback_test.go, uninstall_test.go, history_test.go), each named for its Go test, against
the engine with charts rendered by hand (what the shell would hand it), plus the waits, hooks
and atomic paths on the logical clock.

Origin: helm.sh/helm/v3 v3.21 pkg/action (Apache-2.0); cases ported, code written here.
"""

from __future__ import annotations

import yaml

from kubefold.core.codec import decode_object
from kubefold.core.events import Apply, Helm, Tick
from kubefold.core.helm import Refusal, RenderedChart
from kubefold.core.schema import freeze
from kubefold.reducers import apiserver, helm, manager
from kubefold.reducers.helm import action, storage
from kubefold.reducers.helm.release import FAILED

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
  greeting: "{value}"
"""
HOOK_POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  annotations:
    "helm.sh/hook": {event}
    "helm.sh/hook-delete-policy": {policy}
spec:
  restartPolicy: Never
  containers: [{{name: hook, image: busybox}}]
"""


def rendered(files: dict[str, str] | None = None, name: str = "hello",
             version: str = "0.1.0", config: dict | None = None) -> RenderedChart:
    """buildChart's equivalent: a chart `hello` with one ConfigMap template and notes."""
    if files is None:
        files = {"templates/hello": CONFIGMAP.format(name="hello", value="hi")}
    chart = {"metadata": {"apiVersion": "v2", "name": name, "version": version},
             "lock": None, "templates": [], "values": {}, "schema": None, "files": None}
    return RenderedChart(freeze(chart), freeze(config or {}),
                         tuple(sorted((f"{name}/{k}", v) for k, v in files.items())))


def event(action_: str, release: str = "test-install-release", chart: RenderedChart | None = None,
          **fields) -> Helm:
    if chart is None and action_ in ("install", "upgrade"):
        chart = rendered()
    return Helm(action_, release, chart="hello" if chart else None, rendered=chart, **fields)


def apply(cluster, *events):
    """Apply events; return (cluster, rejections)."""
    rejected = []
    for e in events:
        outcome = manager.apply_event(cluster, e)
        cluster = outcome.cluster
        rejected.append(outcome.rejected)
    return cluster, rejected


def statuses(cluster, name, namespace="default"):
    return [(r.version, r.status, r.info.description)
            for r in storage.history(cluster, namespace, name)]


def start():
    return manager.empty_cluster()


# -- install_test.go ---------------------------------------------------------------------------


def test_install_release():
    """TestInstallRelease: revision 1, deployed, "Install complete", the manifest stored and
    the objects created."""
    cluster, rejected = apply(start(), event("install"))
    assert rejected == [None]
    rel = storage.get(cluster, "default", "test-install-release", 1)
    assert (rel.version, rel.status, rel.info.description) == (1, "deployed",
                                                               "Install complete")
    assert rel.manifest.startswith("---\n# Source: hello/templates/hello\n")
    cm = cluster.get("ConfigMap", "default", "hello")
    assert cm.metadata.labels["app.kubernetes.io/managed-by"] == "Helm"
    assert cm.metadata.annotations["meta.helm.sh/release-name"] == "test-install-release"
    assert rel.info.first_deployed == rel.info.last_deployed == "2024-01-01T00:00:00Z"


def test_install_release_with_values():
    """TestInstallReleaseWithValues: the user's values are the release's config."""
    chart = rendered(config={"simpleKey": "simpleValue", "nestedKey": {"simpleKey": "x"}})
    cluster, _ = apply(start(), event("install", chart=chart))
    rel = storage.get(cluster, "default", "test-install-release", 1)
    assert rel.config == freeze({"simpleKey": "simpleValue", "nestedKey": {"simpleKey": "x"}})


def test_install_release_no_name():
    """TestInstallRelease_NoName."""
    cluster, rejected = apply(start(), event("install", release=""))
    assert rejected[0].message == 'INSTALLATION FAILED: release name "": no name provided'


def test_install_release_invalid_name():
    """ValidateReleaseName's regex and length, as availableName wraps it."""
    _, rejected = apply(start(), event("install", release="Not_Valid"))
    assert rejected[0].message == ('INSTALLATION FAILED: release name "Not_Valid": '
                                   f"{action.ERR_INVALID_NAME}")
    _, rejected = apply(start(), event("install", release="a" * 54))
    assert "the length must not be longer than 53" in rejected[0].message


def test_install_release_with_notes():
    """TestInstallRelease_WithNotes: the chart's NOTES.txt is the release's notes, not a
    manifest."""
    chart = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="hi"),
                      "templates/NOTES.txt": "note here"})
    cluster, _ = apply(start(), event("install", chart=chart))
    rel = storage.get(cluster, "default", "test-install-release", 1)
    assert rel.info.notes == "note here"
    assert "NOTES" not in rel.manifest


def test_install_release_name_in_use():
    """availableName: "cannot re-use a name that is still in use"."""
    cluster, rejected = apply(start(), event("install"), event("install"))
    assert rejected[1].message == "INSTALLATION FAILED: cannot re-use a name that is still in use"
    assert statuses(cluster, "test-install-release") == [(1, "deployed", "Install complete")]


def test_install_release_failed_hooks():
    """TestInstallRelease_FailedHooks: a post-install hook that fails leaves the release
    failed, "failed post-install"."""
    chart = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="hi"),
                      "templates/hook": HOOK_POD.format(name="post", event="post-install",
                                                        policy="hook-failed")})
    cluster, _ = apply(start(), event("install", release="failed-hooks", chart=chart))
    assert statuses(cluster, "failed-hooks")[0][1] == "pending-install"
    cluster = _finish_pod(cluster, "post", "Failed")
    assert statuses(cluster, "failed-hooks") == [
        (1, FAILED, 'Release "failed-hooks" failed: failed post-install: pod post failed')]
    assert cluster.get("Pod", "default", "post") is None  # hook-failed policy


def test_install_release_wait():
    """TestInstallRelease_Wait: waiting times out on the logical clock: failed with the
    poller's error, after exactly the timeout."""
    chart = rendered({"templates/web": yaml.safe_dump(_deployment("web"))})
    cluster, _ = apply(start(), event("install", release="come-fail-away", chart=chart,
                                      wait=True, timeout=30))
    assert statuses(cluster, "come-fail-away")[0][1] == "pending-install"
    cluster, _ = apply(cluster, Tick(29))
    assert statuses(cluster, "come-fail-away")[0][1] == "pending-install"
    cluster, _ = apply(cluster, Tick(1))
    assert statuses(cluster, "come-fail-away") == [
        (1, FAILED, 'Release "come-fail-away" failed: context deadline exceeded')]


def test_install_release_atomic():
    """TestInstallRelease_Atomic: a failed atomic install is uninstalled, history and all."""
    chart = rendered({"templates/web": yaml.safe_dump(_deployment("web"))})
    cluster, _ = apply(start(), event("install", release="come-fail-away", chart=chart,
                                      atomic=True, timeout=10), Tick(10))
    assert statuses(cluster, "come-fail-away") == []
    assert cluster.get("Deployment", "default", "web") is None


def test_install_release_refused_render():
    """A render Helm refused (a template execution error, kubeVersion) changes nothing."""
    refused = Helm("install", "x", chart="c", rendered=Refusal(
        "execution error at (c/templates/a.yaml:3:4): x is required"))
    before = start()
    cluster, rejected = apply(before, refused)
    assert rejected[0].message == ("INSTALLATION FAILED: execution error at "
                                   "(c/templates/a.yaml:3:4): x is required")
    assert cluster == before


def test_install_release_unrendered():
    """Without the shell (or the extra), the event is refused with one line naming it."""
    _, rejected = apply(start(), Helm("install", "x", chart="c"))
    assert "kubefold[helm]" in rejected[0].message


def test_install_release_existing_resource_conflict():
    """existingResourceConflict: an object the release does not own stops the install."""
    cluster, _ = apply(start(), Apply(decode_object(yaml.safe_load(
        CONFIGMAP.format(name="hello", value="mine")) | {"metadata": {"name": "hello",
                                                                       "namespace": "default"}})))
    cluster2, rejected = apply(cluster, event("install"))
    assert rejected[0].message.startswith(
        'INSTALLATION FAILED: Unable to continue with install: ConfigMap "hello" in namespace '
        '"default" exists and cannot be imported into the current release: invalid ownership '
        'metadata; label validation error: missing key "app.kubernetes.io/managed-by": must '
        'be set to "Helm"')
    assert cluster2 == cluster


def test_install_with_pre_install_hook_succeeding():
    """execHook: a pre-install Pod hook runs before the chart's objects; when it succeeds the
    resources are created and the hook deleted (hook-succeeded)."""
    chart = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="hi"),
                      "templates/hook": HOOK_POD.format(name="pre", event="pre-install",
                                                        policy="hook-succeeded")})
    cluster, _ = apply(start(), event("install", chart=chart))
    assert cluster.get("ConfigMap", "default", "hello") is None
    assert cluster.get("Pod", "default", "pre") is not None
    cluster = _finish_pod(cluster, "pre", "Succeeded")
    assert statuses(cluster, "test-install-release") == [(1, "deployed", "Install complete")]
    assert cluster.get("ConfigMap", "default", "hello") is not None
    assert cluster.get("Pod", "default", "pre") is None
    hook = storage.get(cluster, "default", "test-install-release", 1).hooks[0]
    assert (hook.last_run.phase, hook.events) == ("Succeeded", ("pre-install",))


# -- upgrade_test.go ---------------------------------------------------------------------------


def test_upgrade_release_success():
    """TestUpgradeRelease_Success: revision 2 deployed "Upgrade complete", 1 superseded."""
    cluster, rejected = apply(start(), event("install", release="previous-release"),
                              event("upgrade", release="previous-release"))
    assert rejected == [None, None]
    assert statuses(cluster, "previous-release") == [(1, "superseded", "Install complete"),
                                                     (2, "deployed", "Upgrade complete")]


def test_upgrade_release_no_deployed_releases():
    """prepareUpgrade: an unknown release has no deployed releases."""
    _, rejected = apply(start(), event("upgrade", release="nope"))
    assert rejected[0].message == 'UPGRADE FAILED: "nope" has no deployed releases'


def test_upgrade_release_wait():
    """TestUpgradeRelease_Wait: the wait times out: failed `Upgrade "<name>" failed: ...`."""
    chart = rendered({"templates/web": yaml.safe_dump(_deployment("web"))})
    cluster, _ = apply(start(), event("install", release="come-fail-away"),
                       event("upgrade", release="come-fail-away", chart=chart, wait=True,
                             timeout=20), Tick(20))
    assert statuses(cluster, "come-fail-away") == [
        (1, "deployed", "Install complete"),
        (2, FAILED, 'Upgrade "come-fail-away" failed: context deadline exceeded')]


def test_upgrade_release_atomic():
    """TestUpgradeRelease_Atomic/atomic rollback succeeds: the failed revision is followed
    by a rollback to the last deployed one, which is deployed, objects restored."""
    chart = rendered({"templates/web": yaml.safe_dump(_deployment("web"))})
    cluster, _ = apply(start(), event("install", release="nuketown"),
                       event("upgrade", release="nuketown", chart=chart, atomic=True,
                             timeout=10), Tick(10))
    assert statuses(cluster, "nuketown") == [
        (1, "superseded", "Install complete"),
        (2, FAILED, 'Upgrade "nuketown" failed: context deadline exceeded'),
        (3, "deployed", "Rollback to 1")]
    assert cluster.get("Deployment", "default", "web") is None
    assert cluster.get("ConfigMap", "default", "hello") is not None


def test_upgrade_release_reuse_values():
    """TestUpgradeRelease_ReuseValues is the shell's (kubefold/helm.py renders an upgrade
    without values with the release's config); the engine records what it was given."""
    cluster, _ = apply(start(), event("install", chart=rendered(config={"a": 1})),
                       event("upgrade", chart=rendered(config={"a": 1})))
    assert storage.get(cluster, "default", "test-install-release", 2).config == freeze({"a": 1})


def test_upgrade_release_pending():
    """TestUpgradeRelease_Pending: another operation is in progress."""
    chart = rendered({"templates/web": yaml.safe_dump(_deployment("web"))})
    cluster, rejected = apply(start(), event("install", release="come-fail-away"),
                              event("upgrade", release="come-fail-away", chart=chart,
                                    wait=True),
                              event("upgrade", release="come-fail-away"))
    assert rejected[2].message == ("UPGRADE FAILED: another operation "
                                   "(install/upgrade/rollback) is in progress")


def test_merge_custom_labels():
    """TestMergeCustomLabels."""
    cases = [({}, {}, {}), ({"k1": "v1", "k2": "v2"}, {}, {"k1": "v1", "k2": "v2"}),
             ({}, {"k1": "v1", "k2": "v2"}, {"k1": "v1", "k2": "v2"}),
             ({"k1": "v1", "k2": "v2"}, {"k1": "null", "k2": "v3"}, {"k2": "v3"})]
    for current, desired, expected in cases:
        assert dict(action.merge_custom_labels(current, desired)) == expected


def test_upgrade_drops_objects_removed_from_chart():
    """Client.Update: an object the new chart no longer renders is deleted; one marked
    helm.sh/resource-policy: keep stays."""
    keep = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n"
            "    helm.sh/resource-policy: keep\n")
    v1 = rendered({"templates/a": CONFIGMAP.format(name="a", value="1"),
                   "templates/b": CONFIGMAP.format(name="b", value="1"), "templates/k": keep})
    v2 = rendered({"templates/a": CONFIGMAP.format(name="a", value="2")})
    cluster, _ = apply(start(), event("install", chart=v1), event("upgrade", chart=v2))
    assert cluster.get("ConfigMap", "default", "a").extra["data"]["greeting"] == "2"
    assert cluster.get("ConfigMap", "default", "b") is None
    assert cluster.get("ConfigMap", "default", "kept") is not None


def test_upgrade_three_way_merge_keeps_live_changes():
    """createPatch's three-way merge: a field another writer set on the live object (and that
    the chart never set) survives the upgrade."""
    cluster, _ = apply(start(), event("install"))
    cm = cluster.get("ConfigMap", "default", "hello")
    written = apiserver.update(cluster, decode_object(
        {**_json(cm), "metadata": {**_json(cm)["metadata"], "labels": {
            **_json(cm)["metadata"]["labels"], "team": "blue"}}}))
    cluster = manager.dispatch(written.cluster)[0]
    chart = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="bye")})
    cluster, _ = apply(cluster, event("upgrade", chart=chart))
    cm = cluster.get("ConfigMap", "default", "hello")
    assert cm.metadata.labels["team"] == "blue"
    assert cm.extra["data"]["greeting"] == "bye"


def test_upgrade_history_max():
    """Storage.Create with MaxHistory: the oldest revisions go, never the deployed one."""
    cluster = start()
    cluster, _ = apply(cluster, event("install"),
                       *[event("upgrade", history_max=3) for _ in range(5)])
    assert [v for v, _, _ in statuses(cluster, "test-install-release")] == [4, 5, 6]


# -- rollback_test.go --------------------------------------------------------------------------


def test_rollback_creates_new_revision():
    """Rollback: a new revision "Rollback to 1" deployed, every earlier one superseded, the
    objects those of revision 1."""
    v2 = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="v2")})
    cluster, _ = apply(start(), event("install"), event("upgrade", chart=v2),
                       event("rollback", revision=1))
    assert statuses(cluster, "test-install-release") == [
        (1, "superseded", "Install complete"), (2, "superseded", "Upgrade complete"),
        (3, "deployed", "Rollback to 1")]
    assert cluster.get("ConfigMap", "default", "hello").extra["data"]["greeting"] == "hi"


def test_rollback_previous_by_default():
    """revision 0 rolls back to the previous revision."""
    v2 = rendered({"templates/hello": CONFIGMAP.format(name="hello", value="v2")})
    cluster, _ = apply(start(), event("install"), event("upgrade", chart=v2),
                       event("rollback"))
    assert statuses(cluster, "test-install-release")[-1] == (3, "deployed", "Rollback to 1")


def test_rollback_missing_version():
    """prepareRollback: "release has no %d version"; unknown releases "release: not found"."""
    _, rejected = apply(start(), event("install"), event("rollback", revision=7),
                        event("rollback", release="ghost"))
    assert rejected[1].message == "release has no 7 version"
    assert rejected[2].message == "release: not found"


# -- uninstall_test.go ---------------------------------------------------------------------------


def test_uninstall_release_delete_release():
    """TestUninstallRelease_deleteRelease: a keep-policy object survives; with keep history
    the release reads uninstalled, "Uninstallation complete"."""
    keep = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret\n  annotations:\n"
            '    helm.sh/resource-policy: keep\ntype: Opaque\ndata:\n  password: cGFzcw==\n')
    chart = rendered({"templates/secret": keep,
                      "templates/hello": CONFIGMAP.format(name="hello", value="hi")})
    cluster, _ = apply(start(), event("install", release="keep-secret", chart=chart),
                       event("uninstall", release="keep-secret", keep_history=True))
    assert cluster.get("Secret", "default", "secret") is not None
    assert cluster.get("ConfigMap", "default", "hello") is None
    assert statuses(cluster, "keep-secret") == [(1, "uninstalled", "Uninstallation complete")]


def test_uninstall_release_purges_history():
    """Without --keep-history every revision goes; a second uninstall finds nothing."""
    cluster, rejected = apply(start(), event("install"), event("uninstall"),
                              event("uninstall"))
    assert statuses(cluster, "test-install-release") == []
    assert rejected[2].message == ("uninstall: Release not loaded: test-install-release: "
                                   "release: not found")


def test_uninstall_then_install_again():
    """A kept, uninstalled history still holds the name."""
    _, rejected = apply(start(), event("install"), event("uninstall", keep_history=True),
                        event("install"))
    assert rejected[2].message == "INSTALLATION FAILED: cannot re-use a name that is still in use"


# -- history_test.go ---------------------------------------------------------------------------


def test_history_run():
    """History.Run: every stored revision, by revision."""
    cluster, _ = apply(start(), event("install"), event("upgrade"), event("upgrade"))
    assert [r.version for r in helm.history(cluster, "default", "test-install-release")] == \
        [1, 2, 3]


# -- helpers -----------------------------------------------------------------------------------


def _deployment(name: str) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app",
                                                           "image": "web:v1"}]}}}}


def _json(obj):
    from kubefold.core.codec import encode_object

    return encode_object(obj)


def _finish_pod(cluster, name: str, phase: str):
    """What a kubelet would report of a hook pod that ran to the end."""
    pod = cluster.get("Pod", "default", name)
    body = _json(pod)
    body["status"] = {**body.get("status", {}), "phase": phase}
    written = apiserver.update_status(cluster, decode_object(body))
    cluster = manager.dispatch(written.cluster)[0]
    return manager.run_until_settled(cluster)[0]
