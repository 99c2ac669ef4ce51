"""`rollout: {action: promote|abort, kind: Canary}`: the answers flagger-loadtester's gate API
gives a Canary's webhooks (`/gate/open`, `/rollback/open`), as a user's curl to it would.

- promote opens, once each, the gates the Canary's last analysis tick found closed (its
  confirm-rollout, confirm-traffic-increase or confirm-promotion webhooks that answered
  "Forbidden"); the next tick passes them. With no gate waiting the event is refused.
- abort asks for a rollback, which the next analysis tick performs whether or not the Canary
  declares a rollback webhook. Only an analysis under way (Progressing or WaitingPromotion)
  can be rolled back; Flagger never checks the rollback gate of a Canary Waiting to start, so
  an abort then is refused too.

Nothing is written to the API server: the loadtester's state lives in the cluster value's
memory (core/flagger.py `Gates`), where the `flagger` controller reads and consumes it.

Models: fluxcd/flagger pkg/loadtester/server.go (/gate/open, /rollback/open) and gate.go
(GateStorage), with kubefold's contract that an opened gate answers yes once.
Covered by: tests/test_flagger_e2e.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pset

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status, bad_request, not_found_status
from kubefold.core.events import Rollout
from kubefold.core.flagger import LOADTESTER, PROGRESSING, WAITING_PROMOTION, Gates, key_of
from kubefold.reducers import apiserver

ACTIONS = ("promote", "abort")


def handle(cluster: Cluster, event: Rollout) -> apiserver.Result:
    namespace = event.namespace or "default"
    cd: Any = cluster.get("Canary", namespace, event.name)
    if event.action not in ACTIONS:
        return bad_request(f'unknown action "{event.action}" for kind Canary: expected one of '
                           f"{', '.join(ACTIONS)}")
    if cd is None:
        return not_found_status("canaries.flagger.app", event.name)
    key = key_of(cd)
    gates = cluster.recall(LOADTESTER, key) or Gates()
    phase = cd.status.phase or "none"
    if event.action == "promote":
        if not gates.waiting:
            return Status("Conflict", 409, f"canary {key} has no gate waiting for approval "
                                           f"(phase {phase})")
        gates = attrs.evolve(gates, approved=gates.approved.update(gates.waiting),
                             waiting=pset())
    else:
        if cd.status.phase not in (PROGRESSING, WAITING_PROMOTION):
            return Status("Conflict", 409, f"canary {key} is not being analysed (phase "
                                           f"{phase}): there is nothing to abort")
        gates = attrs.evolve(gates, rollback=True)
    cluster = cluster.remember(LOADTESTER, key, gates)
    return apiserver.Written(cluster, cd)
