"""Ports of pkg/controller/deployment/util/deployment_util_test.go (v1.34): TestEqualIgnoreHash,
TestFindNewReplicaSet, TestFindOldReplicaSets, TestGetReplicaCountForReplicaSets,
TestResolveFenceposts, TestNewRSNewReplicas, TestGetCondition, TestSetCondition,
TestRemoveCondition, TestDeploymentComplete, TestDeploymentProgressing, TestDeploymentTimedOut,
TestMaxUnavailable, TestGetNonNegativeInt32FromAnnotation, TestAnnotationUtils,
TestReplicasAnnotationsNeedUpdate, TestMinAvailable, TestGetReplicaSetFraction (every case;
TestGetDeploymentsForReplicaSet is a lister test and is not ported).

Go has no table tests for MaxSurge, IsSaturated, FindActiveOrLatest, GetProportion,
SetDeploymentAnnotationsTo, the sort orders, the label helpers or ComputeHash; the `kubefold`
cases below cover them with numbers worked by hand from the Go source. The module's doctests
(Kubernetes' worked numbers) run here too."""

from __future__ import annotations

import doctest
import json
from typing import Any

import attrs
import pytest
from pyrsistent import pmap, pvector

from kubefold.core.objects import (
    Condition,
    Container,
    Deployment,
    DeploymentSpec,
    DeploymentStatus,
    DeploymentStrategy,
    LabelSelector,
    LabelSelectorRequirement,
    ObjectMeta,
    OwnerReference,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    RollingUpdateDeployment,
)
from kubefold.core.schema import encode, parse_time
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.util import (
    DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY as HASH_KEY,
)
from kubefold.reducers.controllers.deployment.util import (
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
)

NOW = parse_time("2016-01-01T00:00:00Z")
LATER = NOW + 60
BEFORE = NOW - 60
MAX_INT32 = 2**31 - 1

# ---------------------------------------------------------------------------------------------
# builders (deployment_util_test.go's generateDeployment, generateRS, generatePodTemplateSpec)


def meta(obj: Any, **changes: Any) -> Any:
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, **changes))


def spec(obj: Any, **changes: Any) -> Any:
    return attrs.evolve(obj, spec=attrs.evolve(obj.spec, **changes))


def status(obj: Any, **changes: Any) -> Any:
    return attrs.evolve(obj, status=attrs.evolve(obj.status, **changes))


def generate_deployment(image: str) -> Deployment:
    """generateDeployment: one replica, template labelled name=<image>."""
    container = Container(name=image, image=image, image_pull_policy="Always",
                          termination_message_path="/dev/termination-log")
    pod_spec = PodSpec(containers=pvector([container]), dns_policy="ClusterFirst",
                       termination_grace_period_seconds=30, restart_policy="Always")
    labels = pmap({"name": image})
    template = PodTemplateSpec(metadata=ObjectMeta(labels=labels), spec=pod_spec)
    return Deployment(metadata=ObjectMeta(name=image, uid=f"uid-{image}"),
                      spec=DeploymentSpec(replicas=1, selector=LabelSelector(match_labels=labels),
                                          template=template))


def generate_rs(d: Deployment, uid: str, name: str | None = None) -> ReplicaSet:
    """generateRS: the Deployment's template, 0 replicas, controlled by the Deployment."""
    template = d.spec.template
    assert template is not None
    owner = OwnerReference(api_version="apps/v1", kind="Deployment", name=d.metadata.name,
                           uid=d.metadata.uid, controller=True)
    return ReplicaSet(
        metadata=ObjectMeta(name=name or f"{d.metadata.name}-{uid}", uid=uid,
                            labels=template.metadata.labels,
                            owner_references=pvector([owner])),
        spec=ReplicaSetSpec(replicas=0, template=template,
                            selector=LabelSelector(match_labels=template.metadata.labels)))


def with_hash(rs: ReplicaSet, value: str) -> ReplicaSet:
    """`rs.Labels[pod-template-hash] = value`: Go's generateRS shares one labels map between
    the ReplicaSet and its template, so both get the label."""
    rs = meta(rs, labels=rs.metadata.labels.set(HASH_KEY, value))
    template = rs.spec.template
    assert template is not None
    return spec(rs, template=meta(template, labels=template.metadata.labels.set(HASH_KEY, value)))


def old_template(d: Deployment) -> Deployment:
    """`oldDeployment.Spec.Template.Spec.Containers[0].Name = "nginx-old-1"`."""
    template = d.spec.template
    assert template is not None and template.spec is not None
    containers = template.spec.containers.set(
        0, attrs.evolve(template.spec.containers[0], name="nginx-old-1"))
    return spec(d, template=attrs.evolve(template, spec=attrs.evolve(template.spec,
                                                                     containers=containers)))


def generate_pod_template_spec(name: str, node_name: str, annotations: dict[str, str],
                               labels: dict[str, str]) -> PodTemplateSpec:
    return PodTemplateSpec(
        metadata=ObjectMeta(name=name, annotations=pmap(annotations), labels=pmap(labels)),
        spec=PodSpec(node_name=node_name))


def rolling(replicas: int | None, max_surge: int | str | None,
            max_unavailable: int | str | None, **spec_fields: Any) -> Deployment:
    ru = RollingUpdateDeployment(max_surge=max_surge, max_unavailable=max_unavailable)
    strategy = DeploymentStrategy(type="RollingUpdate", rolling_update=ru)
    return Deployment(spec=DeploymentSpec(replicas=replicas, strategy=strategy, **spec_fields))


def recreate(replicas: int | None = None) -> Deployment:
    return Deployment(spec=DeploymentSpec(replicas=replicas,
                                          strategy=DeploymentStrategy(type="Recreate")))


def annotated_rs(annotations: dict[str, str] | None, replicas: int | None = None) -> ReplicaSet:
    return ReplicaSet(metadata=ObjectMeta(name="hello", namespace="test",
                                          annotations=pmap(annotations or {})),
                      spec=ReplicaSetSpec(replicas=replicas))


# ---------------------------------------------------------------------------------------------
# TestEqualIgnoreHash

