"""The Canary's webhooks: the gates that hold an analysis until a `rollout: promote` answers
them, the rollback a `rollout: abort` asks for, and the hooks that only notify.

No HTTP is spoken. A webhook call is answered as flagger-loadtester would answer it: a gate
whose URL ends in `/gate/approve` always says yes and one ending in `/gate/halt` always no;
any other confirm-* gate says no ("Forbidden") until a `rollout: {action: promote, kind:
Canary}` has opened it, and then yes once. Each refusal marks the gate as waiting (in the
loadtester's memory, core/flagger.py `Gates`); promote opens the gates then waiting. A rollback
check says yes once after a `rollout: {action: abort, kind: Canary}`, whether or not the
Canary declares a rollback webhook. Hooks of the other types (rollout, pre-rollout,
post-rollout, event) succeed.

Models: fluxcd/flagger pkg/controller/scheduler_hooks.go (runConfirmTrafficIncreaseHooks,
runConfirmRolloutHooks, runConfirmPromotionHooks, runPreRolloutHooks, runPostRolloutHooks,
runRollbackHooks), webhook.go (CallWebhook) and pkg/loadtester/server.go's gate handlers
(/gate/approve, /gate/halt, /gate/check, /rollback/check).
Simplifies: no load test runs (a rollout hook's command is not executed); alerts are not sent.
Covered by: tests/test_flagger_scheduler.py (the gates), tests/test_flagger_e2e.py.
"""

from __future__ import annotations

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import (
    CONFIRM_PROMOTION_HOOK,
    CONFIRM_ROLLOUT_HOOK,
    CONFIRM_TRAFFIC_INCREASE_HOOK,
    GATE_HOOKS,
    LOADTESTER,
    POST_ROLLOUT_HOOK,
    PRE_ROLLOUT_HOOK,
    ROLLBACK_HOOK,
    WAITING,
    WAITING_PROMOTION,
    Canary,
    CanaryWebhook,
    Gates,
    get_analysis,
    key_of,
)
from kubefold.reducers.flagger.canary import status as canary_status
from kubefold.reducers.flagger.events import info, warning

Checked = tuple[Cluster, bool]


def _gates(cluster: Cluster, cd: Canary) -> Gates:
    found: Gates = cluster.recall(LOADTESTER, key_of(cd)) or Gates()
    return found


def _set_gates(cluster: Cluster, cd: Canary, gates: Gates) -> Cluster:
    return cluster.remember(LOADTESTER, key_of(cd), None if gates == Gates() else gates)


def call_webhook(cluster: Cluster, cd: Canary, hook: CanaryWebhook) -> tuple[Cluster, str | None]:
    """CallWebhook, as the loadtester answers it: None for yes, the response body for no."""
    url = (hook.url or "").rstrip("/")
    if hook.type not in GATE_HOOKS:
        return cluster, None
    if url.endswith("/gate/approve"):
        return cluster, None
    if url.endswith("/gate/halt"):
        return cluster, "Forbidden"
    gate = (hook.type or "", hook.name or "")
    gates = _gates(cluster, cd)
    if gate in gates.approved:
        gates = attrs.evolve(gates, approved=gates.approved.discard(gate),
                             waiting=gates.waiting.discard(gate))
        return _set_gates(cluster, cd, gates), None
    return _set_gates(cluster, cd, attrs.evolve(gates, waiting=gates.waiting.add(gate))), \
        "Forbidden"


def rollback_requested(cluster: Cluster, cd: Canary) -> Checked:
    """/rollback/check: yes once after an abort."""
    gates = _gates(cluster, cd)
    if not gates.rollback:
        return cluster, False
    return _set_gates(cluster, cd, attrs.evolve(gates, rollback=False)), True


def forget_gates(cluster: Cluster, cd: Canary) -> Cluster:
    """The loadtester forgets a Canary whose analysis is over."""
    return _set_gates(cluster, cd, Gates())


