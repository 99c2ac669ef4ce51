"""pkg/controller/statefulset/stateful_set_utils_test.go (v1.34), ported: identity, storage,
claim ownership under the retention policy, revisions."""

from __future__ import annotations

import attrs
import pytest
from pyrsistent import pmap, pvector

from kubefold.core.apps import StatefulSetPersistentVolumeClaimRetentionPolicy
from kubefold.core.meta import get_controller_of
from kubefold.core.objects import (
    Condition,
    ObjectMeta,
    OwnerReference,
    Pod,
    PodSpec,
    PodStatus,
)
from kubefold.core.schema import freeze, thaw
from kubefold.reducers.controllers import history
from kubefold.reducers.controllers.statefulset import stateful_set_utils as u
from tests.helpers import new_stateful_set

R, D = "Retain", "Delete"
POD_KIND, SET_KIND = ("v1", "Pod"), ("apps/v1", "StatefulSet")


def ref(api_version: str, kind: str, name: str, uid: str = "", controller: bool | None = None
        ) -> OwnerReference:
    return OwnerReference(api_version=api_version, kind=kind, name=name, uid=uid or None,
                          controller=controller)


def obj(name: str, uid: str, kind: type = Pod) -> Pod:
    return Pod(metadata=ObjectMeta(name=name, uid=uid))


def claim_with(refs: list[OwnerReference]) -> Pod:
    """A claim is only looked at through its metadata here."""
    return Pod(metadata=ObjectMeta(name="target-claim", owner_references=pvector(refs)))


def set_named(name: str, uid: str, scaled: str | None = None, deleted: str | None = None,
              replicas: int = 0) -> object:
    sts = new_stateful_set(replicas)
    policy = None if scaled is None else StatefulSetPersistentVolumeClaimRetentionPolicy(
        when_scaled=scaled, when_deleted=deleted)
    return attrs.evolve(sts, metadata=ObjectMeta(name=name, uid=uid, namespace="default"),
                        spec=attrs.evolve(sts.spec, replicas=replicas,
                                          persistent_volume_claim_retention_policy=policy))


def test_get_parent_name_and_ordinal():
    """TestGetParentNameAndOrdinal."""
    sts = new_stateful_set(3)
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.get_parent_name_and_ordinal(pod) == ("foo", 1)
    pod = attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, name="1-bar"))
    assert u.get_parent_name_and_ordinal(pod) == ("", -1)


def test_is_member_of():
    """TestIsMemberOf."""
    sts = new_stateful_set(3)
    other = attrs.evolve(sts, metadata=attrs.evolve(sts.metadata, name="foo2"))
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.is_member_of(sts, pod)
    assert not u.is_member_of(other, pod)


def _renamed(pod: Pod, **meta: object) -> Pod:
    return attrs.evolve(pod, metadata=attrs.evolve(pod.metadata, **meta))


def test_identity_matches():
    """TestIdentityMatches."""
    sts = new_stateful_set(3)
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.identity_matches(sts, pod)
    assert not u.identity_matches(sts, _renamed(pod, name="foo"))
    assert not u.identity_matches(sts, _renamed(pod, namespace=""))
    labels = pod.metadata.labels.discard(u.STATEFUL_SET_POD_NAME_LABEL)
    assert not u.identity_matches(sts, _renamed(pod, labels=labels))


def _with_volumes(pod: Pod, volumes: object) -> Pod:
    extra = pod.spec.extra.set("volumes", freeze(volumes)) if volumes is not None \
        else pod.spec.extra.discard("volumes")
    return attrs.evolve(pod, spec=attrs.evolve(pod.spec, extra=extra))


def _claims_nil(pod: Pod) -> Pod:
    return _with_volumes(pod, [{k: v for k, v in thaw(vol).items()
                                if k != "persistentVolumeClaim"}
                               for vol in pod.spec.extra["volumes"]])


def _claims_renamed(pod: Pod) -> Pod:
    volumes = thaw(pod.spec.extra["volumes"])
    for vol in volumes:
        if "persistentVolumeClaim" in vol:
            vol["persistentVolumeClaim"]["claimName"] = "foo"
    return _with_volumes(pod, volumes)


def test_storage_matches():
    """TestStorageMatches."""
    sts = new_stateful_set(3)
    pod = u.new_stateful_set_pod(sts, 1)
    assert u.storage_matches(sts, pod)
    assert not u.storage_matches(sts, _with_volumes(pod, None))
    assert not u.storage_matches(sts, _claims_nil(pod))
    assert not u.storage_matches(sts, _claims_renamed(pod))
    assert not u.storage_matches(sts, _renamed(pod, name="bar"))