H = HASH_KEY
EQUAL_IGNORE_HASH = [
    ("Same spec, same labels",
     ("foo", "foo-node", {}, {H: "value-1", "something": "else"}),
     ("foo", "foo-node", {}, {H: "value-1", "something": "else"}), True),
    ("Same spec, only pod-template-hash label value is different",
     ("foo", "foo-node", {}, {H: "value-1", "something": "else"}),
     ("foo", "foo-node", {}, {H: "value-2", "something": "else"}), True),
    ("Same spec, the former doesn't have pod-template-hash label",
     ("foo", "foo-node", {}, {"something": "else"}),
     ("foo", "foo-node", {}, {H: "value-2", "something": "else"}), True),
    ("Same spec, the label is different, the former doesn't have pod-template-hash label, "
     "same number of labels",
     ("foo", "foo-node", {}, {"something": "else"}),
     ("foo", "foo-node", {}, {H: "value-2"}), False),
    ("Same spec, the label is different, the latter doesn't have pod-template-hash label, "
     "same number of labels",
     ("foo", "foo-node", {}, {H: "value-1"}),
     ("foo", "foo-node", {}, {"something": "else"}), False),
    ("Same spec, the label is different, and the pod-template-hash label value is the same",
     ("foo", "foo-node", {}, {H: "value-1"}),
     ("foo", "foo-node", {}, {H: "value-1", "something": "else"}), False),
    ("Different spec, same labels",
     ("foo", "foo-node", {"former": "value"}, {H: "value-1", "something": "else"}),
     ("foo", "foo-node", {"latter": "value"}, {H: "value-1", "something": "else"}), False),
    ("Different spec, different pod-template-hash label value",
     ("foo-1", "foo-node", {}, {H: "value-1", "something": "else"}),
     ("foo-2", "foo-node", {}, {H: "value-2", "something": "else"}), False),
    ("Different spec, the former doesn't have pod-template-hash label",
     ("foo-1", "foo-node-1", {}, {"something": "else"}),
     ("foo-2", "foo-node-2", {}, {H: "value-2", "something": "else"}), False),
    ("Different spec, different labels",
     ("foo", "foo-node-1", {}, {"something": "else"}),
     ("foo", "foo-node-2", {}, {"nothing": "else"}), False),
]


@pytest.mark.parametrize("reversed_order", [False, True], ids=["", "reverse order"])
@pytest.mark.parametrize(("former", "latter", "expected"),
                         [c[1:] for c in EQUAL_IGNORE_HASH],
                         ids=[f"TestEqualIgnoreHash/{c[0]}" for c in EQUAL_IGNORE_HASH])
def test_equal_ignore_hash(former: tuple[Any, ...], latter: tuple[Any, ...], expected: bool,
                           reversed_order: bool) -> None:
    t1, t2 = generate_pod_template_spec(*former), generate_pod_template_spec(*latter)
    if reversed_order:
        t1, t2 = t2, t1
    assert util.equal_ignore_hash(t1, t2) is expected
    # The arguments are values: their labels keep the hash (Go checks they do not become nil).
    assert dict(t1.metadata.labels) == (latter if reversed_order else former)[3]


# ---------------------------------------------------------------------------------------------
# TestFindNewReplicaSet, TestFindOldReplicaSets


def _new_and_old(new_replicas: int, old_created: int | None) -> dict[str, ReplicaSet]:
    deployment = generate_deployment("nginx")
    new_rs = with_hash(generate_rs(deployment, "new"), "hash")
    new_rs = spec(meta(new_rs, creation_timestamp=LATER), replicas=new_replicas)
    new_rs_dup = with_hash(generate_rs(deployment, "dup"), "different-hash")
    new_rs_dup = meta(new_rs_dup, creation_timestamp=NOW)
    old_rs = generate_rs(old_template(generate_deployment("nginx")), "old")
    old_rs = status(meta(old_rs, creation_timestamp=old_created),
                    fully_labeled_replicas=old_rs.spec.replicas)
    return {"newRS": new_rs, "newRSDup": new_rs_dup, "oldRS": old_rs}


FIND_NEW = [
    ("Get new ReplicaSet with the same template as Deployment spec but different "
     "pod-template-hash value", ["newRS", "oldRS"], "newRS"),
    ("Get the oldest new ReplicaSet when there are more than one ReplicaSet with the same "
     "template", ["newRS", "oldRS", "newRSDup"], "newRSDup"),
    ("Get nil new ReplicaSet", ["oldRS"], None),
]


@pytest.mark.parametrize(("rs_list", "expected"), [c[1:] for c in FIND_NEW],
                         ids=[f"TestFindNewReplicaSet/{c[0]}" for c in FIND_NEW])
def test_find_new_replica_set(rs_list: list[str], expected: str | None) -> None:
    rss = _new_and_old(new_replicas=0, old_created=None)
    got = util.find_new_replica_set(generate_deployment("nginx"), [rss[n] for n in rs_list])
    assert got == (rss[expected] if expected else None)


FIND_OLD = [
    ("Get old ReplicaSets", ["newRS", "oldRS"], ["oldRS"], []),
    ("Get old ReplicaSets with no new ReplicaSet", ["oldRS"], ["oldRS"], []),
    ("Get old ReplicaSets with two new ReplicaSets, only the oldest new ReplicaSet is seen as "
     "new ReplicaSet", ["oldRS", "newRS", "newRSDup"], ["oldRS", "newRS"], ["newRS"]),
    ("Get empty old ReplicaSets", ["newRS"], [], []),
]


@pytest.mark.parametrize(("rs_list", "expected", "expected_require"), [c[1:] for c in FIND_OLD],
                         ids=[f"TestFindOldReplicaSets/{c[0]}" for c in FIND_OLD])
def test_find_old_replica_sets(rs_list: list[str], expected: list[str],
                               expected_require: list[str]) -> None:
    rss = _new_and_old(new_replicas=1, old_created=BEFORE)
    require, all_rss = util.find_old_replica_sets(generate_deployment("nginx"),
                                                  [rss[n] for n in rs_list])
    by_time = util.replica_sets_by_creation_timestamp
    assert by_time(all_rss) == by_time(rss[n] for n in expected)
    assert require == [rss[n] for n in expected_require]


# ---------------------------------------------------------------------------------------------
# TestGetReplicaCountForReplicaSets


def _count_rss() -> dict[str, ReplicaSet]:
    def rs(name: str, replicas: int, actual: int, terminating: int | None,
           observed: int | None) -> ReplicaSet:
        base = generate_rs(generate_deployment(name), name)
        return status(spec(base, replicas=replicas), replicas=actual,
                      terminating_replicas=terminating, observed_generation=observed)

    # Go sets rs1's observedGeneration twice and never rs2's: rs2 stays at 0.
    return {"rs1": rs("foo-rs", 1, 2, 3, 1), "rs2": rs("bar-rs", 2, 3, 1, None),
            "rs3": rs("unsynced-rs", 3, 0, None, None), "rs4": rs("dropped-rs", 1, 1, None, 1)}


REPLICA_COUNTS = [
    ("scaling down rs1", ["rs1"], 1, 2, 3),
    ("scaling down rs1 and rs2", ["rs1", "rs2"], 3, 5, 4),
    ("scaling up rs3", ["rs3"], 3, 0, 0),
    ("scaling down rs1 and rs2 and scaling up rs3", ["rs1", "rs2", "rs3"], 6, 5, 4),
    ("invalid/unknown terminating status for rs4", ["rs4"], 1, 1, None),
    ("invalid/unknown terminating status for rs4 with rs1, rs2 and rs3",
     ["rs1", "rs2", "rs3", "rs4"], 7, 6, None),
]


