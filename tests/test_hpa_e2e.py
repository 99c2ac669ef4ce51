"""The HorizontalPodAutoscaler through the DESIGN contract, as an outside test drives it: event
logs of manifests, `usage:`/`metric:` samples, `tick` and `reconcile`, in auto mode (the whole
default control plane; the HPA syncs every 15 s of logical time) and in manual mode (one
`reconcile: {controller: horizontal-pod-autoscaler, key: ns/name}` is one reconcileAutoscaler).

Expected replica counts are worked out from horizontal.go and replica_calculator.go (v1.34) with
kube-controller-manager's default flags: a sample taken within a window (15 s) of a young pod's
readiness change marks it unready; a scale-up is at most max(2 x current, 4) per sync; the
largest recommendation of the last 300 s wins (so a limited scale-up continues at the next
sync, and a scale-down waits until the high recommendations have left the window).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kubefold.cli import main
from kubefold.core.codec import decode_log, load_snapshot
from kubefold.reducers import apiserver, manager
from kubefold.reducers.controllers.podautoscaler.horizontal import memory_of
from tests.helpers import crd

EXAMPLES = Path(__file__).parent.parent / "examples"
HPA = ("horizontal-pod-autoscaler", "default/web")

NODE = """
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
status:
  capacity: {cpu: "32", memory: 64Gi, pods: "110"}
  allocatable: {cpu: "32", memory: 64Gi, pods: "110"}
  conditions: [{type: Ready, status: "True"}]
"""


def deployment(replicas: int, name: str = "web") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: default}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: app, image: web:v1, resources: {{requests: {{cpu: 500m}}}}}}]}}
"""


def hpa(name: str = "web", min_replicas: int = 1, max_replicas: int = 10, extra: str = "",
        target: str = "web", metrics: str | None = None) -> str:
    metrics = metrics or ("[{type: Resource, resource: {name: cpu, target: "
                          "{type: Utilization, averageUtilization: 50}}}]")
    return f"""
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}, namespace: default}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {target}}}
  minReplicas: {min_replicas}
  maxReplicas: {max_replicas}
  metrics: {metrics}
{extra}"""


def log(*docs: str) -> list[Any]:
    return decode_log("\n---\n".join(docs), "test.yaml").events


def replay(cluster: Any, *docs: str, mode: str = "auto") -> Any:
    for event in log(*docs):
        outcome = manager.apply_event(cluster, event, mode)
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
    return cluster


def usage(cpu: str, at: int | None = None) -> str:
    when = f"at: {at}\n" if at is not None else ""
    return f"{when}usage: {{namespace: default, selector: {{matchLabels: {{app: web}}}}, " \
           f"cpu: {cpu}}}\n"


def replicas(cluster: Any, name: str = "web") -> int:
    return cluster.get("Deployment", "default", name).spec.replicas


def the_hpa(cluster: Any, name: str = "web") -> Any:
    return cluster.get("HorizontalPodAutoscaler", "default", name)


def conditions(cluster: Any, name: str = "web") -> dict[str, tuple[str, str, str]]:
    return {c.type: (c.status, c.reason, c.message)
            for c in the_hpa(cluster, name).status.conditions}


def elapsed(cluster: Any) -> int:
    return cluster.now - cluster.clock_start


def timeline(cluster: Any, until: int, cpu: Any, step: int = 15) -> tuple[Any, dict[int, int]]:
    """Every `step` seconds: advance the clock (the syncs due run), then send a sample for the
    pods that exist then (`cpu(t, pods)` millicores each); the Deployment's replicas per time."""
    seen: dict[int, int] = {}
    start = elapsed(cluster)
    for t in range(start, until + 1, step):
        cluster = replay(cluster, f"at: {t}\ntick: 0\n")
        pods = [p for p in cluster.list("Pod", "default") if p.metadata.deletion_timestamp is None]
        cluster = replay(cluster, usage(f"{cpu(t, len(pods))}m", at=t))
        seen[t] = replicas(cluster)
    return cluster, seen


# -- auto mode -------------------------------------------------------------------------------


