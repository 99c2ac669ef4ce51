"""The `flagger` controller (key: the Canary's namespace/name): Flagger's sync handler and the
job that analyses each Canary every `analysis.interval` of logical time.

A Canary's first sync (when it is created, or found in a restored snapshot) sets it
Initializing and runs its first analysis at once, as Flagger's new CanaryJob does; each later
analysis is due `interval` after the previous one and is queued for then (enqueue_after). A
sync woken by a write to the Canary before its time runs no analysis: writes to the target, a
`rollout:` event or a metric sample are acted on at the next analysis tick. A changed interval
restarts the job (an analysis now, the next one `interval` later). A deleted Canary's job and
memory are dropped; its primary, Services and routes, which it controls, go with it through
the garbage collector.

Models: fluxcd/flagger pkg/controller/controller.go (syncHandler, enqueue, the Canary
informer's handlers, verifyCanary, verifyKnativeCanary, verifySessionAffinity) and
scheduler.go's scheduleCanaries and job.go (the CanaryJob ticker).
Simplifies: the jobs are rescheduled at the sync a spec change wakes, not at the next
control-loop tick (Go notices a changed interval within -control-loop-interval, 10 s);
revertOnDeletion's finalizer is not modelled (a deleted Canary leaves the target as it was);
-no-cross-namespace-refs is off (Flagger's default).
Covered by: tests/test_flagger_scheduler.py, tests/test_flagger_e2e.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from kubefold.core.cluster import Change, Cluster
from kubefold.core.flagger import (
    KIND,
    LOADTESTER,
    Canary,
    get_analysis,
    get_analysis_interval,
    key_of,
)
from kubefold.reducers.flagger import scheduler
from kubefold.reducers.flagger.canary import status as canary_status
from kubefold.reducers.flagger.events import (
    NAME,
    CanaryRecord,
    record_of,
    warning,
    with_record,
)


def verify_canary(cd: Canary) -> str | None:
    """verifyCanary: Knative targets only with the knative provider (and no autoscaler);
    distinct session affinity cookie names."""
    ref = cd.spec.target_ref
    knative = ref is not None and ref.kind == "Service" \
        and ref.api_version == "serving.knative.dev/v1"
    if knative != (cd.spec.provider == "knative"):
        if knative:
            return f"can't use {cd.spec.provider or ''} provider with Knative Service as target"
        return f"can't use {ref.api_version if ref else ''}/{ref.kind if ref else ''} as " \
               "target if provider is set to knative"
    if knative and cd.spec.autoscaler_ref is not None:
        return "can't use autoscaler with Knative Service"
    affinity = get_analysis(cd).session_affinity
    if affinity is not None and affinity.cookie_name == affinity.primary_cookie_name:
        return "can't use the same cookie name for both primary and cookie name; please " \
               "update them to be different"
    return None


def sync_canary(cluster: Cluster, key: str) -> Cluster:
    """syncHandler, then the Canary's job: its analysis when due."""
    namespace, _, name = key.partition("/")
    cd: Canary | None = cluster.get(KIND, namespace, name)
    if cd is None:
        cluster = with_record(cluster, key, None)
        cluster = cluster.remember(LOADTESTER, key, None)
        return cluster.forget(NAME, key)
    err = verify_canary(cd)
    if err is not None:
        return warning(cluster, cd, f"invalid canary spec: {err}").forget(NAME, key)
    if not cd.status.conditions:
        cluster, err = canary_status.set_phase_initializing(cluster, cd)
        if err is not None:
            return warning(cluster, cd, f"{key} initializing error: {err}") \
                .enqueue_rate_limited(NAME, key)
    return run_job(cluster, key, get_analysis_interval(cd))


def run_job(cluster: Cluster, key: str, interval: int) -> Cluster:
    """The CanaryJob: an analysis when the job is new or its interval changed (Go starts a
    new job, which runs at once) or when its tick is due; the next tick queued."""
    record = record_of(cluster, key)
    now = cluster.now
    due = record.due
    if due is None or record.interval != interval:
        run, due = True, now + interval
    elif now >= due:
        run = True
        while due <= now:
            due += interval
    else:
        run = False
    if run:
        namespace, _, name = key.partition("/")
        cluster = scheduler.advance_canary(cluster, namespace, name)
    record = attrs.evolve(record_of(cluster, key), interval=interval, due=due)
    cluster = with_record(cluster, key, record)
    return cluster.enqueue_after(NAME, key, due - now).forget(NAME, key)


def watch(cluster: Cluster, change: Change) -> Iterable[str]:
    """The Canary informer's handlers: a new Canary, a changed spec, a deletion."""
    if change.kind != KIND:
        return []
    key = f"{change.namespace}/{change.name}"
    if change.old is None or change.new is None:
        return [key]
    if change.old.spec != change.new.spec:
        return [key]
    return []


def analysis_due(cluster: Cluster, cd: Canary) -> int | None:
    """When the Canary's next analysis is due (None before its first sync)."""
    return record_of(cluster, key_of(cd)).due


__all__ = ["CanaryRecord", "analysis_due", "run_job", "sync_canary", "verify_canary", "watch"]