@pytest.mark.parametrize(("sets", "count", "actual", "terminating"),
                         [c[1:] for c in REPLICA_COUNTS],
                         ids=[f"TestGetReplicaCountForReplicaSets/{c[0]}" for c in REPLICA_COUNTS])
def test_get_replica_count_for_replica_sets(sets: list[str], count: int, actual: int,
                                            terminating: int | None) -> None:
    rss = [_count_rss()[n] for n in sets]
    assert util.get_replica_count_for_replica_sets(rss) == count
    assert util.get_actual_replica_count_for_replica_sets(rss) == actual
    assert util.get_terminating_replica_count_for_replica_sets(rss) == terminating


# ---------------------------------------------------------------------------------------------
# TestResolveFenceposts

FENCEPOSTS = [
    ("0%", "0%", 0, 0, 1, None),
    ("39%", "39%", 10, 4, 3, None),
    ("oops", "39%", 10, 0, 0,
     "invalid value for IntOrString: invalid type: string is not a percentage"),
    ("55%", "urg", 10, 0, 0,
     "invalid value for IntOrString: invalid type: string is not a percentage"),
    (None, "39%", 10, 0, 3, None),
    ("39%", None, 10, 4, 0, None),
    (None, None, 10, 0, 1, None),
]


@pytest.mark.parametrize(("surge", "unavailable", "desired", "want_surge", "want_unavailable",
                          "error"), FENCEPOSTS,
                         ids=[f"TestResolveFenceposts/{i}" for i in range(len(FENCEPOSTS))])
def test_resolve_fenceposts(surge: str | None, unavailable: str | None, desired: int,
                            want_surge: int, want_unavailable: int, error: str | None) -> None:
    if error is not None:
        with pytest.raises(ValueError) as exc:
            util.resolve_fenceposts(surge, unavailable, desired)
        assert str(exc.value) == error
        return
    assert util.resolve_fenceposts(surge, unavailable, desired) == (want_surge, want_unavailable)


# ---------------------------------------------------------------------------------------------
# TestNewRSNewReplicas

NEW_RS_NEW_REPLICAS = [
    ("can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5),
    ("scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6),
    ("recreate - to depReplicas", "Recreate", 3, 1, 1, 3),
]


@pytest.mark.parametrize(("strategy_type", "dep_replicas", "new_rs_replicas", "max_surge",
                          "expected"), [c[1:] for c in NEW_RS_NEW_REPLICAS],
                         ids=[f"TestNewRSNewReplicas/{c[0]}" for c in NEW_RS_NEW_REPLICAS])
def test_new_rs_new_replicas(strategy_type: str, dep_replicas: int, new_rs_replicas: int,
                             max_surge: int, expected: int) -> None:
    d = generate_deployment("nginx")
    ru = RollingUpdateDeployment(max_unavailable=1, max_surge=max_surge)
    d = spec(d, replicas=dep_replicas,
             strategy=DeploymentStrategy(type=strategy_type, rolling_update=ru))
    new_rc = spec(generate_rs(d, "new"), replicas=new_rs_replicas)
    rs5 = spec(generate_rs(d, "rs5"), replicas=5)
    assert util.new_rs_new_replicas(d, [rs5], new_rc) == expected


def test_new_rs_new_replicas_errors_kubefold() -> None:
    """Go's two errors: an unknown strategy type, a bad maxSurge."""
    new_rs = generate_rs(generate_deployment("nginx"), "new")
    with pytest.raises(ValueError, match="^deployment type Canary isn't supported$"):
        util.new_rs_new_replicas(spec(recreate(3), strategy=DeploymentStrategy(type="Canary")),
                                 [], new_rs)
    with pytest.raises(ValueError, match="^nil value for IntOrString$"):
        util.new_rs_new_replicas(rolling(3, None, 1), [], new_rs)


# ---------------------------------------------------------------------------------------------
# TestGetCondition, TestSetCondition, TestRemoveCondition

COND_PROGRESSING = Condition(type="Progressing", status="False", reason="ForSomeReason")
COND_PROGRESSING2 = Condition(type="Progressing", status="True", reason="BecauseItIs")
COND_AVAILABLE = Condition(type="Available", status="True", reason="AwesomeController")


def conditions(*conds: Condition) -> DeploymentStatus:
    return DeploymentStatus(conditions=pvector(conds))


EXAMPLE_STATUS = conditions(COND_PROGRESSING, COND_AVAILABLE)


@pytest.mark.parametrize(("cond_type", "expected"), [("Available", True),
                                                     ("ReplicaFailure", False)],
                         ids=["TestGetCondition/condition exists",
                              "TestGetCondition/condition does not exist"])
def test_get_condition(cond_type: str, expected: bool) -> None:
    assert (util.get_deployment_condition(EXAMPLE_STATUS, cond_type) is not None) is expected


@pytest.mark.parametrize(("before", "cond", "expected"), [
    (conditions(), COND_AVAILABLE, conditions(COND_AVAILABLE)),
    (conditions(COND_PROGRESSING), COND_AVAILABLE, EXAMPLE_STATUS),
    (conditions(COND_PROGRESSING), COND_PROGRESSING2, conditions(COND_PROGRESSING2)),
], ids=["TestSetCondition/set for the first time", "TestSetCondition/simple set",
        "TestSetCondition/overwrite"])
def test_set_condition(before: DeploymentStatus, cond: Condition,
                       expected: DeploymentStatus) -> None:
    assert util.set_deployment_condition(before, cond) == expected


@pytest.mark.parametrize(("before", "cond_type", "expected"), [
    (conditions(), "Progressing", conditions()),
    (conditions(COND_PROGRESSING), "Progressing", conditions()),
    (EXAMPLE_STATUS, "ReplicaFailure", EXAMPLE_STATUS),
], ids=["TestRemoveCondition/remove from empty status", "TestRemoveCondition/simple remove",
        "TestRemoveCondition/doesn't remove anything"])
def test_remove_condition(before: DeploymentStatus, cond_type: str,
                          expected: DeploymentStatus) -> None:
    assert util.remove_deployment_condition(before, cond_type) == expected


def test_set_condition_times_kubefold() -> None:
    """Same status and reason: nothing changes. Same status, new reason: lastTransitionTime
    kept, lastUpdateTime and the rest replaced, the condition moved to the end."""
    first = util.new_deployment_condition("Progressing", "True", "NewReplicaSetCreated", "a", 100)
    before = conditions(first, COND_AVAILABLE)
    same = util.new_deployment_condition("Progressing", "True", "NewReplicaSetCreated", "b", 200)
    assert util.set_deployment_condition(before, same) is before
    update = util.new_deployment_condition("Progressing", "True", "ReplicaSetUpdated", "c", 300)
    after = util.set_deployment_condition(before, update)
    assert after.conditions == pvector([COND_AVAILABLE, attrs.evolve(
        update, last_transition_time=100)])
    flip = util.new_deployment_condition("Progressing", "False", "ProgressDeadlineExceeded", "",
                                         400)
    assert util.set_deployment_condition(after, flip).conditions[-1] == flip


def test_replica_set_to_deployment_condition_kubefold() -> None:
    rs_cond = Condition(type="ReplicaFailure", status="True", reason="FailedCreate",
                        message="quota", last_transition_time=50, last_update_time=99)
    assert util.replica_set_to_deployment_condition(rs_cond) == Condition(
        type="ReplicaFailure", status="True", reason="FailedCreate", message="quota",
        last_transition_time=50, last_update_time=50)


# ---------------------------------------------------------------------------------------------
# TestDeploymentComplete


def complete_deployment(desired: int, current: int, updated: int, available: int,
                        max_unavailable: int, max_surge: int) -> Deployment:
    d = rolling(desired, max_surge, max_unavailable)
    return status(d, replicas=current, updated_replicas=updated, available_replicas=available)


DEPLOYMENT_COMPLETE = [
    ("not complete: min but not all pods become available", (5, 5, 5, 4, 1, 0), False),
    ("not complete: min availability is not honored", (5, 5, 5, 3, 1, 0), False),
    ("complete", (5, 5, 5, 5, 0, 0), True),
    ("not complete: all pods are available but not updated", (5, 5, 4, 5, 0, 0), False),
    ("not complete: still running old pods", (1, 2, 1, 1, 0, 1), False),
    ("not complete: one replica deployment never comes up", (1, 1, 1, 0, 1, 1), False),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in DEPLOYMENT_COMPLETE],
                         ids=[f"TestDeploymentComplete/{c[0]}" for c in DEPLOYMENT_COMPLETE])
def test_deployment_complete(args: tuple[int, ...], expected: bool) -> None:
    d = complete_deployment(*args)
    assert util.deployment_complete(d, d.status) is expected


def test_deployment_complete_generation_kubefold() -> None:
    """The status must have observed the Deployment's generation."""
    d = meta(complete_deployment(5, 5, 5, 5, 0, 0), generation=3)
    assert util.deployment_complete(d, attrs.evolve(d.status, observed_generation=2)) is False
    assert util.deployment_complete(d, attrs.evolve(d.status, observed_generation=3)) is True


# ---------------------------------------------------------------------------------------------
# TestDeploymentProgressing


def replica_status(current: int, updated: int, ready: int, available: int) -> DeploymentStatus:
    return DeploymentStatus(replicas=current, updated_replicas=updated, ready_replicas=ready,
                            available_replicas=available)


DEPLOYMENT_PROGRESSING = [
    ("progressing: updated pods", (10, 4, 4, 4), (10, 6, 4, 4), True),
    ("not progressing", (10, 4, 4, 4), (10, 4, 4, 4), False),
    ("progressing: old pods removed", (10, 4, 6, 6), (8, 4, 6, 6), True),
    ("not progressing: less new pods", (10, 7, 3, 3), (10, 6, 3, 3), False),
    ("progressing: less overall but more new pods", (10, 4, 7, 7), (8, 8, 5, 5), True),
    ("progressing: more ready pods", (10, 10, 9, 8), (10, 10, 10, 8), True),
    ("progressing: more available pods", (10, 10, 10, 9), (10, 10, 10, 10), True),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in DEPLOYMENT_PROGRESSING],
                         ids=[f"TestDeploymentProgressing/{c[0]}"
                              for c in DEPLOYMENT_PROGRESSING])
