"""Flagger, as a component kubefold runs: the `flagger` controller that drives a Canary
(flagger.app/v1beta1) through its analysis, and the gates a `rollout:` event answers.

- `controller` — the sync handler and each Canary's analysis job (pkg/controller/controller.go,
  job.go);
- `scheduler` — one analysis tick, advanceCanary (scheduler.go); `scheduler_metrics` — the
  metric checks against `metric:` samples (scheduler_metrics.go); `scheduler_hooks` — the
  webhooks and the loadtester's gates (scheduler_hooks.go, webhook.go); `events` — the events
  Flagger records and the job's schedule, kept in the cluster value's memory;
- `canary/` — the Deployment target's primary, promotion, readiness, status and tracked
  configs (pkg/canary);
- `router/` — the ClusterIP Services and the Istio and Gateway API routes (pkg/router).

May import: kubefold.core, the API server's public names, the control plane's types and the
Deployment util layer (for the pod-template hash).
Covered by: tests/test_flagger_*.py.
"""

from __future__ import annotations

from kubefold.reducers.controlplane import Controller
from kubefold.reducers.flagger.controller import sync_canary, watch
from kubefold.reducers.flagger.events import NAME, canary_events

CONTROLLER = Controller(NAME, sync_canary, watch, frozenset({"Canary"}))

__all__ = ["CONTROLLER", "NAME", "canary_events"]
