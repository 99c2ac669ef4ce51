"""Rollouts end to end in auto mode, the whole control plane running: the corpus's canary and
blue-green examples (argoproj/argo-rollouts examples/, Apache-2.0, copied in tests/data/corpus)
replayed to the states Argo reaches, the project's examples/rollouts through the CLI, and the
features a unit port cannot show: analysis fed by `metric:` samples (inline step, background,
blue-green pre- and post-promotion), experiments, workloadRef, progressDeadlineAbort, restart
and undo.

Expected sizes are Argo's arithmetic (utils/replicaset/canary.go) on these specs: replicas 5
with the default maxSurge 25% (2, rounded up) and maxUnavailable 25% (1, rounded down), so a
setWeight of 20/40/60/80 is 1/2/3/4 canary pods and 4/3/2/1 stable ones."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from kubefold.cli import main
from kubefold.core.codec import load_snapshot
from tests.helpers import CORPUS
from tests.rollouts_helpers import (
    HASH_LABEL,
    World,
    analysis_template,
    bluegreen_rollout,
    canary_rollout,
    sample_metric,
    service,
)

EXAMPLES = Path(__file__).parent.parent / "examples" / "rollouts"


def corpus(name: str) -> list[dict[str, Any]]:
    text = (CORPUS / "manifests" / name).read_text()
    return [d for d in yaml.safe_load_all(text) if d]


def with_image(manifest: dict[str, Any], image: str) -> dict[str, Any]:
    m = copy.deepcopy(manifest)
    m["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return m


def stable_and_canary(world: World, name: str) -> tuple[int | None, int | None]:
    status = world.status(name)
    sizes = world.sizes()
    return sizes.get(status.stable_rs), sizes.get(status.current_pod_hash)


# -- the corpus --------------------------------------------------------------------------------


def test_corpus_canary_walks_its_steps() -> None:
    """examples/rollout-canary.yaml: 20% then an indefinite pause; after a promote, 40% for
    40 s, 60% for 20 s, 80% for 20 s, then fully promoted."""
    world = World()
    (ro,) = corpus("argo-rollouts-rollout-canary.yaml")
    world.apply(ro)
    world.tick(10)
    name = "rollout-canary"
    assert world.status(name).phase == "Healthy"
    world.apply(with_image(ro, "argoproj/rollouts-demo:yellow"))
    world.tick(10)
    status = world.status(name)
    assert (status.phase, status.message) == ("Paused", "CanaryPauseStep")
    assert status.current_step_index == 1
    assert stable_and_canary(world, name) == (4, 1)
    assert world.rollout("promote", name) is None
    world.tick(10)
    assert stable_and_canary(world, name) == (3, 2)
    assert world.status(name).current_step_index == 3
    world.tick(30)
    assert stable_and_canary(world, name) == (2, 3)
    world.tick(20)
    assert stable_and_canary(world, name) == (1, 4)
    world.tick(20)
    status = world.status(name)
    assert status.phase == "Healthy"
    assert status.stable_rs == status.current_pod_hash
    assert world.sizes()[status.stable_rs] == 5
    assert sum(world.pods_by_hash().values()) == 5


def test_corpus_canary_revision_history_limit() -> None:
    """revisionHistoryLimit 2: after four revisions only two old ReplicaSets are kept."""
    world = World()
    (ro,) = corpus("argo-rollouts-rollout-canary.yaml")
    ro["spec"]["strategy"]["canary"]["steps"] = []
    world.apply(ro)
    world.tick(10)
    for colour in ("yellow", "green", "red"):
        world.apply(with_image(ro, f"argoproj/rollouts-demo:{colour}"))
        world.tick(30)
    assert len(world.replica_sets()) == 3
    assert world.status("rollout-canary").phase == "Healthy"


def test_corpus_bluegreen_manual_gate() -> None:
    """examples/rollout-bluegreen.yaml: the preview Service follows the new ReplicaSet, the
    Rollout pauses before promotion, a promote switches the active Service and the old
    ReplicaSet is scaled down 30 s later (the default scaleDownDelaySeconds)."""
    world = World()
    docs = corpus("argo-rollouts-rollout-bluegreen.yaml")
    world.apply(*docs)
    world.tick(10)
    name = "rollout-bluegreen"
    status = world.status(name)
    assert status.phase == "Healthy"
    v1 = status.stable_rs
    assert world.selector("rollout-bluegreen-active")[HASH_LABEL] == v1
    world.apply(with_image(docs[0], "argoproj/rollouts-demo:green"))
    world.tick(10)
    status = world.status(name)
    v2 = status.current_pod_hash
    assert (status.phase, status.message) == ("Paused", "BlueGreenPause")
    assert world.selector("rollout-bluegreen-preview")[HASH_LABEL] == v2
    assert world.selector("rollout-bluegreen-active")[HASH_LABEL] == v1
    assert world.sizes() == {v1: 2, v2: 2}
    world.rollout("promote", name)
    world.tick(1)
    assert world.selector("rollout-bluegreen-active")[HASH_LABEL] == v2
    assert world.status(name).stable_rs == v2
    deadline = world.rs(v1).metadata.annotations["argo-rollouts.argoproj.io/scale-down-deadline"]
    assert deadline
    world.tick(28)
    assert world.sizes()[v1] == 2
    world.tick(2)
    assert world.sizes()[v1] == 0
    assert world.status(name).phase == "Healthy"


# -- examples through the CLI ------------------------------------------------------------------


def _replay(tmp_path: Path, example: str) -> Any:
    out = tmp_path / "out.yaml"
    assert main(["replay", str(EXAMPLES / example), "--dump", str(out)]) == 0
    return load_snapshot(out.read_text(), str(out))


def _objects(snapshot: Any, kind: str) -> list[Any]:
    return [o for o in snapshot.objects if o.kind == kind]


def test_example_canary_analysis_fails_and_aborts(tmp_path: Path, capsys: Any) -> None:
    snapshot = _replay(tmp_path, "canary-analysis.yaml")
    capsys.readouterr()
    (ro,) = _objects(snapshot, "Rollout")
    assert ro.status.phase == "Degraded"
    assert ro.status.abort is True
    (run,) = _objects(snapshot, "AnalysisRun")
    assert run.status.phase == "Failed"
    assert run.status.message == \
        'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)'
    pods = [p for p in _objects(snapshot, "Pod") if p.metadata.deletion_timestamp is None]
    assert {p.spec.containers[0].image for p in pods} == {"web:v1"}
    assert len(pods) == 5


def test_example_bluegreen_promote(tmp_path: Path, capsys: Any) -> None:
    snapshot = _replay(tmp_path, "bluegreen-promote.yaml")
    capsys.readouterr()
    (ro,) = _objects(snapshot, "Rollout")
    assert ro.status.phase == "Healthy"
    active = next(s for s in _objects(snapshot, "Service") if s.metadata.name == "web-active")
    assert active.spec.selector[HASH_LABEL] == ro.status.stable_rs == ro.status.current_pod_hash
    sizes = {rs.metadata.labels[HASH_LABEL]: rs.spec.replicas
             for rs in _objects(snapshot, "ReplicaSet")}
    assert sizes[ro.status.stable_rs] == 3
    assert sorted(sizes.values()) == [0, 3]


# -- analysis ----------------------------------------------------------------------------------


def _analysis_world(success: str = "result >= 0.95", **metric: Any) -> World:
    world = World()
    world.apply(analysis_template("success-rate",
                                  sample_metric("success-rate", success, **metric)))
    return world


def test_inline_analysis_step_passes_and_rollout_completes() -> None:
    world = _analysis_world(interval="10s", count=2)
    world.sample("success-rate", 0.99)
    steps = [{"setWeight": 20}, {"analysis": {"templates": [{"templateName": "success-rate"}]}}]
    ro = canary_rollout("foo", replicas=5, steps=steps)
    world.apply(ro)
    world.tick(5)
    world.apply(with_image(ro, "app:v2"))
    world.tick(5)
    (run,) = world.runs()
    assert run.metadata.name.startswith(f"foo-{world.status().current_pod_hash}-2-")
    assert run.metadata.labels["rollout-type"] == "Step"
    world.tick(15)
    (run,) = world.runs()
    assert run.status.phase == "Successful"
    assert world.status().phase == "Healthy"


def test_background_analysis_failure_aborts() -> None:
    """Background analysis from startingStep 1: a failing sample aborts the canary; every
    pod goes back to the stable revision."""
    world = _analysis_world(interval="10s")
    world.sample("success-rate", 0.99)
    steps = [{"setWeight": 40}, {"pause": {"duration": 20}}, {"setWeight": 80},
             {"pause": {}}]
    ro = canary_rollout("foo", replicas=5, steps=steps,
                        analysis={"templates": [{"templateName": "success-rate"}],
                                  "startingStep": 1})
    world.apply(ro)
    world.tick(5)
    stable = world.status().stable_rs
    world.apply(with_image(ro, "app:v2"))
    world.tick(5)
    (run,) = world.runs()
    assert run.metadata.labels["rollout-type"] == "Background"
    world.sample("success-rate", 0.5)
    world.tick(30)
    status = world.status()
    assert status.abort is True
    assert status.phase == "Degraded"
    progressing = world.condition("Progressing")
    assert progressing.reason == "RolloutAborted"
    assert progressing.message == (
        'Rollout aborted update to revision 2: Background analysis phase error/failed: Metric '
        '"success-rate" assessed Failed due to failed (1) > failureLimit (0)')
    world.tick(30)
    assert world.pods_by_hash() == {stable: 5}


def test_inconclusive_analysis_pauses_until_promoted() -> None:
    world = _analysis_world(success="result > 0.9", failure="result < 0.5")
    world.sample("success-rate", 0.7)
    steps = [{"setWeight": 20}, {"analysis": {"templates": [{"templateName": "success-rate"}]}},
             {"setWeight": 60}]
    ro = canary_rollout("foo", replicas=5, steps=steps)
    world.apply(ro)
    world.tick(5)
    world.apply(with_image(ro, "app:v2"))
    world.tick(10)
    status = world.status()
    assert [p.reason for p in status.pause_conditions] == ["InconclusiveAnalysisRun"]
    assert status.current_step_index == 1
    world.rollout("promote")
    world.tick(20)
    status = world.status()
    assert status.phase == "Healthy"


def test_blue_green_pre_promotion_analysis_failure_aborts() -> None:
    world = _analysis_world()
    world.sample("success-rate", 0.2)
    ro = bluegreen_rollout("foo", replicas=2,
                           prePromotionAnalysis={"templates": [{"templateName": "success-rate"}]})
    world.apply(service("active"), service("preview"), ro)
    world.tick(5)
    v1 = world.status().stable_rs
    world.apply(with_image(ro, "app:v2"))
    world.tick(10)
    status = world.status()
    assert status.abort is True
    assert status.blue_green.pre_promotion_analysis_run_status.status == "Failed"
    assert world.selector("active")[HASH_LABEL] == v1
    assert status.phase == "Degraded"


def test_blue_green_post_promotion_analysis_success() -> None:
    world = _analysis_world()
    world.sample("success-rate", 0.99)
    ro = bluegreen_rollout("foo", replicas=2,
                           postPromotionAnalysis={"templates": [{"templateName": "success-rate"}]})
    world.apply(service("active"), service("preview"), ro)
    world.tick(5)
    world.apply(with_image(ro, "app:v2"))
    world.tick(10)
    status = world.status()
    assert status.blue_green.post_promotion_analysis_run_status.status == "Successful"
    assert world.selector("active")[HASH_LABEL] == status.current_pod_hash
    assert status.stable_rs == status.current_pod_hash
    assert status.phase == "Healthy"


# -- experiments, workloadRef, deadlines, restart, undo -----------------------------------------


def test_experiment_step_runs_and_completes() -> None:
    world = World()
    steps = [{"setWeight": 20},
             {"experiment": {"duration": "30s",
                             "templates": [{"name": "canary", "specRef": "canary",
                                            "replicas": 1}]}},
             {"setWeight": 60}, {"pause": {}}]
    ro = canary_rollout("foo", replicas=5, steps=steps)
    world.apply(ro)
    world.tick(5)
    world.apply(with_image(ro, "app:v2"))
    world.tick(5)
    experiments = list(world.cluster.list("Experiment", "default"))
    assert len(experiments) == 1
    ex = experiments[0]
    assert ex.status.phase == "Running"
    owned = [rs for rs in world.cluster.list("ReplicaSet", "default")
             if any(r.kind == "Experiment" for r in rs.metadata.owner_references)]
    assert [rs.spec.replicas for rs in owned] == [1]
    world.tick(40)
    ex = world.cluster.get("Experiment", "default", ex.metadata.name)
    assert ex.status.phase == "Successful"
    assert world.status().current_step_index == 3


def test_workload_ref_takes_the_deployment_template() -> None:
    """A Rollout with workloadRef to a Deployment runs the Deployment's template; with
    scaleDown onsuccess the Deployment is scaled to 0 once the Rollout is healthy."""
    world = World()
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "app",
                                                                 "image": "web:v1"}]}}}}
    ro = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
          "metadata": {"name": "foo", "namespace": "default"},
          "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                   "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                   "scaleDown": "onsuccess"},
                   "strategy": {"canary": {"steps": [{"setWeight": 50}]}}}}
    world.apply(deployment, ro)
    world.tick(20)
    status = world.status()
    assert status.phase == "Healthy"
    rs = world.rs(status.stable_rs)
    assert rs.spec.template.spec.containers[0].image == "web:v1"
    assert rs.spec.replicas == 3
    assert world.cluster.get("Deployment", "default", "web").spec.replicas == 0
    assert world.ro().spec.template is None or not world.ro().spec.template.spec.containers


def test_progress_deadline_abort() -> None:
    """A canary whose new pods never become available (they request more CPU than any node
    has) times out after progressDeadlineSeconds and, with progressDeadlineAbort, aborts."""
    world = World()
    ro = canary_rollout("foo", replicas=2, steps=[{"setWeight": 50}, {"pause": {}}],
                        )
    ro["spec"]["progressDeadlineSeconds"] = 30
    ro["spec"]["progressDeadlineAbort"] = True
    world.apply(ro)
    world.tick(5)
    stable = world.status().stable_rs
    bad = with_image(ro, "app:v2")
    bad["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "64"}}
    world.apply(bad)
    name = world.rs(world.status().current_pod_hash).metadata.name
    world.tick(30)
    assert not world.status().abort
    world.tick(1)  # the deadline passed: last progress at +0, deadline 30 s, woken at +31
    status = world.status()
    assert status.abort is True
    message = (f'Rollout aborted update to revision 2: ReplicaSet "{name}" has timed out '
               "progressing.")
    assert (status.phase, status.message) == ("Degraded", f"RolloutAborted: {message}")
    world.tick(5)
    assert world.pods_by_hash() == {stable: 2}


def test_restart_recreates_pods() -> None:
    world = World()
    ro = canary_rollout("foo", replicas=2, steps=[])
    world.apply(ro)
    world.tick(5)
    before = {p.metadata.name for p in world.cluster.list("Pod", "default")}
    world.rollout("restart")
    world.tick(120)
    after = {p.metadata.name for p in world.cluster.list("Pod", "default")
             if p.metadata.deletion_timestamp is None}
    assert len(after) == 2
    assert not before & after
    assert world.status().restarted_at is not None


def test_undo_goes_back_to_the_previous_revision() -> None:
    world = World()
    ro = canary_rollout("foo", replicas=2, steps=[])
    world.apply(ro)
    world.tick(5)
    v1 = world.status().stable_rs
    world.apply(with_image(ro, "app:v2"))
    world.tick(20)
    assert world.status().stable_rs != v1
    world.rollout("undo")
    world.tick(20)
    status = world.status()
    assert status.stable_rs == v1
    assert world.rs(v1).metadata.annotations["rollout.argoproj.io/revision"] == "3"
    assert world.pods_by_hash() == {v1: 2}


def test_canary_scale_down_delay_with_traffic_routing() -> None:
    """With a router, the previous stable keeps its pods for scaleDownDelaySeconds after a
    promotion, marked with the scale-down-deadline annotation, then scales to 0."""
    world = World()
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "default"},
             "spec": {"rules": [{"backendRefs": [{"name": "stable", "port": 80},
                                                 {"name": "canary", "port": 80}]}]}}
    ro = canary_rollout("foo", replicas=2, steps=[{"setWeight": 50}],
                        stableService="stable", canaryService="canary",
                        scaleDownDelaySeconds=20,
                        trafficRouting={"plugins": {"argoproj-labs/gatewayAPI":
                                                    {"httpRoute": "r"}}})
    world.apply(service("stable"), service("canary"), route, ro)
    world.tick(5)
    v1 = world.status().stable_rs
    world.apply(with_image(ro, "app:v2"))
    world.tick(10)
    assert world.status().stable_rs != v1
    annotation = world.rs(v1).metadata.annotations.get(
        "argo-rollouts.argoproj.io/scale-down-deadline")
    assert annotation
    assert world.sizes()[v1] == 2
    world.tick(25)
    assert world.sizes()[v1] == 0
