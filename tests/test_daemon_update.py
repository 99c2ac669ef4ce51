"""pkg/controller/daemon/update_test.go (v1.34), ported onto the API server with only the
DaemonSet controller running (tests/daemon_harness.py): each step is one sync whose creates
and deletes are counted, as expectSyncDaemonSets counts them."""

from __future__ import annotations

import pytest

from kubefold.reducers.controllers.daemon import update
from kubefold.reducers.controllers.daemon.util import get_scaled_value_from_int_or_percent
from tests.daemon_harness import (
    ENGINE,
    add_nodes,
    apply,
    daemon_set,
    expect_sync_daemon_sets,
    mark_pods_ready,
    new_node,
    pods,
)


def rolled(image: str, strategy: dict, tolerations: list | None = None) -> dict:
    spec: dict = {"containers": [{"name": "foo", "image": image}]}
    if tolerations is not None:
        spec["tolerations"] = tolerations
    return daemon_set(template_spec=spec, updateStrategy=strategy)


def max_unavailable(n: int) -> dict:
    return {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": n}}


def new_update_surge(n: int | str) -> dict:
    """newUpdateSurge: maxSurge n, maxUnavailable 0."""
    return {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": n}}


def five_ready_nodes():
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 5)
    cluster = expect_sync_daemon_sets(apply(cluster, daemon_set()), 5, 0)
    return mark_pods_ready(cluster)


def test_daemon_set_updates_pods():
    """TestDaemonSetUpdatesPods: maxUnavailable 2 over five nodes: delete 2, create 2, ...,
    then the last one."""
    cluster = apply(five_ready_nodes(), rolled("foo2/bar2", max_unavailable(2)))
    for step in (2, 2, 1):
        cluster = expect_sync_daemon_sets(cluster, 0, step)
        cluster = expect_sync_daemon_sets(cluster, step, 0)
        cluster = mark_pods_ready(cluster)
    expect_sync_daemon_sets(cluster, 0, 0)


def test_daemon_set_updates_pods_with_max_surge():
    """TestDaemonSetUpdatesPodsWithMaxSurge: maxSurge 2: two new pods beside old ones, the old
    ones go once the new are available."""
    cluster = apply(five_ready_nodes(), rolled("foo2/bar2", new_update_surge(2)))
    cluster = expect_sync_daemon_sets(cluster, 2, 0)
    cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 0, 0))
    cluster = expect_sync_daemon_sets(cluster, 2, 2)
    cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 0, 0))
    cluster = expect_sync_daemon_sets(cluster, 5 % 2, 2)
    cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 0, 0))
    cluster = expect_sync_daemon_sets(cluster, 0, 5 % 2)
    expect_sync_daemon_sets(cluster, 0, 0)


def test_daemon_set_updates_pods_not_match_taints_with_max_surge():
    """TestDaemonSetUpdatesPodsNotMatchTainstWithMaxSurge: a node the new template no longer
    tolerates loses its old pod once enough new pods are available elsewhere."""
    toleration = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]
    taint = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 5)
    cluster = apply(cluster, new_node("node-0", taints=taint))
    cluster = apply(cluster, rolled("foo/bar", new_update_surge(1), toleration))
    cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 5, 0))
    cluster = apply(cluster, rolled("foo/bar", new_update_surge(1), []))
    cluster = expect_sync_daemon_sets(cluster, 1, 1)
    cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 0, 0))
    for _ in range(3):
        cluster = expect_sync_daemon_sets(cluster, 1, 1)
        cluster = mark_pods_ready(expect_sync_daemon_sets(cluster, 0, 0))
    cluster = expect_sync_daemon_sets(cluster, 0, 1)
    expect_sync_daemon_sets(cluster, 0, 0)


def test_daemon_set_updates_when_new_pod_is_not_ready():
    """TestDaemonSetUpdatesWhenNewPodIsNotReady: maxUnavailable 3; the new pods stay unready,
    so nothing more happens."""
    cluster = apply(five_ready_nodes(), rolled("foo2/bar2", max_unavailable(3)))
    cluster = expect_sync_daemon_sets(cluster, 0, 3)
    cluster = expect_sync_daemon_sets(cluster, 3, 0)
    expect_sync_daemon_sets(cluster, 0, 0)


