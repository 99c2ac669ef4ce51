"""Ports of argo-rollouts utils/replicaset/canary_test.go (9f8d111):
TestCalculateReplicaCountsForCanary (40 cases), TestApproximateWeightedNewStableReplicaCounts
(57), TestCalculateReplicaCountsForNewDeployment, TestCalculateReplicaCountsForCanaryTrafficRouting,
TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale (8),
TestCalculateReplicaCountsForCanaryStableRSdEdgeCases, TestTrafficWeightToReplicas (7),
TestGetOtherRSs, TestGetStableRS, TestBeforeStartingStep, TestGetCurrentCanaryStep,
TestGetCurrentSetWeight, TestAtDesiredReplicaCountsForCanary (5), TestGetCurrentExperiment,
TestGetReplicasForScaleDown (4), TestGetCanaryReplicasOrWeight (4), TestParseExistingPodMetadata
(4), TestAllDesiredAreAvailable (5), TestAllReplicaProgressThresholdMet (9),
TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay (5).

TestSyncReplicaSetEphemeralPodMetadata and TestSyncEphemeralPodMetadata are not ported: kubefold
does not reconcile ephemeral metadata."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.reducers.rollouts.utils import replicaset as rsutil
from tests.rollouts_helpers import bare_rollout, new_rollout, new_rs, set_canary_scale, typed


def _counts(name: str, *, replicas: int, weight: int, stable: tuple[int, int],
            canary: tuple[int, int], want: tuple[int, int], surge: int | str = 0,
            unavailable: int | str = 0, older: tuple[int, int] | None = None,
            scs: tuple[Any, Any, bool] | None = None, routed: bool = False,
            promote_full: bool = False, abort: bool = False, abort_delay: int | None = None,
            min_pods: int | None = None) -> Any:
    return pytest.param(dict(replicas=replicas, weight=weight, stable=stable, canary=canary,
                             surge=surge, unavailable=unavailable, older=older, scs=scs,
                             routed=routed, promote_full=promote_full, abort=abort,
                             abort_delay=abort_delay, min_pods=min_pods), want,
                        id=f"TestCalculateReplicaCountsForCanary/{name}")


CALCULATE_REPLICA_COUNTS = [
    _counts('Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas',
            replicas=10, weight=100, surge=3, unavailable=0, stable=(7, 8), canary=(6, 3),
            want=(6, 7)),
    _counts('Use max surge int to scale up canary',
            replicas=10, weight=20, surge=2, unavailable=0, stable=(10, 10), canary=(0, 0),
            want=(2, 10)),
    _counts('Use max surge percentage to scale up canary',
            replicas=10, weight=20, surge='20%', unavailable=0, stable=(10, 10), canary=(0, 0),
            want=(2, 10)),
    _counts('Scale down extra stable replicas',
            replicas=10, weight=20, surge='20%', unavailable=0, stable=(10, 10), canary=(2, 2),
            want=(2, 8)),
    _counts('Do not go past max surge',
            replicas=10, weight=30, surge=2, unavailable=0, stable=(10, 10), canary=(0, 0),
            want=(2, 10)),
    _counts('Use max unavailable int to scale down stableRS',
            replicas=10, weight=20, surge=0, unavailable=2, stable=(10, 10), canary=(0, 0),
            want=(0, 8)),
    _counts('Use max surge percentage to scale down stableRS',
            replicas=10, weight=20, surge=0, unavailable='20%', stable=(10, 10), canary=(0, 0),
            want=(0, 8)),
    _counts('Do not go past max unavailable',
            replicas=10, weight=30, surge=0, unavailable=2, stable=(10, 10), canary=(0, 0),
            want=(0, 8)),
    _counts('Use Max Surge and Max Unavailable',
            replicas=10, weight=50, surge=2, unavailable=1, stable=(10, 10), canary=(0, 0),
            want=(2, 9)),
    _counts('Scale canaryRS to zero on setWeight of 0%',
            replicas=10, weight=0, surge=1, unavailable=1, stable=(10, 10), canary=(1, 1),
            want=(0, 10)),
    _counts('Scale stable to zero on setWeight of 100%',
            replicas=10, weight=100, surge=1, unavailable=1, stable=(1, 1), canary=(10, 10),
            want=(10, 0)),
    _counts('Do not scale canaryRS down to zero on non-zero weight',
            replicas=1, weight=20, surge=1, unavailable=0, stable=(1, 1), canary=(0, 0),
            want=(1, 1)),
    _counts('Do not scale canaryRS down to zero on non-100 weight',
            replicas=1, weight=90, surge=1, unavailable=0, stable=(1, 1), canary=(0, 0),
            want=(1, 1)),
    _counts('Scale canaryRS to zero on <50 weight without surge',
            replicas=1, weight=49, surge=0, unavailable=1, stable=(1, 1), canary=(0, 0),
            want=(0, 1)),
    _counts('Scale stableRS down to zero on >=50 weight without surge',
            replicas=1, weight=51, surge=0, unavailable=1, stable=(1, 1), canary=(0, 0),
            want=(0, 0)),
    _counts('Scale canaryRS to one on >=50 weight without surge and stable replicas',
            replicas=1, weight=51, surge=0, unavailable=1, stable=(0, 0), canary=(0, 0),
            want=(1, 0)),
    _counts('Scale up Stable before canaryRS',
            replicas=10, weight=30, surge=1, unavailable=0, stable=(1, 1), canary=(0, 0),
            want=(1, 7), older=(3, 3)),
    _counts('Scale down canaryRS and stable',
            replicas=10, weight=30, surge=0, unavailable=3, stable=(8, 5), canary=(4, 4),
            want=(3, 7)),
    _counts('Scale down stable and canary available',
            replicas=10, weight=100, surge=1, unavailable=0, stable=(10, 2), canary=(10, 8),
            want=(9, 2)),
    _counts('Do not scale down canaryRS or stable when older RS count >= scaleDownCount',
            replicas=10, weight=30, surge=0, unavailable=1, stable=(8, 6), canary=(4, 2),
            want=(4, 8), older=(3, 3)),
    _counts('Do not round past maxSurge with uneven setWeight divisor',
            replicas=10, weight=5, surge=0, unavailable=1, stable=(10, 10), canary=(0, 0),
            want=(0, 9)),
    _counts('Do not round past maxSurge with uneven setWeight divisor (part 2)',
            replicas=10, weight=5, surge=0, unavailable=1, stable=(9, 9), canary=(0, 0),
            want=(1, 9)),
    _counts('Use maxUnavailable of 1 when percentage of maxUnavailable and maxSurge result in 0 '
            'replicas',
            replicas=10, weight=10, surge='0%', unavailable='0%', stable=(10, 10), canary=(0, 0),
            want=(0, 9)),
    _counts('For canary replicas, use setCanaryScale.replicas when specified along with '
            'trafficRouting (and ignore setWeight)',
            replicas=1, weight=100, stable=(1, 1), canary=(0, 0), want=(9, 1),
            scs=(9, None, False), routed=True),
    _counts('Use setCanaryScale.weight for canary replicas when specified with trafficRouting '
            '(and ignore setWeight)',
            replicas=4, weight=100, stable=(4, 4), canary=(0, 0), want=(8, 4),
            scs=(None, 200, False), routed=True),
    _counts('Ignore setCanaryScale replicas/weight when matchTrafficWeight is true',
            replicas=10, weight=20, surge='20%', unavailable=0, stable=(10, 10), canary=(0, 0),
            want=(2, 10), scs=(9, 100, True), routed=True),
    _counts('Ignore setCanaryScale when trafficRouting is missing and use setWeight for replicas',
            replicas=10, weight=20, surge='20%', unavailable=0, stable=(10, 10), canary=(0, 0),
            want=(2, 10), scs=(9, 100, False)),
    _counts('honor maxSurge during scale up when stableRS unavailable',
            replicas=4, weight=100, surge=1, unavailable=0, stable=(4, 1), canary=(0, 0),
            want=(1, 4)),
    _counts('scale down to maxunavailable without exceeding maxSurge',
            replicas=3, weight=99, surge=0, unavailable=2, stable=(3, 3), canary=(0, 0),
            want=(0, 1)),
    _counts('scale down to maxunavailable without exceeding maxSurge (part 2)',
            replicas=3, weight=99, surge=0, unavailable=2, stable=(1, 1), canary=(0, 0),
            want=(2, 1)),
    _counts('honor maxUnavailable during scale down stableRS unavailable',
            replicas=4, weight=100, surge=1, unavailable=0, stable=(4, 1), canary=(1, 1),
            want=(1, 3)),
    _counts('honor maxUnavailable when aborting or reducing weight part 1',
            replicas=4, weight=0, surge=1, unavailable=0, stable=(0, 0), canary=(4, 4),
            want=(4, 1)),
    _counts('honor maxUnavailable when aborting or reducing weight part 2',
            replicas=4, weight=0, surge=1, unavailable=0, stable=(1, 0), canary=(4, 4),
            want=(4, 1)),
    _counts('honor maxUnavailable when aborting or reducing weight part 3',
            replicas=4, weight=0, surge=1, unavailable=0, stable=(1, 1), canary=(4, 4),
            want=(3, 1)),
    _counts('promote full does not consider weight',
            replicas=4, weight=1, surge=4, unavailable=4, stable=(4, 4), canary=(0, 0),
            want=(4, 0), promote_full=True),
    _counts('promote full still honors maxSurge/maxUnavailable',
            replicas=4, weight=1, surge=3, unavailable=0, stable=(4, 4), canary=(0, 0),
            want=(3, 4), promote_full=True),
    _counts('aborted with abortScaleDownDelaySeconds:0 and setCanaryScale',
            replicas=1, weight=0, stable=(1, 1), canary=(1, 1), want=(1, 1), scs=(1, None, False),
            routed=True, abort=True, abort_delay=0),
    _counts('aborted with abortScaleDownDelaySeconds>0 and setCanaryScale',
            replicas=1, weight=0, stable=(1, 1), canary=(1, 1), want=(0, 1), scs=(1, None, False),
            routed=True, abort=True, abort_delay=30),
    _counts('Honor MinPodsPerReplicaSet when using trafficRouting and starting canary',
            replicas=10, weight=5, stable=(10, 10), canary=(0, 0), want=(2, 10), routed=True,
            min_pods=2),
    _counts('Cap MinPodsPerReplicaSet when it exceeds rollout replicas with trafficRouting',
            replicas=1, weight=100, stable=(1, 1), canary=(0, 0), want=(1, 1), routed=True,
            promote_full=True, min_pods=2),
]


@pytest.mark.parametrize(("case", "want"), CALCULATE_REPLICA_COUNTS)
def test_calculate_replica_counts_for_canary(case: dict[str, Any], want: tuple[int, int]) -> None:
    scs = set_canary_scale(*case["scs"]) if case["scs"] is not None else None
    manifest = new_rollout(case["replicas"], case["weight"], case["surge"], case["unavailable"],
                           "canary", "stable", scs, {} if case["routed"] else None)
    canary = manifest["spec"]["strategy"]["canary"]
    if case["abort_delay"] is not None:
        canary["abortScaleDownDelaySeconds"] = case["abort_delay"]
    if case["min_pods"] is not None:
        canary["minPodsPerReplicaSet"] = case["min_pods"]
    manifest["status"]["promoteFull"] = case["promote_full"]
    manifest["status"]["abort"] = case["abort"]
    ro = typed(manifest)
    stable_rs = new_rs("stable", *case["stable"])
    canary_rs = new_rs("canary", *case["canary"])
    older = [new_rs("older", *case["older"])] if case["older"] else []
    if case["routed"]:
        got = rsutil.calculate_replica_counts_for_traffic_routed_canary(ro, None, None, None)
    else:
        got = rsutil.calculate_replica_counts_for_basic_canary(ro, canary_rs, stable_rs, older)
    assert got == want


APPROXIMATE = [
    (0, 0, 100, 0, 0, 0),
    (0, 50, 100, 0, 0, 0),
    (0, 100, 100, 0, 0, 0),
    (0, 0, 100, 1, 0, 0),
    (0, 50, 100, 1, 0, 0),
    (0, 100, 100, 1, 0, 0),
    (1, 0, 100, 0, 0, 1),
    (1, 1, 100, 0, 0, 1),
    (1, 49, 100, 0, 0, 1),
    (1, 50, 100, 0, 1, 0),
    (1, 99, 100, 0, 1, 0),
    (1, 100, 100, 0, 1, 0),
    (1, 0, 100, 1, 0, 1),
    (1, 1, 100, 1, 1, 1),
    (1, 49, 100, 1, 1, 1),
    (1, 50, 100, 1, 1, 1),
    (1, 99, 100, 1, 1, 1),
    (1, 100, 100, 1, 1, 0),
    (2, 0, 100, 0, 0, 2),
    (2, 1, 100, 0, 1, 1),
    (2, 50, 100, 0, 1, 1),
    (2, 99, 100, 0, 1, 1),
    (2, 100, 100, 0, 2, 0),
    (2, 0, 100, 1, 0, 2),
    (2, 1, 100, 1, 1, 2),
    (2, 50, 100, 1, 1, 1),
    (2, 99, 100, 1, 2, 1),
    (2, 100, 100, 1, 2, 0),
    (3, 10, 100, 0, 1, 2),
    (3, 25, 100, 0, 1, 2),
    (3, 33, 100, 0, 1, 2),
    (3, 34, 100, 0, 1, 2),
    (3, 49, 100, 0, 1, 2),
    (3, 50, 100, 0, 2, 1),
    (3, 10, 100, 1, 1, 3),
    (3, 25, 100, 1, 1, 3),
    (3, 33, 100, 1, 1, 2),
    (3, 34, 100, 1, 1, 2),
    (3, 49, 100, 1, 2, 2),
    (3, 50, 100, 1, 2, 2),
    (10, 0, 100, 1, 0, 10),
    (10, 1, 100, 0, 1, 9),
    (10, 14, 100, 0, 1, 9),
    (10, 15, 100, 0, 2, 8),
    (10, 16, 100, 0, 2, 8),
    (10, 99, 100, 0, 9, 1),
    (10, 100, 100, 1, 10, 0),
    (10, 0, 100, 1, 0, 10),
    (10, 1, 100, 1, 1, 10),
    (10, 18, 100, 1, 2, 9),
    (10, 19, 100, 1, 2, 9),
    (10, 20, 100, 1, 2, 8),
    (10, 23, 100, 1, 2, 8),
    (10, 24, 100, 1, 3, 8),
    (10, 25, 100, 1, 3, 8),
    (10, 99, 100, 1, 10, 1),
    (10, 100, 100, 1, 10, 0),
]


@pytest.mark.parametrize(
    ("replicas", "weight", "max_weight", "surge", "exp_canary", "exp_stable"), APPROXIMATE,
    ids=[f"TestApproximateWeightedNewStableReplicaCounts/replicas:{c[0]}_weight:{c[1]}"
         f"_maxweight:{c[2]}_surge:{c[3]}" for c in APPROXIMATE])
def test_approximate_weighted_new_stable_replica_counts(replicas: int, weight: int,
                                                        max_weight: int, surge: int,
                                                        exp_canary: int, exp_stable: int) -> None:
    assert rsutil.approximate_weighted_canary_stable_replica_counts(
        replicas, weight, max_weight, surge) == (exp_canary, exp_stable)


def test_calculate_replica_counts_for_new_deployment() -> None:
    """TestCalculateReplicaCountsForNewDeployment."""
    ro = typed(new_rollout(10, 10, 0, 1, "canary", "stable"))
    stable_rs = new_rs("stable", 10, 0)
    new = new_rs("stable", 10, 0)
    assert rsutil.calculate_replica_counts_for_basic_canary(ro, new, stable_rs, []) == (10, 0)


def test_calculate_replica_counts_for_canary_traffic_routing() -> None:
    """TestCalculateReplicaCountsForCanaryTrafficRouting."""
    ro = typed(new_rollout(10, 10, 0, 1, "canary", "stable", rtr={}))
    assert rsutil.calculate_replica_counts_for_traffic_routed_canary(ro, None, None, None) \
        == (1, 10)


def _dynamic(name: str, *, replicas: int, max_replicas: int, canary_weight: int,
             stable_weight: int, want: tuple[int, int], abort: bool = False,
             steps: list[int] | None = None, canary_rs: tuple[int, int] = (0, 0),
             stable_rs: tuple[int, int] = (0, 0)) -> Any:
    return pytest.param(replicas, max_replicas, abort, steps or [], canary_weight,
                        stable_weight, canary_rs, stable_rs, want,
                        id=f"TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale/{name}")


DYNAMIC_SCALE = [
    _dynamic("Should scale stable replica up depending on next expected canary downscale step, "
             "if abort is true", replicas=10, max_replicas=20, canary_weight=60,
             stable_weight=40, canary_rs=(6, 6), stable_rs=(4, 4), want=(6, 8), abort=True,
             steps=[60]),
    _dynamic("Should scale stable replica up depending on available canary replicas, if actual "
             "number of canaries is less than expected and abort is true", replicas=10,
             max_replicas=20, abort=True, canary_weight=60, stable_weight=40, canary_rs=(1, 1),
             stable_rs=(4, 4), want=(6, 8), steps=[60]),
    _dynamic("Should scale stable replica up depending on available stable replicas, if abort "
             "is true", replicas=10, max_replicas=20, abort=True, canary_weight=60,
             stable_weight=40, canary_rs=(2, 2), stable_rs=(8, 4), want=(6, 8), steps=[60]),
    _dynamic("Should scale stable up as if canaries are scaled down to 0 if stable and canary "
             "replicas not passed, and abort is true", replicas=10, max_replicas=20, abort=True,
             canary_weight=60, stable_weight=40, want=(6, 10), steps=[60]),
    _dynamic("Should scale down stable", replicas=10, max_replicas=10, canary_weight=10,
             stable_weight=90, want=(1, 9)),
    _dynamic("Should take max of desired canary (20) > actual (10)", replicas=10,
             max_replicas=20, canary_weight=10, stable_weight=90, want=(2, 9)),
    _dynamic("Should leave canary scaled up if there is still traffic to it on abort",
             replicas=10, max_replicas=20, abort=True, canary_weight=20, stable_weight=80,
             want=(2, 10)),
    _dynamic("Should reduce canary when there is less traffic to it on abort", replicas=10,
             max_replicas=20, abort=True, canary_weight=10, stable_weight=90, want=(1, 10)),
]


@pytest.mark.parametrize(("replicas", "max_replicas", "abort", "steps", "canary_weight",
                          "stable_weight", "canary_rs", "stable_rs", "want"), DYNAMIC_SCALE)
def test_calculate_replica_counts_for_canary_traffic_routing_dynamic_scale(
        replicas: int, max_replicas: int, abort: bool, steps: list[int], canary_weight: int,
        stable_weight: int, canary_rs: tuple[int, int], stable_rs: tuple[int, int],
        want: tuple[int, int]) -> None:
    # newRollout's second argument is the first step's setWeight: the Go test passes
    # rolloutMaxReplicas there.
    manifest = new_rollout(replicas, max_replicas, 0, 1, "canary", "stable", rtr={})
    canary = manifest["spec"]["strategy"]["canary"]
    canary["dynamicStableScale"] = True
    canary["steps"] += [{"setWeight": w} for w in steps]
    manifest["status"]["abort"] = abort
    ro = typed(manifest)
    weights = typed({**manifest, "status": {**manifest["status"], "canary": {"weights": {
        "canary": {"weight": canary_weight}, "stable": {"weight": stable_weight}}}}}
                    ).status.canary.weights
    stable = new_rs("stable", stable_rs[0], stable_rs[1]) if stable_rs[0] > 0 else None
    new = new_rs("canary", canary_rs[0], canary_rs[0]) if canary_rs[0] > 0 else None
    assert rsutil.calculate_replica_counts_for_traffic_routed_canary(ro, new, stable, weights) \
        == want


def test_calculate_replica_counts_for_canary_stable_rs_edge_cases() -> None:
    """TestCalculateReplicaCountsForCanaryStableRSdEdgeCases."""
    ro = typed(new_rollout(10, 10, 0, 1, "", ""))
    new = new_rs("stable", 9, 9)
    assert rsutil.calculate_replica_counts_for_basic_canary(ro, new, None, []) == (10, 0)
    assert rsutil.calculate_replica_counts_for_basic_canary(ro, new, new, []) == (10, 0)


@pytest.mark.parametrize(("replicas", "weight", "max_weight", "want"), [
    (10, 0, 100, 0), (10, 20, 100, 2), (10, 25, 100, 3), (10, 33, 100, 4), (10, 99, 100, 10),
    (10, 100, 100, 10), (23, 100000000, 100000000, 23)],
    ids=[f"TestTrafficWeightToReplicas/{i}" for i in range(7)])
def test_traffic_weight_to_replicas(replicas: int, weight: int, max_weight: int, want: int
                                    ) -> None:
    """TestTrafficWeightToReplicas."""
    assert rsutil.traffic_weight_to_replicas(replicas, weight, max_weight) == want


def test_get_other_rss() -> None:
    """TestGetOtherRSs."""
    ro = typed(bare_rollout())
    rs1, rs2 = new_rs("", None, 0, name="1"), new_rs("", None, 0, name="2")
    assert rsutil.get_other_rss(ro, None, None, [rs1]) == [rs1]
    assert rsutil.get_other_rss(ro, rs1, None, [rs1, rs2]) == [rs2]
    assert rsutil.get_other_rss(ro, None, rs1, [rs1, rs2]) == [rs2]


def test_get_stable_rs() -> None:
    """TestGetStableRS."""
    rs1, rs2, rs3 = (new_rs(h, None, 0) for h in ("1", "2", "3"))
    assert rsutil.get_stable_rs(typed(bare_rollout()), rs1, [rs2, rs3]) is None
    ro = typed(bare_rollout(status={"stableRS": "1"}))
    assert rsutil.get_stable_rs(ro, rs2, [rs3]) is None
    assert rsutil.get_stable_rs(ro, rs1, [rs2, rs3]) is rs1
    assert rsutil.get_stable_rs(ro, rs2, [rs1, rs2, rs3]) is rs1


def test_before_starting_step() -> None:
    """TestBeforeStartingStep."""
    spec: dict[str, Any] = {"strategy": {"canary": {"analysis": {}}}}
    assert not rsutil.before_starting_step(typed(bare_rollout(spec)))
    spec["strategy"]["canary"]["analysis"]["startingStep"] = 1
    assert not rsutil.before_starting_step(typed(bare_rollout(spec)))
    spec["strategy"]["canary"]["steps"] = [{"setWeight": 1}, {"pause": {}}]
    assert rsutil.before_starting_step(typed(bare_rollout(spec, {"currentStepIndex": 0})))
    assert not rsutil.before_starting_step(typed(bare_rollout(spec, {"currentStepIndex": 1})))


def test_get_current_canary_step() -> None:
    """TestGetCurrentCanaryStep."""
    manifest = new_rollout(10, 10, 0, 1)
    manifest["spec"]["strategy"]["canary"]["steps"] = []
    assert rsutil.get_current_canary_step(typed(manifest))[0] is None
    manifest["spec"]["strategy"]["canary"]["steps"] = [{"pause": {}}]
    manifest["status"]["currentStepIndex"] = 0
    step, index = rsutil.get_current_canary_step(typed(manifest))
    assert step is not None and index == 0
    manifest["status"]["currentStepIndex"] = 1
    assert rsutil.get_current_canary_step(typed(manifest))[0] is None


def test_get_current_set_weight() -> None:
    """TestGetCurrentSetWeight."""
    manifest = new_rollout(10, 10, 0, 1)
    manifest["status"]["currentStepIndex"] = 1
    assert rsutil.get_current_set_weight(typed(manifest)) == 100
    manifest["status"]["currentStepIndex"] = 0
    assert rsutil.get_current_set_weight(typed(manifest)) == 10
    manifest["status"]["abort"] = True
    assert rsutil.get_current_set_weight(typed(manifest)) == 0


def _weights(canary: int, stable: int) -> Any:
    return typed(bare_rollout(status={"canary": {"weights": {
        "canary": {"weight": canary}, "stable": {"weight": stable}}}})).status.canary.weights


AT_DESIRED = [
    pytest.param(50, set_canary_scale(2, 2), (2, 2, 2), (2, 2, 2), (50, 50), True,
                 id="TestAtDesiredReplicaCountsForCanary/"
                    "we are at desired replica counts and availability"),
    pytest.param(50, set_canary_scale(2, 2), (2, 1, 2), (2, 2, 2), (50, 50), False,
                 id="TestAtDesiredReplicaCountsForCanary/"
                    "new replicaset is not at desired counts or availability"),
    pytest.param(75, {}, (3, 3, 3), (2, 2, 2), (75, 25), False,
                 id="TestAtDesiredReplicaCountsForCanary/"
                    "stable replicaset is not at desired counts or availability"),
    pytest.param(75, {}, (3, 3, 1), (1, 0, 1), (75, 25), True,
                 id="TestAtDesiredReplicaCountsForCanary/"
                    "stable replicaset is not at desired availability but is at correct count"),
    pytest.param(50, set_canary_scale(2, 2), (2, 2, 2), (2, 2, 3), (50, 50), False,
                 id="TestAtDesiredReplicaCountsForCanary/"
                    "test that when status field lags behind spec.replicas we fail"),
]


@pytest.mark.parametrize(("weight", "scs", "new", "stable", "weights", "want"), AT_DESIRED)
def test_at_desired_replica_counts_for_canary(weight: int, scs: dict[str, Any],
                                              new: tuple[int, int, int],
                                              stable: tuple[int, int, int],
                                              weights: tuple[int, int], want: bool) -> None:
    ro = typed(new_rollout(4, weight, 1, 1, "current", "stable", scs))
    new_set = new_rs("", new[0], new[1], replicas=new[2], name="newRS")
    stable_set = new_rs("", stable[0], stable[1], replicas=stable[2], name="stableRS")
    assert rsutil.at_desired_replica_counts_for_canary(ro, new_set, stable_set, [],
                                                       _weights(*weights)) is want


def test_get_current_experiment() -> None:
    """TestGetCurrentExperiment."""
    spec: dict[str, Any] = {"strategy": {"canary": {"steps": [
        {"experiment": {"duration": "1s", "templates": []}}, {"pause": {}}]}}}
    got = rsutil.get_current_experiment_step(typed(bare_rollout(spec, {"currentStepIndex": 0})))
    assert got is not None and got.duration == "1s"
    got = rsutil.get_current_experiment_step(typed(bare_rollout(spec, {"currentStepIndex": 1})))
    assert got is not None and got.duration == "1s"
    assert rsutil.get_current_experiment_step(
        typed(bare_rollout(spec, {"currentStepIndex": 2}))) is None
    spec["strategy"]["canary"]["steps"][0] = {"setWeight": 10}
    assert rsutil.get_current_experiment_step(
        typed(bare_rollout(spec, {"currentStepIndex": 1}))) is None


@pytest.mark.parametrize(("rs", "ignore", "want"), [
    (None, False, 0), ((3, 5), False, 3), ((3, 2), True, 3), ((3, 2), False, 2)],
    ids=["TestGetReplicasForScaleDown/test rs is nil",
         "TestGetReplicasForScaleDown/test expected replicas is less than actual replicas",
         "TestGetReplicasForScaleDown/test ignore availability",
         "TestGetReplicasForScaleDown/test not ignore availability"])
def test_get_replicas_for_scale_down(rs: tuple[int, int] | None, ignore: bool, want: int
                                     ) -> None:
    replica_set = new_rs("", *rs) if rs else None
    assert rsutil.get_replicas_for_scale_down(replica_set, ignore) == want


_STEPS = [{"setWeight": 10}]


@pytest.mark.parametrize(("manifest", "replicas", "weight"), [
    (bare_rollout(status={"promoteFull": True}), None, 100),
    (bare_rollout({"strategy": {"canary": {"steps": [*_STEPS, {"setCanaryScale": {"weight": 20}}],
                                           "trafficRouting": {}}}},
                  {"currentStepIndex": 1, "stableRS": "stable-rs"}), None, 20),
    (bare_rollout({"strategy": {"canary": {"steps": [*_STEPS, {"setCanaryScale": {"replicas": 5}}],
                                           "trafficRouting": {}}}},
                  {"currentStepIndex": 1, "stableRS": "stable-rs"}), 5, 0),
    (bare_rollout({"strategy": {"blueGreen": {}}}, {"abort": True}), None, 100)],
    ids=["TestGetCanaryReplicasOrWeight/test full promote rollout",
         "TestGetCanaryReplicasOrWeight/test canary step weight",
         "TestGetCanaryReplicasOrWeight/test canary step replicas",
         "TestGetCanaryReplicasOrWeight/test get current step weight"])
def test_get_canary_replicas_or_weight(manifest: dict[str, Any], replicas: int | None,
                                       weight: int) -> None:
    assert rsutil.get_canary_replicas_or_weight(typed(manifest), None, None) == (replicas, weight)


@pytest.mark.parametrize(("annotations", "want"), [
    (None, None), ({"foo": "bar"}, None),
    ({rsutil.EPHEMERAL_METADATA_ANNOTATION: "foo"}, None),
    ({rsutil.EPHEMERAL_METADATA_ANNOTATION:
      '{"labels":{"foo":"bar"},"annotations":{"bar":"baz"}}'},
     {"labels": {"foo": "bar"}, "annotations": {"bar": "baz"}})],
    ids=["TestParseExistingPodMetadata/test no metadata",
         "TestParseExistingPodMetadata/test no ephemeral metadata key",
         "TestParseExistingPodMetadata/test invalid ephemeral metadata",
         "TestParseExistingPodMetadata/test valid ephemeral metadata"])
def test_parse_existing_pod_metadata(annotations: dict[str, str] | None,
                                     want: dict[str, Any] | None) -> None:
    rs = new_rs("", None, 0)
    if annotations:
        from kubefold.core.codec import decode_object, encode_object
        body = encode_object(rs)
        body["metadata"]["annotations"] = annotations
        rs = decode_object(body)
    assert rsutil.parse_existing_pod_metadata(rs) == want


@pytest.mark.parametrize(("rs", "desired", "want"), [
    ((10, 10), 10, True), ((10, 9), 10, False), (None, 10, False), ((None, 10), 10, False),
    ((None, 1), 1, True)],
    ids=["TestAllDesiredAreAvailable/test correct return (true) when all desired pods are "
         "available",
         "TestAllDesiredAreAvailable/test correct return (false) when not all desired pods are "
         "available",
         "TestAllDesiredAreAvailable/test correct return (false) when all ReplicaSet is nil",
         "TestAllDesiredAreAvailable/test correct return (false) when rs.Spec.Replicas is nil "
         "and desired != 1 (GetReplicasOrDefault returns 1)",
         "TestAllDesiredAreAvailable/test correct return (true) when rs.Spec.Replicas is nil "
         "and desired is 1"])
def test_all_desired_are_available(rs: tuple[int | None, int] | None, desired: int, want: bool
                                   ) -> None:
    replica_set = new_rs("", *rs) if rs else None
    assert rsutil.all_desired_are_available(replica_set, desired) is want


def _threshold(kind: str, value: int) -> Any:
    return typed(bare_rollout({"strategy": {"canary": {"replicaProgressThreshold": {
        "type": kind, "value": value}}}})).spec.strategy.canary.replica_progress_threshold


@pytest.mark.parametrize(("threshold", "rs", "desired", "want"), [
    (("Percent", 90), (None, 9), 10, True),
    (("Pod", 9), (None, 9), 10, True),
    (("Percent", 90), (None, 8), 10, False),
    (("Pod", 8), (None, 7), 10, False),
    (("Pod", -100), (10, 10), 10, True),
    (None, (5, 10), 10, False),
    (("Pod", 5), None, 10, False),
    (("Percent", 100), (None, 100), 10, True),
    (("Percent", 90), (None, 0), 0, True)],
    ids=["TestAllReplicaProgressThresholdMet/test using percentage that 90% availability of "
         "pods passes",
         "TestAllReplicaProgressThresholdMet/test using pod values that 90% availability of pods "
         "correctly passes",
         "TestAllReplicaProgressThresholdMet/test using percentage that under 90% availability "
         "of pods correctly fails",
         "TestAllReplicaProgressThresholdMet/test using pod values that under 8 pods correctly "
         "fails",
         "TestAllReplicaProgressThresholdMet/test that when threshold is under 0, it defaults to "
         "100% of pods being available to return true",
         "TestAllReplicaProgressThresholdMet/test that when threshold is nil, it defaults to 100% "
         "of pods being available to return true",
         "TestAllReplicaProgressThresholdMet/test that when the replicaset is nil, it always "
         "returns false",
         "TestAllReplicaProgressThresholdMet/test that percentages well above the required "
         "threshold correctly pass",
         "TestAllReplicaProgressThresholdMet/test that when desired is 0, threshold is always "
         "met (percentage type only)"])
def test_all_replica_progress_threshold_met(threshold: tuple[str, int] | None,
                                            rs: tuple[int | None, int] | None, desired: int,
                                            want: bool) -> None:
    replica_set = new_rs("", *rs) if rs else None
    got = rsutil.replica_progress_threshold_met(
        _threshold(*threshold) if threshold else None, replica_set, desired)
    assert got is want


def _aborted(abort_delay: int | None) -> Any:
    manifest = new_rollout(10, 50, 1, 0, "canary", "stable", rtr={})
    canary = manifest["spec"]["strategy"]["canary"]
    canary["steps"] = [{"setWeight": 10}, {"setWeight": 50}]
    canary["dynamicStableScale"] = True
    if abort_delay is not None:
        canary["abortScaleDownDelaySeconds"] = abort_delay
    manifest["status"]["abort"] = True
    return typed(manifest)


@pytest.mark.parametrize(("abort_delay", "stable_available", "want"), [
    (None, 9, 10), (30, 5, 10), (30, 9, 0), (0, 9, 10)],
    ids=["TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay/no explicit delay: weight is held "
         "up by canary size (progressive drain unchanged)",
         "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay/explicit delay: weight steps down "
         "gradually while stable is scaling up",
         "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay/explicit delay: weight reaches zero "
         "once stable nearly covers spec.Replicas (deadlock case)",
         "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay/explicit zero delay (leave canary "
         "up indefinitely): weight is held up by canary size"])
def test_get_desired_canary_weight_on_abort_with_scale_down_delay(
        abort_delay: int | None, stable_available: int, want: int) -> None:
    ro = _aborted(abort_delay)
    got = rsutil.get_desired_canary_weight(ro, new_rs("canary", 5, 5),
                                           new_rs("stable", stable_available, stable_available))
    assert got == want


def test_stable_scales_to_spec_replicas_once_weight_reaches_zero() -> None:
    """TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay/stable scales to spec.Replicas once
    weight reaches zero."""
    ro = _aborted(30)
    _, stable = rsutil.calculate_replica_counts_for_traffic_routed_canary(
        ro, new_rs("canary", 5, 5), new_rs("stable", 9, 9), _weights(10, 90))
    assert stable == 10