def test_deployment_progressing(old: tuple[int, ...], new: tuple[int, ...],
                                expected: bool) -> None:
    d = Deployment(status=replica_status(*old))
    assert util.deployment_progressing(d, replica_status(*new)) is expected


# ---------------------------------------------------------------------------------------------
# TestDeploymentTimedOut


def time_fn(minute: int, sec: int) -> int:
    return parse_time(f"2016-01-01T00:{minute:02d}:{sec:02d}Z")


def timed_deployment(reason: str, pds: int | None, start: int | None) -> Deployment:
    cond = Condition(type="Progressing", status="True", reason=reason, last_update_time=start)
    return Deployment(spec=DeploymentSpec(progress_deadline_seconds=pds),
                      status=conditions(cond))


DEPLOYMENT_TIMED_OUT = [
    ("nil progressDeadlineSeconds specified - no timeout", "", None, time_fn(1, 9),
     time_fn(1, 20), False),
    ("infinite progressDeadlineSeconds specified - no timeout", "", MAX_INT32, time_fn(1, 9),
     time_fn(1, 20), False),
    ("progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s", "", 10,
     time_fn(1, 9), time_fn(1, 20), True),
    ("progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s", "", 10,
     time_fn(1, 11), time_fn(1, 20), False),
    # Go leaves nowFn at the previous case's value here.
    ("previous status was a complete deployment", "NewReplicaSetAvailable", None, None,
     time_fn(1, 20), False),
]


@pytest.mark.parametrize(("reason", "pds", "start", "now", "expected"),
                         [c[1:] for c in DEPLOYMENT_TIMED_OUT],
                         ids=[f"TestDeploymentTimedOut/{c[0]}" for c in DEPLOYMENT_TIMED_OUT])
def test_deployment_timed_out(reason: str, pds: int | None, start: int | None, now: int,
                              expected: bool) -> None:
    d = timed_deployment(reason, pds, start)
    assert util.deployment_timed_out(d, d.status, now) is expected


def test_deployment_timed_out_edges_kubefold() -> None:
    """Exactly at the deadline is not yet timed out; ProgressDeadlineExceeded stays timed out;
    no Progressing condition, no estimate."""
    d = timed_deployment("ReplicaSetUpdated", 10, time_fn(1, 10))
    assert util.deployment_timed_out(d, d.status, time_fn(1, 20)) is False
    assert util.deployment_timed_out(d, d.status, time_fn(1, 21)) is True
    d = timed_deployment("ProgressDeadlineExceeded", 10, time_fn(1, 10))
    assert util.deployment_timed_out(d, d.status, time_fn(1, 10)) is True
    d = attrs.evolve(d, status=DeploymentStatus())
    assert util.deployment_timed_out(d, d.status, time_fn(9, 0)) is False


# ---------------------------------------------------------------------------------------------
# TestMaxUnavailable, TestMinAvailable

