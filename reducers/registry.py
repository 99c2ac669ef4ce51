"""The control plane kubefold runs by default: each controller one line, in the order the
manager offers them the writes, and the handlers of the world's events.

Adding a controller is one module under reducers/controllers/ that exposes `CONTROLLER`, and
one line in `CONTROLLERS` below.
"""

from __future__ import annotations

from kubefold.core.events import Drain, Evict, Helm, MetricSample, NodeHealth, PodEvent, Usage
from kubefold.reducers import flagger, helm, rollouts
from kubefold.reducers.apiserver import eviction
from kubefold.reducers.controllers import (
    disruption,
    endpoint,
    garbagecollector,
    nodelifecycle,
    podgc,
    replicaset,
    serviceaccount,
    tainteviction,
    ttlafterfinished,
)
from kubefold.reducers.controllers.cronjob import cronjob_controllerv2 as cronjob
from kubefold.reducers.controllers.daemon import daemon_controller as daemonset
from kubefold.reducers.controllers.deployment import controller as deployment
from kubefold.reducers.controllers.endpointslice import endpointslice_controller as endpointslice
from kubefold.reducers.controllers.job import job_controller as job
from kubefold.reducers.controllers.namespace import namespace_controller as namespace
from kubefold.reducers.controllers.podautoscaler import horizontal
from kubefold.reducers.controllers.statefulset import stateful_set as statefulset
from kubefold.reducers.controlplane import Controller, ControlPlane, Handler
from kubefold.reducers.kubectl import drain
from kubefold.reducers.kubelet import kubelet
from kubefold.reducers.scheduler import controller as scheduler
from kubefold.reducers.world import metrics, nodes, pods

CONTROLLERS: tuple[Controller, ...] = (
    deployment.CONTROLLER,
    replicaset.CONTROLLER,
    statefulset.CONTROLLER,
    daemonset.CONTROLLER,
    garbagecollector.CONTROLLER,
    scheduler.CONTROLLER,
    kubelet.CONTROLLER,
    nodelifecycle.CONTROLLER,
    tainteviction.CONTROLLER,
    podgc.CONTROLLER,
    disruption.CONTROLLER,
    helm.CONTROLLER,
    job.CONTROLLER,
    cronjob.CONTROLLER,
    ttlafterfinished.CONTROLLER,
    horizontal.CONTROLLER,
    endpointslice.CONTROLLER,  # Service, Pod, EndpointSlice
    endpoint.CONTROLLER,  # Service, Pod, Endpoints
    namespace.CONTROLLER,  # Namespace
    serviceaccount.CONTROLLER,  # Namespace, ServiceAccount
    rollouts.ROLLOUTS,  # argo-rollouts: Rollout, ReplicaSet, AnalysisRun, Experiment, Service, ...
    rollouts.ANALYSIS,  # analysis: AnalysisRun, Job
    rollouts.EXPERIMENTS,  # experiments: Experiment, ReplicaSet, AnalysisRun
    flagger.CONTROLLER,  # flagger: Canary (its analysis ticks are queued for their time)
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
