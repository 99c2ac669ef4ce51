"""Hypothesis strategies for event sequences: what a team does on purpose, time, and (opt-in)
scaling and faults. Actions name their targets abstractly (a Deployment by name, a node by name,
a pod by its position among the pods that exist then); the explorer resolves each action into
a concrete event against the state it is applied to, so a shrunk sequence is a plain event log.

Examples shrink towards fewer actions and, within an action, towards the first target, the
first image, no readiness delay and short waits.

Covered by: tests/test_strategies.py, tests/test_explorer.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from hypothesis import strategies as st


@attrs.frozen
class ChangeTemplate:
    """Apply the workload's manifest (a Deployment's or a Rollout's) with another image and a
    readiness delay."""

    deployment: str
    image: int
    ready_after: int = 0


@attrs.frozen
class RolloutAction:
    """kubectl rollout undo|pause|resume|restart on a Deployment; kubectl argo rollouts
    promote|abort on a Rollout."""

    deployment: str
    action: str
    to_revision: int | None = None


@attrs.frozen
class Wait:
    seconds: int


@attrs.frozen
class ScaleTo:
    deployment: str
    replicas: int


@attrs.frozen
class NodeDown:
    node: str


@attrs.frozen
class NodeUp:
    node: str


@attrs.frozen
class DrainNode:
    """kubectl drain: cordon the node and evict its pods through the Eviction API, which
    honours PodDisruptionBudgets (a voluntary disruption)."""

    node: str


@attrs.frozen
class CrashPod:
    """A container of the pod at this position (among pods sorted by name) exits with 1."""

    position: int


@attrs.frozen
class FailProbe:
    """The pod at this position turns not ready (its readiness probe fails)."""

    position: int


@attrs.frozen
class CompletePod:
    """The containers of the running pod at this position (among running pods sorted by
    name) exit 0: a Job's pod finishes its work."""

    position: int


@attrs.frozen
class ChangeJob:
    """Apply the Job's manifest with another parallelism, suspended or not."""

    job: str
    parallelism: int
    suspend: bool = False


Action = (ChangeTemplate | RolloutAction | Wait | ScaleTo | DrainNode | NodeDown | NodeUp
          | CrashPod | FailProbe | CompletePod | ChangeJob)

WAITS = (1, 5, 10, 30, 60, 300)
READY_DELAYS = (0, 5, 10, 30)


def actions(*, deployments: Sequence[str], nodes: Sequence[str] = (), faults: bool = False,
            scale: bool = False, max_replicas: int = 10, images: int = 4,
            jobs: Sequence[str] = (), cron_jobs: Sequence[str] = (),
            rollouts: Sequence[str] = ()) -> st.SearchStrategy[Action]:
    """One action of the default alphabet: template changes, rollout undo/pause/resume/restart
    (on a Deployment) or promote/abort (on an Argo Rollout), node drains (when `nodes` are
    named) and time; with Jobs or CronJobs, pods finishing their work and (for Jobs)
    parallelism changes and suspension; plus scaling with `scale` and node loss and return,
    container crashes and failing probes with `faults`."""
    if not deployments and not jobs and not cron_jobs and not rollouts:
        raise ValueError("actions() needs at least one Deployment, Rollout, Job or CronJob "
                         "name")
    choices: list[st.SearchStrategy[Action]] = []
    names = st.sampled_from(list(deployments)) if deployments else st.nothing()
    workloads = [*deployments, *rollouts]
    if workloads:
        choices.append(st.builds(ChangeTemplate, st.sampled_from(workloads),
                                 st.integers(0, images - 1), st.sampled_from(READY_DELAYS)))
    choices.append(st.builds(Wait, st.sampled_from(WAITS)))
    if deployments:
        choices.append(st.builds(RolloutAction, names,
                                 st.sampled_from(["undo", "pause", "resume", "restart"]),
                                 st.none()))
    if rollouts:
        choices.append(st.builds(RolloutAction, st.sampled_from(list(rollouts)),
                                 st.sampled_from(["promote", "abort"]), st.none()))
    if jobs or cron_jobs:
        choices.append(st.builds(CompletePod, st.integers(0, 20)))
    if jobs:
        choices.append(st.builds(ChangeJob, st.sampled_from(list(jobs)), st.integers(0, 4),
                                 st.booleans()))
    if nodes:
        choices.append(st.builds(DrainNode, st.sampled_from(list(nodes))))
    if scale and deployments:
        choices.append(st.builds(ScaleTo, names, st.integers(0, max_replicas)))
    if faults:
        positions = st.integers(0, 20)
        choices += [st.builds(CrashPod, positions), st.builds(FailProbe, positions)]
        if nodes:
            node_names = st.sampled_from(list(nodes))
            choices += [st.builds(NodeDown, node_names), st.builds(NodeUp, node_names)]
    return st.one_of(choices)
    if faults:
        positions = st.integers(0, 20)
        choices += [st.builds(CrashPod, positions), st.builds(FailProbe, positions)]
        if nodes:
            node_names = st.sampled_from(list(nodes))
            choices += [st.builds(NodeDown, node_names), st.builds(NodeUp, node_names)]
    return st.one_of(choices)


def action_sequences(*, deployments: Sequence[str], nodes: Sequence[str] = (),
                     faults: bool = False, scale: bool = False, min_size: int = 1,
                     max_size: int = 20, jobs: Sequence[str] = (),
                     cron_jobs: Sequence[str] = (), rollouts: Sequence[str] = ()
                     ) -> st.SearchStrategy[list[Action]]:
    """Sequences of `actions()`; shrink towards shorter ones."""
    if min_size < 0 or max_size < min_size:
        raise ValueError(f"action_sequences: need 0 <= min_size <= max_size, got "
                         f"{min_size} and {max_size}")
    return st.lists(actions(deployments=deployments, nodes=nodes, faults=faults, scale=scale,
                            jobs=jobs, cron_jobs=cron_jobs, rollouts=rollouts),
                    min_size=min_size, max_size=max_size)