def test_update_identity():
    """TestUpdateIdentity."""
    sts = new_stateful_set(3)
    pod = _renamed(u.new_stateful_set_pod(sts, 1), namespace="")
    assert not u.identity_matches(sts, pod)
    pod = u.update_identity(sts, pod)
    assert u.identity_matches(sts, pod)
    pod = _renamed(pod, labels=pod.metadata.labels.discard(u.STATEFUL_SET_POD_NAME_LABEL))
    assert u.identity_matches(sts, u.update_identity(sts, pod))


def test_update_storage():
    """TestUpdateStorage."""
    sts = new_stateful_set(3)
    pod = u.new_stateful_set_pod(sts, 1)
    for broken in (_with_volumes(pod, None), _claims_nil(pod), _claims_renamed(pod)):
        assert not u.storage_matches(sts, broken)
        assert u.storage_matches(sts, u.update_storage(sts, broken))


def test_get_persistent_volume_claim_retention_policy():
    """TestGetPersistentVolumeClaimRetentionPolicy."""
    for scaled, deleted in ((R, R), (D, R)):
        sts = set_named("foo", "x", scaled, deleted)
        policy = u.get_persistent_volume_claim_retention_policy(sts)
        assert (policy.when_scaled, policy.when_deleted) == (scaled, deleted)
    unset = set_named("foo", "x")
    policy = u.get_persistent_volume_claim_retention_policy(unset)
    assert (policy.when_scaled, policy.when_deleted) == (R, R)


@pytest.mark.parametrize("reference,name,uid,expected", [
    pytest.param(ref("v1", "Pod", "fred", "abc"), "fred", "abc", True, id="full match"),
    pytest.param(ref("v1", "Pod", "fred", "abc"), "fred", "not-matching", True,
                 id="match without UID"),
    pytest.param(ref("v1", "Pod", "fred", "abc"), "joan", "abc", False, id="mismatch name"),
    pytest.param(ref("beta2", "Pod", "fred", "abc"), "fred", "abc", False, id="wrong schema"),
])
def test_matches_ref(reference, name, uid, expected):
    """TestMatchesRef."""
    assert u.matches_ref(reference, obj(name, uid), *POD_KIND) == expected


IS_CLAIM_OWNER_UP_TO_DATE = [
    # name, scaleDownPolicy, setDeletePolicy, needsPodRef, needsSetRef, replicas, ordinal
    ("retain", R, R, False, False, 0, 0),
    ("on SS delete", R, D, False, True, 0, 0),
    ("on scaledown only, condemned", D, R, True, False, 2, 2),
    ("on scaledown only, remains", D, R, False, False, 2, 1),
    ("on both, condemned", D, D, True, False, 2, 2),
    ("on both, remains", D, D, False, True, 2, 1),
]


@pytest.mark.parametrize("name,scaled,deleted,needs_pod,needs_set,replicas,ordinal",
                         IS_CLAIM_OWNER_UP_TO_DATE, ids=[c[0] for c in IS_CLAIM_OWNER_UP_TO_DATE])
@pytest.mark.parametrize("others", [False, True], ids=["no others", "others"])
@pytest.mark.parametrize("pod_ref", [False, True], ids=["no pod ref", "pod ref"])
@pytest.mark.parametrize("set_ref", [False, True], ids=["no set ref", "set ref"])
def test_is_claim_owner_up_to_date(name, scaled, deleted, needs_pod, needs_set, replicas,
                                   ordinal, others, pod_ref, set_ref):
    """TestIsClaimOwnerUpToDate."""
    pod = obj(f"pod-{ordinal}", "pod-123")
    sts = set_named("stateful-set", "ss-456", scaled, deleted, replicas)
    refs: list[OwnerReference] = []
    if pod_ref:
        refs = u.add_controller_ref(refs, pod, *POD_KIND)
    if set_ref:
        refs = u.add_controller_ref(refs, sts, *SET_KIND)
    if others:
        refs += [ref("v1", "Pod", "rand1", "rand1-uid"), ref("v1", "Pod", "rand2", "rand2-uid")]
    expected = pod_ref == needs_pod and set_ref == needs_set
    assert u.is_claim_owner_up_to_date(claim_with(refs), sts, pod) == expected