def test_first_sync_is_one_resync_period_after_creation() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa())
    assert c.queue.waiting.get(HPA) == c.now + 15
    assert the_hpa(c).status.conditions == []
    c = replay(c, "tick: 14\n")
    assert the_hpa(c).status.conditions == []
    c = replay(c, "tick: 1\n")
    assert conditions(c)["AbleToScale"][:2] == ("True", "SucceededGetScale")
    assert conditions(c)["ScalingActive"] == (
        "False", "FailedGetResourceMetric", "the HPA was unable to compute the replica count: "
        "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics "
        "returned from resource metrics API")
    # a sample as old as the pods' readiness: every pod still counts as unready
    sampled = replay(manager.empty_cluster(), NODE, deployment(2), hpa(), usage("900m"),
                     "tick: 15\n")
    assert conditions(sampled)["ScalingActive"][2].endswith(
        "did not receive metrics for targeted pods (pods might be unready)")
    assert c.queue.waiting.get(HPA) == c.now + 15


def test_scale_up_limit_then_stabilised_scale_down() -> None:
    """Each pod hot (900m of 500m) until t=300, then idle (100m): 2 -> 4 (limit) -> 8 -> 10
    (maxReplicas); the 20% that follows wants 4, which waits 300 s after the last
    recommendation of 10 (made at t=300), then wants 2 (ceil(0.4 x 4)), 300 s later again."""
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa())
    c, seen = timeline(c, 930, lambda t, n: 900 if t < 300 else 100)
    assert [seen[t] for t in (15, 30, 45, 60)] == [2, 4, 8, 10]
    assert {seen[t] for t in range(60, 600, 15)} == {10}
    assert seen[585] == 10 and seen[600] == 4
    assert seen[885] == 4 and seen[900] == 2
    status = the_hpa(c).status
    assert (status.current_replicas, status.desired_replicas) == (2, 2)
    assert status.current_metrics[0].resource.current.average_utilization == 20


def test_scale_down_is_reported_stabilised() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(4), hpa())
    c, seen = timeline(c, 45, lambda t, n: 100)  # 20%: wants 2; the window holds 4
    assert seen[45] == 4
    assert conditions(c)["AbleToScale"] == (
        "True", "ScaleDownStabilized", "recent recommendations were higher than current one, "
        "applying the highest recent recommendation")


def test_max_replicas_limits_with_too_many_replicas() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa(max_replicas=3))
    c, seen = timeline(c, 30, lambda t, n: 900)
    assert seen[30] == 3
    assert conditions(c)["ScalingLimited"] == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica "
        "count")


def test_behavior_pods_policy_scales_down_one_pod_per_period() -> None:
    """behavior.scaleDown: no window, at most 1 pod per 60 s; the scale event at t=30 stops
    counting once it is a whole period old."""
    extra = """  behavior:
    scaleDown:
      stabilizationWindowSeconds: 0
      policies: [{type: Pods, value: 1, periodSeconds: 60}]
"""
    c = replay(manager.empty_cluster(), NODE, deployment(5), hpa(extra=extra))
    c, seen = timeline(c, 240, lambda t, n: 50)
    changes = [(t, seen[t]) for t in sorted(seen) if t == 0 or seen[t] != seen[t - 15]]
    assert changes == [(0, 5), (30, 4), (90, 3), (150, 2), (210, 1)]
    assert conditions(c)["ScalingLimited"][:2] == ("False", "DesiredWithinRange")


def test_behavior_disabled_scale_down_never_scales_down() -> None:
    extra = """  behavior:
    scaleDown: {selectPolicy: Disabled}
"""
    c = replay(manager.empty_cluster(), NODE, deployment(4), hpa(extra=extra))
    c, seen = timeline(c, 120, lambda t, n: 50)
    assert set(seen.values()) == {4}
    # the unset window is the controller's 300 s, which still holds the initial 4
    assert conditions(c)["ScalingLimited"][:2] == ("False", "DesiredWithinRange")
    c, seen = timeline(c, 360, lambda t, n: 50)
    assert set(seen.values()) == {4}
    assert conditions(c)["ScalingLimited"] == (
        "True", "ScaleDownLimit", "the desired replica count is decreasing faster than the "
        "maximum scale rate")


