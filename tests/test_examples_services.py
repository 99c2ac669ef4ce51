"""The two examples of issue 15, replayed to the end and checked step by step."""

from __future__ import annotations

from pathlib import Path

from kubefold.core.events import Tick
from kubefold.io import load_events
from kubefold.properties.services import check_services
from kubefold.reducers import manager
from kubefold.reducers.proxy import route

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_service_endpoints_follow_the_rolling_update():
    """At every settled step the slice lists exactly the pods the selector matches that have an
    IP, ready ones ready, terminating ones terminating; and at the end every request goes to
    a web:v2 pod."""
    cluster = manager.empty_cluster()
    events = [*load_events(EXAMPLES / "service-rolling-update.yaml"), Tick(60), Tick(60)]
    seen_terminating = False
    for event in events:
        for outcome in manager.trace(cluster, [event]):
            cluster = outcome.cluster
        assert check_services(cluster) == []
        if cluster.get("Service", "default", "web") is None:
            continue
        pods = {p.metadata.name: p for p in cluster.list("Pod", "default")
                if p.status.pod_ip and p.status.phase not in ("Succeeded", "Failed")}
        (es,) = cluster.list("EndpointSlice", "default")
        listed = {ep.target_ref.name: ep.conditions for ep in es.endpoints}
        assert set(listed) == set(pods)
        for name, conditions in listed.items():
            terminating = pods[name].metadata.deletion_timestamp is not None
            seen_terminating = seen_terminating or terminating
            assert conditions.terminating == terminating
            assert conditions.ready == (not terminating and any(
                c.type == "Ready" and c.status == "True" for c in pods[name].status.conditions))
    assert seen_terminating
    answer = route(cluster, "default/web")
    assert len(answer.shares) == 4
    images = {cluster.get("Pod", *s.pod.split("/")).spec.containers[0].image
              for s in answer.shares}
    assert images == {"web:v2"}


def test_guestbook_namespace_example_ends_with_the_namespace_gone():
    cluster = manager.empty_cluster()
    for outcome in manager.trace(cluster, load_events(EXAMPLES / "guestbook-namespace.yaml")):
        assert outcome.rejected is None, outcome.rejected
        cluster = outcome.cluster
        assert check_services(cluster) == []
    assert cluster.get("Namespace", "", "guestbook") is None
    assert not any(by_ns.get("guestbook") for by_ns in cluster.objects.values())