MAX_UNAVAILABLE = [
    ("maxUnavailable less than replicas", rolling(10, 1, 5), 5),
    ("maxUnavailable equal replicas", rolling(10, 1, 10), 10),
    ("maxUnavailable greater than replicas", rolling(5, 1, 10), 5),
    ("maxUnavailable with replicas is 0", rolling(0, 1, 10), 0),
    ("maxUnavailable with Recreate deployment strategy", recreate(), 0),
    ("maxUnavailable less than replicas with percents", rolling(10, 1, "50%"), 5),
    ("maxUnavailable equal replicas with percents", rolling(10, 1, "100%"), 10),
    ("maxUnavailable greater than replicas with percents", rolling(5, 1, "100%"), 5),
]


@pytest.mark.parametrize(("d", "expected"), [c[1:] for c in MAX_UNAVAILABLE],
                         ids=[f"TestMaxUnavailable/{c[0]}" for c in MAX_UNAVAILABLE])
def test_max_unavailable(d: Deployment, expected: int) -> None:
    assert util.max_unavailable(d) == expected


MIN_AVAILABLE = [
    ("replicas greater than maxUnavailable", rolling(10, 1, 5), 5),
    ("replicas equal maxUnavailable", rolling(10, 1, 10), 0),
    ("replicas less than maxUnavailable", rolling(5, 1, 10), 0),
    ("replicas is 0", rolling(0, 1, 10), 0),
    ("minAvailable with Recreate deployment strategy", recreate(10), 0),
    ("replicas greater than maxUnavailable with percents", rolling(10, 1, "60%"), 4),
    ("replicas equal maxUnavailable with percents", rolling(10, 1, "100%"), 0),
    ("replicas less than maxUnavailable with percents", rolling(5, 1, "100%"), 0),
]


@pytest.mark.parametrize(("d", "expected"), [c[1:] for c in MIN_AVAILABLE],
                         ids=[f"TestMinAvailable/{c[0]}" for c in MIN_AVAILABLE])
def test_min_available(d: Deployment, expected: int) -> None:
    assert util.min_available(d) == expected


MAX_SURGE = [
    ("25% of 10 rounds up", rolling(10, "25%", "25%"), 3),
    ("an int surge", rolling(10, 4, 0), 4),
    ("1% of 2 rounds up to 1", rolling(2, "1%", "25%"), 1),
    ("0% surge and unavailable rounding to 0", rolling(3, "0%", "10%"), 0),
    ("replicas 0", rolling(0, "25%", "25%"), 0),
    ("Recreate", recreate(10), 0),
    ("an invalid surge reads as 0", rolling(10, "x", 1), 0),
]


@pytest.mark.parametrize(("d", "expected"), [c[1:] for c in MAX_SURGE],
                         ids=[f"kubefold MaxSurge/{c[0]}" for c in MAX_SURGE])
def test_max_surge(d: Deployment, expected: int) -> None:
    assert util.max_surge(d) == expected


# ---------------------------------------------------------------------------------------------
# TestGetNonNegativeInt32FromAnnotation

NON_NEGATIVE = [
    ("invalid empty", None, 0, False, ""),
    ("invalid", {"test": "invalid", "foo": "2"}, 0, False, "invalid syntax"),
    ("invalid negative ", {"test": "-1", "foo": "2"}, 0, False, "invalid syntax"),
    ("valid zero", {"test": "0", "foo": "2"}, 0, True, ""),
    ("valid", {"test": "13", "foo": "2"}, 13, True, ""),
    ("valid max", {"test": str(MAX_INT32), "foo": "2"}, MAX_INT32, True, ""),
    ("invalid max out of range", {"test": str(MAX_INT32 + 1), "foo": "2"}, 0, False,
     "out of range"),
    ("invalid max out of range 2", {"test": str(2**32), "foo": "2"}, 0, False, "out of range"),
]


@pytest.mark.parametrize(("annotations", "value", "valid", "error"), [c[1:] for c in NON_NEGATIVE],
                         ids=[f"TestGetNonNegativeInt32FromAnnotation/{c[0]}"
                              for c in NON_NEGATIVE])
def test_get_non_negative_int32_from_annotation(annotations: dict[str, str] | None, value: int,
                                                valid: bool, error: str) -> None:
    rs = meta(generate_rs(generate_deployment("nginx"), "t"), annotations=pmap(annotations or {}))
    got_value, got_valid, got_error = util.get_non_negative_int32_from_annotation(rs, "test")
    assert (got_value, got_valid) == (value, valid)
    if error:
        assert got_error is not None and error in got_error
    else:
        assert got_error is None
    # GetDesiredReplicasAnnotation reads the same way.
    test_value = (annotations or {}).get("test")
    desired = {} if test_value is None else {DESIRED_REPLICAS_ANNOTATION: test_value}
    rs = meta(rs, annotations=pmap(desired))
    assert util.get_desired_replicas_annotation(rs) == (value, valid)


# ---------------------------------------------------------------------------------------------
# TestAnnotationUtils (its three subtests share one ReplicaSet, as in Go)


def _annotation_utils_state() -> tuple[Deployment, ReplicaSet, list[tuple[str, str, str]]]:
    d = generate_deployment("nginx")
    d = meta(d, annotations=d.metadata.annotations.set(REVISION_ANNOTATION, "1"))
    rs = generate_rs(d, "t")
    seen = []
    for i in range(10, 20):
        next_revision = str(i + 1)
        rs, _ = util.set_new_replica_set_annotations(d, rs, next_revision, True, 5)
        ann = rs.metadata.annotations
        seen.append((next_revision, ann[REVISION_ANNOTATION],
                     ann.get(REVISION_HISTORY_ANNOTATION, "")))
    return d, rs, seen


def test_annotation_utils_set_new_replica_set_annotations() -> None:
    """TestAnnotationUtils/SetNewReplicaSetAnnotations: revisions 11..20, history of two."""
    _, _, seen = _annotation_utils_state()
    for i, (next_revision, got_revision, history) in zip(range(10, 20), seen, strict=True):
        if i >= 12:
            assert history == f"{i - 1},{i}"
        assert got_revision == next_revision


def test_annotation_utils_set_replicas_annotations() -> None:
    """TestAnnotationUtils/SetReplicasAnnotations."""
    _, rs, _ = _annotation_utils_state()
    rs, updated = util.set_replicas_annotations(rs, 10, 11)
    assert updated is True
    assert rs.metadata.annotations[DESIRED_REPLICAS_ANNOTATION] == "10"
    assert rs.metadata.annotations[MAX_REPLICAS_ANNOTATION] == "11"
    assert util.set_replicas_annotations(rs, 10, 11) == (rs, False)


def test_annotation_utils_is_saturated() -> None:
    """TestAnnotationUtils/IsSaturated."""
    d, rs, _ = _annotation_utils_state()
    rs, _ = util.set_replicas_annotations(rs, 10, 11)
    rs = meta(rs, annotations=rs.metadata.annotations.set(DESIRED_REPLICAS_ANNOTATION, "1"))
    rs = spec(status(rs, available_replicas=1), replicas=1)
    assert util.is_saturated(d, rs) is True