def test_autoscaling_v1_object_in_a_log() -> None:
    v1 = """
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 10
  targetCPUUtilizationPercentage: 50
"""
    c = replay(manager.empty_cluster(), NODE, deployment(2), v1)
    assert the_hpa(c).api_version == "autoscaling/v2"
    c, seen = timeline(c, 30, lambda t, n: 900)
    assert seen[30] == 4


def test_object_and_external_metrics_from_metric_events() -> None:
    """An Object metric (a Service's requests-per-second) and an External one (a queue);
    the largest proposal wins."""
    metrics = ("[{type: Object, object: {describedObject: {apiVersion: v1, kind: Service, "
               "name: web}, metric: {name: requests-per-second}, target: {type: Value, "
               "value: '100'}}}, {type: External, external: {metric: {name: queue_messages_ready,"
               " selector: {matchLabels: {queue: worker_tasks}}}, target: {type: AverageValue, "
               "averageValue: '30'}}}]")
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa(metrics=metrics),
               "metric: {name: requests-per-second, value: 150, namespace: default, "
               "object: {kind: Service, name: web}}\n",
               "metric: {name: queue_messages_ready, value: 120, labels: {queue: worker_tasks}}\n",
               "tick: 15\n")
    # Object: ceil(1.5 x 2) = 3; External: ceil(120 / 30) = 4
    assert replicas(c) == 4
    status = the_hpa(c).status
    assert [m.type for m in status.current_metrics] == ["Object", "External"]
    assert str(status.current_metrics[0].object.current.value) == "150"
    assert str(status.current_metrics[1].external.current.average_value) == "60"


def test_two_hpas_over_the_same_pods_are_ambiguous() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa("a"), hpa("b"), "tick: 15\n")
    # at its first sync `a` has not seen `b`'s selector yet (hpaSelectors fills as HPAs sync)
    assert conditions(c, "a")["ScalingActive"][1] == "FailedGetResourceMetric"
    assert conditions(c, "b")["ScalingActive"][1] == "AmbiguousSelector"
    c = replay(c, "tick: 15\n")
    for name in ("a", "b"):
        assert conditions(c, name)["ScalingActive"] == (
            "False", "AmbiguousSelector", "pods by selector app=web are controlled by multiple "
            "HPAs: [default/a default/b]")
    assert replicas(c) == 2


def test_deleted_hpa_memory_is_forgotten() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa())
    c, _ = timeline(c, 30, lambda t, n: 900)
    assert "default/web" in memory_of(c).recommendations
    c = replay(c, "delete: {kind: HorizontalPodAutoscaler, namespace: default, name: web}\n")
    # deleteHPA only forgets the key's rate limit; the queued resync finds it gone
    # (reconcileKey) and drops the recommendations, scale events and selector
    assert "default/web" in memory_of(c).recommendations
    c = replay(c, "tick: 15\n")
    assert "default/web" not in memory_of(c).recommendations
    assert "web" not in memory_of(c).selectors.get("default", {})
    c = replay(c, "tick: 60\n")
    assert replicas(c) == 4  # nothing scales it any more


def test_custom_resource_through_its_scale_subresource() -> None:
    """Any object with spec.replicas and a selector: here a custom kind whose status.selector
    is the scale subresource's label selector, and bare pods it would own."""
    snapshot = {"apiVersion": "v1", "kind": "List", "items": [
        crd("Worker"),
        {"apiVersion": "example.com/v1", "kind": "Worker",
         "metadata": {"name": "w", "namespace": "default", "uid": "w-1",
                      "creationTimestamp": "2024-01-01T00:00:00Z"},
         "spec": {"replicas": 2}, "status": {"replicas": 2, "selector": "app=worker"}},
        *[{"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": f"w-{i}", "namespace": "default", "uid": f"p-{i}",
                        "labels": {"app": "worker"},
                        "creationTimestamp": "2024-01-01T00:00:00Z"},
           "spec": {"nodeName": "node-1", "containers": [
               {"name": "app", "image": "w", "resources": {"requests": {"cpu": "1"}}}]},
           "status": {"phase": "Running", "startTime": "2024-01-01T00:00:00Z",
                      "conditions": [{"type": "Ready", "status": "True",
                                      "lastTransitionTime": "2024-01-01T00:00:00Z"}]}}
          for i in range(2)]]}
    objects = load_snapshot(yaml.safe_dump(snapshot), "snap.yaml").objects
    c = apiserver.restore(manager.empty_cluster(), objects)
    worker_hpa = hpa(target="w").replace("apps/v1, kind: Deployment", "example.com/v1, "
                                                                      "kind: Worker")
    c = replay(c, worker_hpa, "at: 20\nusage: {namespace: default, pod: '*', cpu: 1500m}\n",
               "at: 35\ntick: 0\n")
    # 150% of a 50% target wants 6; the scale-up limit allows max(2 x 2, 4)
    assert c.get("Worker", "default", "w").extra["spec"]["replicas"] == 4


