"""The control plane kubefold runs by default: each controller one line, in the order the
manager offers them the writes, and the handlers of the world's events.

Adding a controller is one module under reducers/controllers/ that exposes `CONTROLLER`, and
one line in `CONTROLLERS` below.
"""

from __future__ import annotations

from kubefold.core.events import Drain, Evict, Helm, MetricSample, NodeHealth, PodEvent, Usage
from kubefold.reducers import helm, rollouts
from kubefold.reducers.apiserver import eviction
from kubefold.reducers.controllers import (
    disruption,
    garbagecollector,
    nodelifecycle,
    podgc,
    replicaset,
    tainteviction,
)
from kubefold.reducers.controllers.deployment import controller as deployment
from kubefold.reducers.controlplane import Controller, ControlPlane, Handler
from kubefold.reducers.kubectl import drain
from kubefold.reducers.kubelet import kubelet
from kubefold.reducers.scheduler import controller as scheduler
from kubefold.reducers.world import metrics, nodes, pods

CONTROLLERS: tuple[Controller, ...] = (
    deployment.CONTROLLER,
    replicaset.CONTROLLER,
    garbagecollector.CONTROLLER,
    scheduler.CONTROLLER,
    kubelet.CONTROLLER,
    nodelifecycle.CONTROLLER,
    tainteviction.CONTROLLER,
    podgc.CONTROLLER,
    disruption.CONTROLLER,
    helm.CONTROLLER,
    rollouts.ROLLOUTS,  # argo-rollouts: Rollout, ReplicaSet, AnalysisRun, Experiment, Service, ...
    rollouts.ANALYSIS,  # analysis: AnalysisRun, Job
    rollouts.EXPERIMENTS,  # experiments: Experiment, ReplicaSet, AnalysisRun
)

# The events of the world: `pod:` (a container exits, a probe's verdict) that the kubelet then
# acts on, `node:` (a node's kubelet stops and starts), the Eviction API (`evict:`) and
# kubectl's `drain:`; metric samples (`usage:`, `metric:`).
WORLD: dict[type, Handler] = {
    PodEvent: pods.handle,
    NodeHealth: nodes.handle,
    Evict: eviction.handle_evict,
    Drain: drain.handle_drain,
    Usage: metrics.handle_usage,
    MetricSample: metrics.handle_metric,
    Helm: helm.handle,
}

DEFAULT = ControlPlane(CONTROLLERS, WORLD)