IS_SATURATED = [
    ("nil ReplicaSet", None, False),
    ("saturated", ("3", 3, 3), True),
    ("desired-replicas annotation missing", (None, 3, 3), False),
    ("desired-replicas annotation not a number", ("three", 3, 3), False),
    ("desired-replicas annotation stale", ("2", 3, 3), False),
    ("not all replicas available", ("3", 3, 2), False),
    ("ReplicaSet not at full size", ("3", 2, 3), False),
]


@pytest.mark.parametrize(("rs_args", "expected"), [c[1:] for c in IS_SATURATED],
                         ids=[f"kubefold IsSaturated/{c[0]}" for c in IS_SATURATED])
def test_is_saturated(rs_args: tuple[str | None, int, int] | None, expected: bool) -> None:
    rs = None
    if rs_args is not None:
        desired, replicas, available = rs_args
        rs = status(annotated_rs({} if desired is None else {DESIRED_REPLICAS_ANNOTATION: desired},
                                 replicas), available_replicas=available)
    assert util.is_saturated(rolling(3, 1, 0), rs) is expected


# ---------------------------------------------------------------------------------------------
# TestReplicasAnnotationsNeedUpdate

NEED_UPDATE = [
    ("test Annotations nil", None, True),
    ("test desiredReplicas update", {DESIRED_REPLICAS_ANNOTATION: "8",
                                     MAX_REPLICAS_ANNOTATION: "20"}, True),
    ("test maxReplicas update", {DESIRED_REPLICAS_ANNOTATION: "10",
                                 MAX_REPLICAS_ANNOTATION: "16"}, True),
    ("test needn't update", {DESIRED_REPLICAS_ANNOTATION: "10",
                             MAX_REPLICAS_ANNOTATION: "20"}, False),
]


@pytest.mark.parametrize(("annotations", "expected"), [c[1:] for c in NEED_UPDATE],
                         ids=[f"TestReplicasAnnotationsNeedUpdate/{c[0]}" for c in NEED_UPDATE])
def test_replicas_annotations_need_update(annotations: dict[str, str] | None,
                                          expected: bool) -> None:
    rs = annotated_rs(annotations)
    assert util.replicas_annotations_need_update(rs, 10, 20) is expected
    updated, changed = util.set_replicas_annotations(rs, 10, 20)
    assert changed is expected
    assert not util.replicas_annotations_need_update(updated, 10, 20)


# ---------------------------------------------------------------------------------------------
# TestGetReplicaSetFraction

FRACTION = [
    ("empty deployment always scales to 0", 0, 0, 0, 10, None, -10),
    ("unsynced deployment does not scale when max-replicas annotation is missing (removed by a "
     "3rd party)", 10, 0, 0, 5, None, 0),
    ("unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 "
     "(by a 3rd party)", 10, 0, 0, 5, "0", 0),
    ("scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is missing "
     "(removed by a 3rd party)", 120, 100, 0, 50, None, 10),
    ("scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is "
     "incorrectly set to 0 (by a 3rd party)", 120, 100, 0, 50, "0", 10),
    ("scale up by 1/5 should increase RS replicas by 1/5", 120, 0, 0, 50, "100", 10),
    ("scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5",
     120, 0, 10, 50, "110", 9),
    ("scale down by 1/6 should decrease RS replicas by 1/6", 10, 0, 0, 6, "12", -1),
    ("scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6",
     100, 0, 10, 50, "130", -8),
]


@pytest.mark.parametrize(("replicas", "status_replicas", "surge", "rs_replicas", "max_annotation",
                          "expected"), [c[1:] for c in FRACTION],
                         ids=[f"TestGetReplicaSetFraction/{c[0]}" for c in FRACTION])
def test_get_replica_set_fraction(replicas: int, status_replicas: int, surge: int,
                                  rs_replicas: int, max_annotation: str | None,
                                  expected: int) -> None:
    d = status(generate_deployment("nginx"), replicas=status_replicas)
    ru = RollingUpdateDeployment(max_surge=surge, max_unavailable=1)
    d = spec(d, replicas=replicas, strategy=DeploymentStrategy(type="RollingUpdate",
                                                               rolling_update=ru))
    annotations = {} if max_annotation is None else {MAX_REPLICAS_ANNOTATION: max_annotation}
    rs = spec(meta(generate_rs(d, "t"), annotations=pmap(annotations)), replicas=rs_replicas)
    assert util.get_replica_set_fraction(rs, d) == expected


PROPORTION = [
    ("nil ReplicaSet", None, 5, 0, 0),
    ("empty ReplicaSet", 0, 5, 0, 0),
    ("nothing to add", 4, 0, 0, 0),
    ("everything already added", 4, 5, 5, 0),
    ("scale up: the fraction (round(4*15/10)-4 = 2)", 4, 5, 0, 2),
    ("scale up: capped by what is left to add", 4, 5, 4, 1),
    ("scale down: the fraction (round(4*5/10)-4 = -2)", 4, -5, 0, -2),
    ("scale down: capped by what is left to remove", 4, -5, -4, -1),
]


@pytest.mark.parametrize(("rs_replicas", "to_add", "added", "expected"),
                         [c[1:] for c in PROPORTION],
                         ids=[f"kubefold GetProportion/{c[0]}" for c in PROPORTION])
def test_get_proportion(rs_replicas: int | None, to_add: int, added: int, expected: int) -> None:
    rs = None if rs_replicas is None else annotated_rs({MAX_REPLICAS_ANNOTATION: "10"},
                                                       rs_replicas)
    d = rolling(10 + to_add, 0, 1)
    assert util.get_proportion(rs, d, to_add, added) == expected


# ---------------------------------------------------------------------------------------------
# SetNewReplicaSetAnnotations, SetDeploymentAnnotationsTo, revisions (kubefold cases)


def test_set_new_replica_set_annotations_new_rs_kubefold() -> None:
    """A ReplicaSet about to be created: the Deployment's annotations except the skipped ones,
    the new revision, and desired/max replicas (10 + maxSurge 25% = 13)."""
    d = meta(rolling(10, "25%", "25%"), annotations=pmap({
        "team": "a", REVISION_ANNOTATION: "7", util.LAST_APPLIED_CONFIG_ANNOTATION: "{}",
        util.DEPRECATED_ROLLBACK_TO: "2", MAX_REPLICAS_ANNOTATION: "99"}))
    rs, changed = util.set_new_replica_set_annotations(d, ReplicaSet(), "3", False, 2000)
    assert changed is True
    assert dict(rs.metadata.annotations) == {
        "team": "a", REVISION_ANNOTATION: "3", DESIRED_REPLICAS_ANNOTATION: "10",
        MAX_REPLICAS_ANNOTATION: "13"}