# -- manual mode -----------------------------------------------------------------------------


def test_manual_reconcile_is_one_sync() -> None:
    """In manual mode nothing runs but the reconcile: the HPA writes the Deployment's scale and
    its own status once; the ReplicaSet is not touched until the deployment controller runs."""
    c = replay(manager.empty_cluster(), NODE, deployment(2), hpa())
    c = replay(c, usage("900m", at=20), mode="manual")
    rs_before = next(iter(c.list("ReplicaSet", "default"))).spec.replicas
    c = replay(c, "reconcile: {controller: horizontal-pod-autoscaler, key: default/web}\n",
               mode="manual")
    assert replicas(c) == 4  # 180% wants 8; the scale-up limit allows 4
    assert next(iter(c.list("ReplicaSet", "default"))).spec.replicas == rs_before == 2
    status = the_hpa(c).status
    assert (status.current_replicas, status.desired_replicas) == (2, 4)
    assert status.last_scale_time == c.now
    assert conditions(c)["ScalingLimited"][:2] == ("True", "ScaleUpLimit")
    assert c.queue.waiting.get(HPA) == c.now + 15
    # a second reconcile at once: the recommendation of 8 is remembered, the limit now 8
    c = replay(c, "reconcile: {controller: horizontal-pod-autoscaler, key: default/web}\n",
               mode="manual")
    assert replicas(c) == 8


def test_manual_reconcile_of_a_missing_hpa_is_a_no_op() -> None:
    c = replay(manager.empty_cluster(), NODE, deployment(2))
    after = replay(c, "reconcile: {controller: horizontal-pod-autoscaler, key: default/none}\n",
                   mode="manual")
    assert after.objects == c.objects


# -- the example and the command line --------------------------------------------------------


def test_example_rises_and_falls_with_a_visible_stabilisation() -> None:
    events = decode_log((EXAMPLES / "hpa.yaml").read_text(), "examples/hpa.yaml").events
    c = manager.empty_cluster()
    seen: dict[int, tuple[int, str]] = {}
    for event in events:
        outcome = manager.apply_event(c, event)
        assert outcome.rejected is None
        c = outcome.cluster
        if the_hpa(c) is not None and the_hpa(c).status.conditions:
            seen[elapsed(c)] = (replicas(c), conditions(c)["AbleToScale"][1])
    assert [seen[t][0] for t in (60, 75, 90, 420, 705, 720, 900)] == [2, 4, 8, 8, 8, 2, 2]
    assert {seen[t][1] for t in range(435, 720, 15)} == {"ScaleDownStabilized"}


def test_cli_replays_the_example(tmp_path: Path, capsys: Any) -> None:
    dump = tmp_path / "out.yaml"
    code = main(["replay", str(EXAMPLES / "hpa.yaml"), "--dump", str(dump), "-q"])
    assert code == 0
    items = yaml.safe_load(dump.read_text())["items"]
    (doc,) = [i for i in items if i["kind"] == "HorizontalPodAutoscaler"]
    assert doc["apiVersion"] == "autoscaling/v2"
    assert (doc["status"]["currentReplicas"], doc["status"]["desiredReplicas"]) == (2, 2)
    assert [c["type"] for c in doc["status"]["conditions"]] == [
        "AbleToScale", "ScalingActive", "ScalingLimited"]
    (web,) = [i for i in items if i["kind"] == "Deployment"]
    assert web["spec"]["replicas"] == 2
