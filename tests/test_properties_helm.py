"""Properties of Helm's release state machine over random command sequences (with failing
upgrades, atomic or not, waits and time): at most one deployed revision per release, exactly
one while the release has deployed once and is not uninstalled; revisions only grow (until a
purge); a rollback that completes restores the objects of the revision it names. A planted
bug (an upgrade that forgets to supersede) shows the first property can fail."""

from __future__ import annotations

import attrs
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubefold.core.events import Helm, Tick
from kubefold.reducers import helm, manager
from kubefold.reducers.helm import storage
from kubefold.reducers.helm.action import record
from kubefold.reducers.helm.release import DEPLOYED, UNINSTALLED
from kubefold.reducers.registry import DEFAULT
from tests.test_helm_action import CONFIGMAP, _deployment, rendered

NAME = "web"


def good(value: int):
    return rendered({"templates/cm": CONFIGMAP.format(name="cm", value=str(value))})


def bad(value: int):
    """A chart whose Deployment never becomes ready (no nodes): a waited upgrade fails."""
    return rendered({"templates/cm": CONFIGMAP.format(name="cm", value=str(value)),
                     "templates/web": yaml.safe_dump(_deployment("web"))})


commands = st.one_of(
    st.builds(lambda v: Helm("install", NAME, chart="c", rendered=good(v)), st.integers(0, 5)),
    st.builds(lambda v, failing, atomic: Helm(
        "upgrade", NAME, chart="c", rendered=bad(v) if failing else good(v),
        wait=failing, atomic=atomic, timeout=10), st.integers(0, 5), st.booleans(),
        st.booleans()),
    st.builds(lambda r: Helm("rollback", NAME, revision=r), st.integers(0, 4)),
    st.builds(lambda keep: Helm("uninstall", NAME, keep_history=keep), st.booleans()),
    st.builds(Tick, st.sampled_from([1, 5, 10])),
)


def check(cluster, previous_max: int) -> int:
    history = storage.history(cluster, "default", NAME)
    deployed = [r for r in history if r.status == DEPLOYED]
    assert len(deployed) <= 1, [(r.version, r.status) for r in history]
    ever = any(r.status in (DEPLOYED, "superseded") for r in history)
    if history and ever and history[-1].status in (DEPLOYED, "superseded", "failed"):
        assert len(deployed) == 1, [(r.version, r.status) for r in history]
    top = history[-1].version if history else 0
    if history:
        assert top >= previous_max, (top, previous_max)
    return top


def run(sequence, plane=None):
    cluster = manager.empty_cluster()
    top = 0
    for event in sequence:
        before = storage.last(cluster, "default", NAME)
        outcome = manager.apply_event(cluster, event, plane=plane)
        cluster = outcome.cluster
        after = storage.last(cluster, "default", NAME)
        if isinstance(event, Helm) and event.action == "rollback" and outcome.rejected is None \
                and after is not None and after.status == DEPLOYED \
                and after.info.description.startswith("Rollback to"):
            target = int(after.info.description.split()[-1])
            named = storage.get(cluster, "default", NAME, target)
            if named is not None:
                cm = cluster.get("ConfigMap", "default", "cm")
                want = [line.strip() for line in named.manifest.splitlines() if "greeting" in line]
                assert cm is not None and f'greeting: "{cm.extra["data"]["greeting"]}"' in want
        if before is not None and after is None and isinstance(event, Helm) \
                and event.action == "uninstall":
            top = 0  # purged
        top = check(cluster, top)
        if after is not None and after.status == UNINSTALLED:
            top = after.version
    return cluster


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=10))
def test_release_history_properties(sequence):
    run(sequence)


def _forgetful_upgrade(cluster, event):
    """Planted: an upgrade that leaves the revision it replaced deployed."""
    before = storage.deployed(cluster, event.namespace, event.release)
    result = helm.handle(cluster, event)
    if event.action != "upgrade" or before is None or not hasattr(result, "objects"):
        return result
    return record(result, attrs.evolve(before, labels=before.labels).set_status(DEPLOYED))


def test_planted_forgetful_upgrade_is_caught():
    from kubefold.reducers.controlplane import ControlPlane

    planted = ControlPlane(DEFAULT.controllers, {**dict(DEFAULT.world),
                                                 Helm: _forgetful_upgrade})
    sequence = [Helm("install", NAME, chart="c", rendered=good(1)),
                Helm("upgrade", NAME, chart="c", rendered=good(2))]
    run(sequence)  # the real one holds
    try:
        run(sequence, planted)
    except AssertionError:
        return
    raise AssertionError("the planted bug went unnoticed")