def _hooks(cd: Canary, hook_type: str) -> list[CanaryWebhook]:
    return [h for h in get_analysis(cd).webhooks if h.type == hook_type]


def run_confirm_traffic_increase_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runConfirmTrafficIncreaseHooks: every confirm-traffic-increase gate says yes."""
    for hook in _hooks(cd, CONFIRM_TRAFFIC_INCREASE_HOOK):
        cluster, err = call_webhook(cluster, cd, hook)
        if err is not None:
            cluster = warning(cluster, cd, f"Halt {cd.metadata.name}.{cd.metadata.namespace} "
                                           "advancement waiting for traffic increase approval "
                                           f"{hook.name}")
            return cluster, False
        cluster = info(cluster, cd, f"Confirm-traffic-increase check {hook.name} passed")
    return cluster, True


def run_confirm_rollout_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runConfirmRolloutHooks: every confirm-rollout gate says yes; the first refusal sets
    the phase Waiting."""
    for hook in _hooks(cd, CONFIRM_ROLLOUT_HOOK):
        cluster, err = call_webhook(cluster, cd, hook)
        if err is not None:
            if cd.status.phase != WAITING:
                cluster, _ = canary_status.set_status_phase(cluster, cd, WAITING)
                cluster = warning(cluster, cd, f"Halt {cd.metadata.name}."
                                               f"{cd.metadata.namespace} advancement waiting "
                                               f"for approval {hook.name}")
            return cluster, False
        cluster = info(cluster, cd, f"Confirm-rollout check {hook.name} passed")
    return cluster, True


def run_confirm_promotion_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runConfirmPromotionHooks: every confirm-promotion gate says yes; the first refusal
    sets the phase WaitingPromotion, or, already there, holds iterations at
    analysis.iterations - 1."""
    for hook in _hooks(cd, CONFIRM_PROMOTION_HOOK):
        cluster, err = call_webhook(cluster, cd, hook)
        if err is not None:
            if cd.status.phase != WAITING_PROMOTION:
                cluster, _ = canary_status.set_status_phase(cluster, cd, WAITING_PROMOTION)
                cluster = warning(cluster, cd, f"Halt {cd.metadata.name}."
                                               f"{cd.metadata.namespace} advancement waiting "
                                               f"for promotion approval {hook.name}")
            else:
                cluster, set_err = canary_status.set_status_iterations(
                    cluster, cd, (get_analysis(cd).iterations or 0) - 1)
                if set_err is not None:
                    cluster = warning(cluster, cd, set_err)
            return cluster, False
        cluster = info(cluster, cd, f"Confirm-promotion check {hook.name} passed")
    return cluster, True


def run_pre_rollout_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runPreRolloutHooks: each pre-rollout hook is called (and succeeds)."""
    for hook in _hooks(cd, PRE_ROLLOUT_HOOK):
        cluster = info(cluster, cd, f"Pre-rollout check {hook.name} passed")
    return cluster, True


def run_post_rollout_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runPostRolloutHooks: each post-rollout hook is called (and succeeds)."""
    for hook in _hooks(cd, POST_ROLLOUT_HOOK):
        cluster = info(cluster, cd, f"Post-rollout check {hook.name} passed")
    return cluster, True


def run_rollback_hooks(cluster: Cluster, cd: Canary) -> Checked:
    """runRollbackHooks: a rollback was asked for (`rollout: abort`): the first rollback
    hook passes its check (or, without one, the abort itself)."""
    cluster, requested = rollback_requested(cluster, cd)
    hooks = _hooks(cd, ROLLBACK_HOOK)
    if not requested:
        for hook in hooks:
            cluster = info(cluster, cd, f"Rollback hook {hook.name} not signaling a rollback")
        return cluster, False
    name = hooks[0].name if hooks else "abort"
    return warning(cluster, cd, f"Rollback check {name} passed"), True
