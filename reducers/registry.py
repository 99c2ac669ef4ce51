"""The control plane kubefold runs by default: each controller one line, in the order the
manager offers them the writes, and the handlers of the world's events.

Adding a controller is one module under reducers/controllers/ that exposes `CONTROLLER`, and
one line in `CONTROLLERS` below.
"""

from __future__ import annotations

from kubefold.core.events import Drain, Evict, NodeHealth, PodEvent
from kubefold.reducers.apiserver import eviction
from kubefold.reducers.controllers import (
    disruption,
    garbagecollector,
    nodelifecycle,
    podgc,
    replicaset,
    tainteviction,
    ttlafterfinished,
)
from kubefold.reducers.controllers.cronjob import cronjob_controllerv2 as cronjob
from kubefold.reducers.controllers.deployment import controller as deployment
from kubefold.reducers.controllers.job import job_controller as job
from kubefold.reducers.controlplane import Controller, ControlPlane, Handler
from kubefold.reducers.kubectl import drain
from kubefold.reducers.kubelet import kubelet
from kubefold.reducers.scheduler import controller as scheduler
from kubefold.reducers.world import nodes, pods

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
    job.CONTROLLER,
    cronjob.CONTROLLER,
    ttlafterfinished.CONTROLLER,
)

# The events of the world: `pod:` (a container exits, a probe's verdict) that the kubelet then
# acts on, `node:` (a node's kubelet stops and starts), the Eviction API (`evict:`) and
# kubectl's `drain:`.
WORLD: dict[type, Handler] = {
    PodEvent: pods.handle,
    NodeHealth: nodes.handle,
    Evict: eviction.handle_evict,
    Drain: drain.handle_drain,
}

DEFAULT = ControlPlane(CONTROLLERS, WORLD)