def test_daemon_set_updates_some_old_pods_not_ready():
    """TestDaemonSetUpdatesSomeOldPodsNotReady: two updates of maxUnavailable 2; three old
    ready pods remain untouched."""
    cluster = apply(five_ready_nodes(), rolled("foo2/bar2", max_unavailable(2)))
    cluster = expect_sync_daemon_sets(cluster, 0, 2)
    cluster = expect_sync_daemon_sets(cluster, 2, 0)
    cluster = expect_sync_daemon_sets(cluster, 0, 0)
    cluster = apply(cluster, rolled("foo2/bar3", max_unavailable(2)))
    cluster = expect_sync_daemon_sets(cluster, 0, 2)
    cluster = expect_sync_daemon_sets(cluster, 2, 0)
    cluster = expect_sync_daemon_sets(cluster, 0, 0)
    ready = [p for p in pods(cluster) if any(c.type == "Ready" and c.status == "True"
                                             for c in p.status.conditions)]
    assert len(ready) == 5 - 2


def test_daemon_set_updates_save_old_healthy_pods():
    """TestDaemonSetUpdatesSaveOldHealthyPods (20 nodes; maxUnavailable 10, then updates whose
    maxUnavailable stays under the 10 already unavailable: only those are replaced)."""
    cluster = add_nodes(ENGINE.empty_cluster(), 0, 20)
    cluster = mark_pods_ready(expect_sync_daemon_sets(apply(cluster, daemon_set()), 20, 0))
    cluster = apply(cluster, rolled("foo2/bar2", max_unavailable(10)))
    cluster = expect_sync_daemon_sets(cluster, 0, 10)
    cluster = expect_sync_daemon_sets(cluster, 10, 0)
    cluster = expect_sync_daemon_sets(cluster, 0, 0)
    old_ready = {p.metadata.name for p in pods(cluster) if p.status.phase == "Running"}
    for i, unavailable in enumerate((3, 7, 1, 9)):  # Go draws rand.Intn(10)
        cluster = apply(cluster, rolled(f"foo2/bar3-{i}", max_unavailable(unavailable)))
        cluster = expect_sync_daemon_sets(cluster, 0, 10)
        cluster = expect_sync_daemon_sets(cluster, 10, 0)
        cluster = expect_sync_daemon_sets(cluster, 0, 0)
        assert old_ready <= {p.metadata.name for p in pods(cluster)}
    cluster = apply(cluster, rolled("foo2/bar4", max_unavailable(11)))
    cluster = expect_sync_daemon_sets(cluster, 0, 11)
    cluster = expect_sync_daemon_sets(cluster, 11, 0)
    cluster = expect_sync_daemon_sets(cluster, 0, 0)
    assert len(old_ready & {p.metadata.name for p in pods(cluster)}) == 9


def test_daemon_set_updates_no_template_changed():
    """TestDaemonSetUpdatesNoTemplateChanged: a new strategy without a template change
    replaces nothing."""
    cluster = apply(five_ready_nodes(), daemon_set(updateStrategy=max_unavailable(3)))
    expect_sync_daemon_sets(cluster, 0, 0)


@pytest.mark.parametrize("value,total,expected", [
    pytest.param(1, 5, 1, id="int"), pytest.param("50%", 5, 3, id="percent rounds up"),
    pytest.param("0%", 5, 0, id="zero percent"), pytest.param("100%", 3, 3, id="all"),
])
def test_get_scaled_value_from_int_or_percent(value, total, expected):
    """intstr.GetScaledValueFromIntOrPercent(roundUp), as SurgeCount and UnavailableCount use
    it (TestGetUnavailableNumbers' arithmetic)."""
    assert get_scaled_value_from_int_or_percent(value, total) == expected


def test_find_updated_pods_on_node():
    """findUpdatedPodsOnNode: at most one new and one old pod per node, else not ok."""
    from kubefold.core.codec import decode_object

    ds = decode_object(daemon_set())

    def pod(name: str, hash_: str):
        return decode_object({"apiVersion": "v1", "kind": "Pod", "metadata": {
            "name": name, "labels": {"controller-revision-hash": hash_}}})

    new, old, ok = update.find_updated_pods_on_node(ds, [pod("a", "h1"), pod("b", "h0")], "h1")
    assert (new.metadata.name, old.metadata.name, ok) == ("a", "b", True)
    assert update.find_updated_pods_on_node(ds, [pod("a", "h1"), pod("c", "h1")], "h1")[2] \
        is False