def test_set_new_replica_set_annotations_rollback_kubefold() -> None:
    """An existing ReplicaSet raised from revision 1 to 4 keeps 1 in its history; a second
    raise appends; an up-to-date one changes nothing; a newer one is not lowered."""
    d = rolling(3, 1, 0)
    rs = annotated_rs({REVISION_ANNOTATION: "1"}, 3)
    rs, changed = util.set_new_replica_set_annotations(d, rs, "4", True, 2000)
    assert changed is True
    assert rs.metadata.annotations[REVISION_HISTORY_ANNOTATION] == "1"
    assert DESIRED_REPLICAS_ANNOTATION not in rs.metadata.annotations  # exists: not added
    rs, _ = util.set_new_replica_set_annotations(d, rs, "6", True, 2000)
    assert dict(rs.metadata.annotations) == {REVISION_ANNOTATION: "6",
                                             REVISION_HISTORY_ANNOTATION: "1,4"}
    assert util.set_new_replica_set_annotations(d, rs, "6", True, 2000) == (rs, False)
    assert util.set_new_replica_set_annotations(d, rs, "5", True, 2000) == (rs, False)


def test_set_new_replica_set_annotations_history_limit_kubefold() -> None:
    """The history drops its oldest entries to fit the limit, and is left alone when even the
    newest entry cannot fit (the revision still moves)."""
    d = rolling(3, 1, 0)
    rs = annotated_rs({REVISION_ANNOTATION: "30", REVISION_HISTORY_ANNOTATION: "1,2,10"}, 3)
    got, _ = util.set_new_replica_set_annotations(d, rs, "31", True, 8)
    assert got.metadata.annotations[REVISION_HISTORY_ANNOTATION] == "2,10,30"
    got, changed = util.set_new_replica_set_annotations(d, rs, "31", True, 1)
    assert changed is True
    assert dict(got.metadata.annotations) == {REVISION_ANNOTATION: "31",
                                              REVISION_HISTORY_ANNOTATION: "1,2,10"}


def test_set_new_replica_set_annotations_bad_revision_kubefold() -> None:
    """An unparsable revision: Go returns false after copying the annotations."""
    d = meta(rolling(3, 1, 0), annotations=pmap({"team": "a"}))
    rs = annotated_rs({REVISION_ANNOTATION: "x"}, 3)
    got, changed = util.set_new_replica_set_annotations(d, rs, "4", True, 2000)
    assert changed is False
    assert dict(got.metadata.annotations) == {REVISION_ANNOTATION: "x", "team": "a"}
    got, changed = util.set_new_replica_set_annotations(d, annotated_rs({}), "four", True, 2000)
    assert changed is False


def test_copy_empty_annotation_kubefold() -> None:
    """Go reads an absent key as "": an empty-valued annotation is not copied onto nothing."""
    d = meta(rolling(3, 1, 0), annotations=pmap({"empty": ""}))
    rs = annotated_rs({REVISION_ANNOTATION: "4"}, 3)
    assert util.set_new_replica_set_annotations(d, rs, "4", True, 2000) == (rs, False)
    d = meta(rolling(3, 1, 0), annotations=pmap({"empty": "", "team": "a"}))
    got, changed = util.set_new_replica_set_annotations(d, rs, "4", True, 2000)
    assert changed is True and "empty" not in got.metadata.annotations


def test_set_deployment_annotations_to_kubefold() -> None:
    d = meta(rolling(3, 1, 0), annotations=pmap({"team": "a", REVISION_ANNOTATION: "5",
                                                 util.LAST_APPLIED_CONFIG_ANNOTATION: "{}"}))
    rs = annotated_rs({"owner": "b", REVISION_ANNOTATION: "2", DESIRED_REPLICAS_ANNOTATION: "3"})
    got = util.set_deployment_annotations_to(d, rs)
    assert dict(got.metadata.annotations) == {
        "owner": "b", REVISION_ANNOTATION: "5", util.LAST_APPLIED_CONFIG_ANNOTATION: "{}"}


def test_set_deployment_revision_kubefold() -> None:
    d = rolling(3, 1, 0)
    d2, changed = util.set_deployment_revision(d, "2")
    assert changed is True and d2.metadata.annotations[REVISION_ANNOTATION] == "2"
    assert util.set_deployment_revision(d2, "2") == (d2, False)


def test_revisions_kubefold() -> None:
    def rs(rev: str | None, name: str, created: int) -> ReplicaSet:
        r = annotated_rs({} if rev is None else {REVISION_ANNOTATION: rev})
        return meta(r, name=name, creation_timestamp=created)

    a, b, c, d = rs("3", "a", 4), rs("1", "b", 3), rs(None, "c", 2), rs("3", "d", 1)
    assert util.revision(c) == 0
    with pytest.raises(ValueError, match='parsing "x": invalid syntax'):
        util.revision(rs("x", "e", 0))
    assert util.max_revision([a, b, c]) == 3
    assert util.last_revision([a, b, c]) == 1
    assert util.last_revision([a, b, d]) == 3  # a repeated maximum
    assert util.replica_sets_by_revision([a, b, c, d]) == [c, b, d, a]


# ---------------------------------------------------------------------------------------------
# FindActiveOrLatest, the sort orders, filters (kubefold cases)


def _rs(name: str, replicas: int, created: int | None) -> ReplicaSet:
    return ReplicaSet(metadata=ObjectMeta(name=name, uid=name, creation_timestamp=created),
                      spec=ReplicaSetSpec(replicas=replicas))


ACTIVE_OR_LATEST = [
    ("no replica sets", None, [], None),
    ("nothing active: the new one", ("new", 0), [("o1", 0), ("o2", 0)], "new"),
    ("nothing active, no new one: the newest old one", None, [("o1", 0), ("o2", 0)], "o2"),
    ("one active old one", ("new", 0), [("o1", 2), ("o2", 0)], "o1"),
    ("only the new one active", ("new", 3), [("o1", 0)], "new"),
    ("two active: none", ("new", 1), [("o1", 2)], None),
]


@pytest.mark.parametrize(("new", "old", "expected"), [c[1:] for c in ACTIVE_OR_LATEST],
                         ids=[f"kubefold FindActiveOrLatest/{c[0]}" for c in ACTIVE_OR_LATEST])
def test_find_active_or_latest(new: tuple[str, int] | None, old: list[tuple[str, int]],
                               expected: str | None) -> None:
    # o1 is older than o2; given newest last to show the order does not matter.
    created = {"o1": NOW, "o2": LATER, "new": LATER + 60}
    new_rs = None if new is None else _rs(new[0], new[1], created[new[0]])
    old_rss = [_rs(n, r, created[n]) for n, r in old]
    got = util.find_active_or_latest(new_rs, old_rss)
    assert (got.metadata.name if got is not None else None) == expected