EDGE_CASES = [
    ("normal controller, pod", [ref("v1", "Pod", "pod-1", "pod-123", True)], D, D, True),
    ("non-controller causes policy mismatch, pod", [ref("v1", "Pod", "pod-1", "pod-123")],
     D, D, False),
    ("stale controller does not affect policy, pod",
     [ref("v1", "Pod", "pod-1", "pod-stale", True)], D, D, True),
    ("unexpected controller causes policy mismatch, pod",
     [ref("v1", "Pod", "pod-1", "pod-123", True), ref("v1", "Pod", "Random", "random", True)],
     D, D, False),
    ("normal controller, set",
     [ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", True)], R, D, True),
    ("non-controller causes policy mismatch, set",
     [ref("appsv1", "StatefulSet", "stateful-set", "ss-456")], R, D, False),
    ("stale controller ignored, set",
     [ref("apps/v1", "StatefulSet", "stateful-set", "set-stale", True)], R, D, True),
    ("unexpected controller causes policy mismatch, set",
     [ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", True),
      ref("apps/v1", "StatefulSet", "Random", "random", True)], R, D, False),
]


@pytest.mark.parametrize("name,refs,scaled,deleted,expected", EDGE_CASES,
                         ids=[c[0] for c in EDGE_CASES])
def test_claim_owner_up_to_date_edge_cases(name, refs, scaled, deleted, expected):
    """TestClaimOwnerUpToDateEdgeCases."""
    sts = set_named("stateful-set", "ss-456", scaled, deleted, 1)
    pod = obj("pod-1", "pod-123")
    assert u.is_claim_owner_up_to_date(claim_with(refs), sts, pod) == expected


UPDATE_CLAIM_OWNER_REF = [
    # name, scaleDownPolicy, setDeletePolicy, condemned, needsPodRef, needsSetRef, unexpected
    ("retain", R, R, False, False, False, False),
    ("delete with set", R, D, False, False, True, False),
    ("delete with scaledown, not condemned", D, R, False, False, False, False),
    ("delete on scaledown, condemned", D, R, True, True, False, False),
    ("delete on both, not condemned", D, D, False, False, True, False),
    ("delete on both, condemned", D, D, True, True, False, False),
    ("unexpected controller", D, D, True, False, False, True),
]


@pytest.mark.parametrize("name,scaled,deleted,condemned,needs_pod,needs_set,unexpected",
                         UPDATE_CLAIM_OWNER_REF, ids=[c[0] for c in UPDATE_CLAIM_OWNER_REF])
@pytest.mark.parametrize("variation", range(8))
def test_update_claim_owner_ref_for_set_and_pod(name, scaled, deleted, condemned, needs_pod,
                                                needs_set, unexpected, variation):
    """TestUpdateClaimOwnerRefForSetAndPod (extraOwner is `variations & 3`, as in Go)."""
    sts = set_named("ss", "ss-123", scaled, deleted, 5)
    pod = obj("pod-8" if condemned else "pod-1", "pod-456")
    refs: list[OwnerReference] = []
    if variation & 1:
        refs = u.add_controller_ref(refs, pod, *POD_KIND)
    if variation & 2:
        refs = u.add_controller_ref(refs, sts, *SET_KIND)
    if variation & 3:
        refs.append(ref("custom/v1", "random", "random", "abc"))
    if unexpected:
        refs.append(ref("custom/v1", "Unknown", "unknown", "xyz", True))
    claim = u.update_claim_owner_ref_for_set_and_pod(claim_with(refs), sts, pod)

    def controls(owner: object) -> bool:
        found = [r for r in claim.metadata.owner_references
                 if r.uid == owner.metadata.uid]  # type: ignore[attr-defined]
        return bool(found) and bool(found[0].controller)

    assert controls(pod) == needs_pod
    assert controls(sts) == needs_set


STS_REF = ref("apps/v1", "StatefulSet", "sts", "123", True)
UPDATE_CLAIM_CONTROLLER_REF = [
    ("set correctly", [STS_REF, ref("someone", "Else", "foo")],
     [STS_REF, ref("someone", "Else", "foo")]),
    ("missing controller", [ref("apps/v1", "StatefulSet", "sts", "123")], [STS_REF]),
    ("matching name but missing", [ref("someone", "else", "sts", "456")],
     [ref("someone", "else", "sts", "456"), STS_REF]),
    ("not present", [], [STS_REF]),
    ("controller, but no UID", [ref("apps/v1", "StatefulSet", "sts", "", True)], []),
    ("neither controller nor UID", [ref("apps/v1", "StatefulSet", "sts")], []),
]


def _ref_keys(refs: object) -> list[str]:
    return sorted(f"{r.api_version}-{r.kind}-{r.name}" for r in refs)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name,original,expected", UPDATE_CLAIM_CONTROLLER_REF,
                         ids=[c[0] for c in UPDATE_CLAIM_CONTROLLER_REF])
def test_update_claim_controller_ref(name, original, expected):
    """TestUpdateClaimControllerRef (compared as ownerRefsChanged does: by apiVersion, kind
    and name)."""
    sts = set_named("sts", "123", D, D, 1)
    claim = u.update_claim_owner_ref_for_set_and_pod(claim_with(original), sts,
                                                     obj("pod-0", "456"))
    assert _ref_keys(claim.metadata.owner_references) == _ref_keys(expected)


@pytest.mark.parametrize("uid,expected", [("123", True), ("456", True), ("789", True),
                                          ("012", False)])
def test_has_owner_ref(uid, expected):
    """TestHasOwnerRef."""
    target = claim_with([OwnerReference(uid="123", controller=True),
                         OwnerReference(uid="456", controller=False), OwnerReference(uid="789")])
    assert u.has_owner_ref(target, obj("owner", uid)) == expected


UNEXPECTED_CONTROLLER = [
    ("custom controller", [ref("chipmunks/v1", "CustomController", "simon", "other-uid", True)],
     True),
    ("custom non-controller",
     [ref("chipmunks/v1", "CustomController", "simon", "other-uid", False)], False),
    ("custom unspecified controller",
     [ref("chipmunks/v1", "CustomController", "simon", "other-uid")], False),
    ("other pod controller", [ref("v1", "Pod", "simon", "other-uid", True)], True),
    ("other set controller", [ref("apps/v1", "Set", "simon", "other-uid", True)], True),
    ("own set controller", [ref("apps/v1", "StatefulSet", "set", "set-uid", True)], False),
    ("own set controller, stale uid", [ref("apps/v1", "StatefulSet", "set", "stale-uid", True)],
     True),
    ("own pod controller", [ref("v1", "Pod", "pod", "pod-uid", True)], False),
    ("own pod controller, stale uid", [ref("v1", "Pod", "pod", "stale-uid", True)], True),
    ("own controller and another", [ref("v1", "Pod", "pod", "pod-uid", True),
                                    ref("chipmunks/v1", "CustomController", "simon",
                                        "other-uid", True)], True),
    ("own controller and a non-controller", [ref("v1", "Pod", "pod", "pod-uid", True),
                                             ref("chipmunks/v1", "CustomController", "simon",
                                                 "other-uid", False)], False),
]


@pytest.mark.parametrize("name,refs,expected", UNEXPECTED_CONTROLLER,
                         ids=[c[0] for c in UNEXPECTED_CONTROLLER])
def test_has_unexpected_controller(name, refs, expected):
    """TestHasUnexpectedController: never with no policy (Retain), else as the table says."""
    pod, target = obj("pod", "pod-uid"), claim_with(refs)
    assert not u.has_unexpected_controller(target, set_named("set", "set-uid"), pod)
    for deleted, scaled in ((R, D), (D, R), (D, D)):
        sts = set_named("set", "set-uid", scaled, deleted)
        assert u.has_unexpected_controller(target, sts, pod) == expected


NON_CONTROLLER = [
    ("set and pod controller", [ref("v1", "Pod", "pod", "pod", True),
                                ref("apps/v1", "Set", "set", "set", True)], False),
    ("set controller, pod noncontroller", [ref("v1", "Pod", "pod", "pod"),
                                           ref("apps/v1", "Set", "set", "set", True)], True),
    ("set noncontroller, pod controller", [ref("v1", "Pod", "pod", "pod", True),
                                           ref("apps/v1", "Set", "set", "set")], True),
    ("set controller", [ref("apps/v1", "Set", "set", "set", True)], False),
    ("pod controller", [ref("v1", "Pod", "pod", "pod", True)], False),
    ("nothing", [], False),
    ("set noncontroller", [ref("apps/v1", "Set", "set", "set")], True),
    ("set noncontroller with ptr", [ref("apps/v1", "Set", "set", "set", False)], True),
    ("pod noncontroller", [ref("v1", "pod", "pod", "pod")], True),
    ("other noncontroller", [ref("v1", "pod", "pod", "not-matching")], False),
]


@pytest.mark.parametrize("name,refs,expected", NON_CONTROLLER,
                         ids=[c[0] for c in NON_CONTROLLER])
def test_non_controller(name, refs, expected):
    """TestNonController."""
    assert u.has_non_controller_owner(claim_with(refs), set_named("set", "set"),
                                      obj("pod", "pod")) == expected


def test_has_stale_owner_ref():
    """TestHasStaleOwnerRef."""
    target = claim_with([ref("v1", "Pod", "bob", "123"), ref("v1", "Pod", "shirley", "456")])
    assert not u.has_stale_owner_ref(target, obj("bob", "123"), *POD_KIND)
    assert u.has_stale_owner_ref(target, obj("shirley", "789"), *POD_KIND)
    assert not u.has_stale_owner_ref(target, obj("yvonne", "345"), *POD_KIND)


def test_is_running_and_ready():
    """TestIsRunningAndReady."""
    pod = u.new_stateful_set_pod(new_stateful_set(3), 1)
    assert not u.is_running_and_ready(pod)
    pod = attrs.evolve(pod, status=PodStatus(phase="Running"))
    assert not u.is_running_and_ready(pod)
    pod = attrs.evolve(pod, status=attrs.evolve(pod.status, conditions=pvector(
        [Condition(type="Ready", status="True")])))
    assert u.is_running_and_ready(pod)


def test_new_pod_controller_ref():
    """TestNewPodControllerRef."""
    sts = new_stateful_set(1)
    controller_ref = get_controller_of(u.new_stateful_set_pod(sts, 0))
    assert controller_ref is not None
    assert (controller_ref.api_version, controller_ref.kind, controller_ref.name,
            controller_ref.uid, controller_ref.controller) == \
        ("apps/v1", "StatefulSet", "foo", "test", True)


def test_create_apply_revision():
    """TestCreateApplyRevision: a revision applied back gives an equal revision; the set's
    annotations go onto the revision."""
    sts = attrs.evolve(new_stateful_set(1), status=attrs.evolve(new_stateful_set(1).status,
                                                                 collision_count=0))
    revision = u.new_revision(sts, 1, 0)
    container = attrs.evolve(sts.spec.template.spec.containers[0], name="foo")
    changed = attrs.evolve(sts, spec=attrs.evolve(sts.spec, template=attrs.evolve(
        sts.spec.template, spec=attrs.evolve(sts.spec.template.spec,
                                             containers=pvector([container])))),
                           metadata=attrs.evolve(sts.metadata, annotations=pmap({"foo": "bar"})))
    restored = u.apply_revision(changed, revision)
    restored_revision = u.new_revision(restored, 2, 0)
    assert history.equal_revision(revision, restored_revision)
    assert restored_revision.metadata.annotations["foo"] == "bar"


def test_rolling_update_apply_revision():
    """TestRollingUpdateApplyRevision."""
    sts = new_stateful_set(1)
    current = u.new_revision(sts, 1, 0)
    container = attrs.evolve(sts.spec.template.spec.containers[0],
                             extra=sts.spec.template.spec.containers[0].extra.set(
                                 "env", freeze([{"name": "foo", "value": "bar"}])))
    updated = attrs.evolve(sts, spec=attrs.evolve(sts.spec, template=attrs.evolve(
        sts.spec.template, spec=attrs.evolve(sts.spec.template.spec,
                                             containers=pvector([container])))))
    update = u.new_revision(updated, 2, 0)
    assert u.apply_revision(updated, current).spec.template == sts.spec.template
    assert u.apply_revision(updated, update).spec.template == updated.spec.template


@pytest.mark.parametrize("match_labels,template_labels,expected", [
    pytest.param(None, None, {}, id="nil inherits statefulset labels"),
    pytest.param({"test": "test"}, None, {"test": "test"}, id="inherits selector labels"),
    pytest.param({"name": "foo"}, {"test": "test"}, {"test": "test", "name": "foo"},
                 id="non-overlapping labels merge"),
    pytest.param({"test": "foo"}, {"test": "test"}, {"test": "foo"},
                 id="overlapping labels prefer statefulset labels"),
])
def test_get_persistent_volume_claims(match_labels, template_labels, expected):
    """TestGetPersistentVolumeClaims: the claim `datadir-foo-0` with the template's labels and
    the selector's matchLabels (the selector's win)."""
    sts = new_stateful_set(1)
    selector = attrs.evolve(sts.spec.selector, match_labels=pmap(match_labels or {}))
    template = sts.spec.volume_claim_templates[0]
    template = attrs.evolve(template, metadata=attrs.evolve(
        template.metadata, labels=pmap(template_labels or {})))
    sts = attrs.evolve(sts, spec=attrs.evolve(sts.spec, selector=selector,
                                              volume_claim_templates=pvector([template])))
    pod = Pod(metadata=ObjectMeta(name="foo-0", namespace="default"), spec=PodSpec())
    claims = u.get_persistent_volume_claims(sts, pod)
    assert [(name, c.metadata.name, c.metadata.namespace, dict(c.metadata.labels))
            for name, c in claims] == [("datadir", "datadir-foo-0", "default", expected)]