def test_sort_orders_kubefold() -> None:
    """Creation time then name; size descending with older or newer first on a tie."""
    a, b, c, d = _rs("a", 2, NOW), _rs("b", 2, NOW), _rs("c", 5, BEFORE), _rs("d", 2, None)
    assert util.replica_sets_by_creation_timestamp([c, b, a, d]) == [d, c, a, b]
    assert util.replica_sets_by_creation_timestamp([c, b, a, d], reverse=True) == [b, a, c, d]
    assert util.replica_sets_by_size_older([a, b, c, d]) == [c, d, a, b]
    assert util.replica_sets_by_size_newer([a, b, c, d]) == [c, b, a, d]
    assert util.filter_active_replica_sets([a, None, _rs("z", 0, NOW)]) == [a]


def test_get_all_replica_sets_kubefold() -> None:
    rss = _new_and_old(new_replicas=1, old_created=BEFORE)
    d = generate_deployment("nginx")
    got = util.get_all_replica_sets(d, [rss["newRS"], rss["oldRS"], rss["newRSDup"]])
    assert got == ([rss["newRS"]], [rss["oldRS"], rss["newRS"]], rss["newRSDup"])


def test_set_from_replica_set_template_kubefold() -> None:
    rs = with_hash(generate_rs(old_template(generate_deployment("nginx")), "old"), "abc")
    assert rs.spec.template is not None
    got = util.set_from_replica_set_template(generate_deployment("nginx"), rs.spec.template)
    assert got.spec.template is not None
    assert dict(got.spec.template.metadata.labels) == {"name": "nginx"}
    assert util.equal_ignore_hash(got.spec.template, rs.spec.template)


# ---------------------------------------------------------------------------------------------
# pkg/util/labels (kubefold cases)


def test_label_helpers_kubefold() -> None:
    labels = pmap({"a": "1"})
    assert util.clone_and_add_label(labels, "b", "2") == pmap({"a": "1", "b": "2"})
    assert util.clone_and_add_label(labels, "", "2") == labels
    assert util.clone_and_remove_label(pmap({"a": "1", "b": "2"}), "b") == labels
    expr = LabelSelectorRequirement(key="k", operator="In", values=pvector(["v"]))
    selector = LabelSelector(match_labels=labels, match_expressions=pvector([expr]))
    got = util.clone_selector_and_add_label(selector, HASH_KEY, "h")
    assert got == LabelSelector(match_labels=pmap({"a": "1", HASH_KEY: "h"}),
                                match_expressions=pvector([expr]))
    assert selector.match_labels == labels
    assert util.add_label_to_selector(LabelSelector(), "x", "y").match_labels == pmap({"x": "y"})
    assert util.add_label_to_selector(selector, "", "y") is selector


# ---------------------------------------------------------------------------------------------
# int-or-percent (kubefold cases; Go's intstr tests live in apimachinery)

SCALED = [
    ("an int is taken as is", 7, 100, True, 7),
    ("percent rounded up", "25%", 10, True, 3),
    ("percent rounded down", "25%", 10, False, 2),
    ("100% of 3", "100%", 3, False, 3),
    ("a percent of 0", "50%", 0, True, 0),
]


@pytest.mark.parametrize(("value", "total", "round_up", "expected"), [c[1:] for c in SCALED],
                         ids=[f"kubefold GetScaledValueFromIntOrPercent/{c[0]}" for c in SCALED])
def test_get_scaled_value_from_int_or_percent(value: int | str, total: int, round_up: bool,
                                              expected: int) -> None:
    assert util.get_scaled_value_from_int_or_percent(value, total, round_up) == expected


@pytest.mark.parametrize(("value", "message"), [
    (None, "nil value for IntOrString"),
    ("10", "invalid value for IntOrString: invalid type: string is not a percentage"),
    ("%", 'invalid value for IntOrString: invalid value "%": '
          'strconv.Atoi: parsing "": invalid syntax'),
    ("1.5%", 'invalid value for IntOrString: invalid value "1.5%": '
             'strconv.Atoi: parsing "1.5": invalid syntax'),
], ids=["kubefold nil", "kubefold no percent sign", "kubefold bare percent sign",
        "kubefold not an integer"])
def test_get_scaled_value_errors(value: str | None, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        util.get_scaled_value_from_int_or_percent(value, 10, True)
    assert str(exc.value) == message


# ---------------------------------------------------------------------------------------------
# ComputeHash (kubefold cases)


def _template(image: str = "nginx", labels: dict[str, str] | None = None) -> PodTemplateSpec:
    d = generate_deployment(image)
    assert d.spec.template is not None
    t = d.spec.template
    return t if labels is None else meta(t, labels=pmap(labels))


def test_compute_hash_deterministic_and_shaped() -> None:
    h = util.compute_hash(_template(), None)
    assert h == util.compute_hash(_template(), None)
    assert 1 <= len(h) <= 10 and set(h) <= set("bcdfghjklmnpqrstvwxz2456789")
    # The same value built another way (labels inserted in another order) hashes the same.
    t1 = _template(labels={"a": "1", "b": "2"})
    t2 = _template(labels=dict(reversed(list({"a": "1", "b": "2"}.items()))))
    assert util.compute_hash(t1, 3) == util.compute_hash(t2, 3)


def test_compute_hash_changes_with_template_and_collision_count() -> None:
    base = util.compute_hash(_template(), None)
    assert util.compute_hash(_template("redis"), None) != base
    assert util.compute_hash(_template(labels={"name": "nginx", "x": "y"}), None) != base
    counts = {util.compute_hash(_template(), c) for c in (None, 0, 1, 2, 2**31 - 1)}
    assert len(counts) == 5


def test_compute_hash_layout() -> None:
    """FNV-1a 32 over the canonical JSON, then the collision count as Go writes it: a
    little-endian uint32 in an 8-byte buffer; the decimal sum safe-encoded."""
    t = _template()
    text = json.dumps(encode(t), sort_keys=True, separators=(",", ":")).encode()
    assert util.compute_hash(t, None) == util.safe_encode_string(str(util.fnv1a_32(text)))
    tail = bytes([1, 1, 0, 0, 0, 0, 0, 0])
    assert util.compute_hash(t, 257) == util.safe_encode_string(str(util.fnv1a_32(text + tail)))
    tail = bytes([255, 255, 255, 255, 0, 0, 0, 0])
    assert util.compute_hash(t, -1) == util.safe_encode_string(str(util.fnv1a_32(text + tail)))


# ---------------------------------------------------------------------------------------------
# doctests


def test_doctests() -> None:
    result = doctest.testmod(util, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
