"""The state of one reconciliation of one Rollout: rolloutContext and pauseContext.

Go's rolloutContext is a struct the reconcile methods share and mutate; here it is a plain
object that lives for one `sync` call and is dropped after it. The cluster it holds is an
immutable value, replaced by each write (`ctx.cluster = written.cluster`), so the reducer stays
pure: nothing it was given is changed.

Models: rollout/context.go (rolloutContext, reconcile, SetRestartedAt, SetCurrentExperiment,
SetCurrentAnalysisRuns, haltProgress) and rollout/pause.go (pauseContext and its Add/Remove
methods, CalculatePauseStatus, CalculateAbortStatus, CalculatePauseConditions,
getPauseCondition, requiresManualAction, completedPrePromotionAnalysis,
CompletedBlueGreenPause, CompletedCanaryPauseStep, checkEnqueueRolloutDuringWait), argo-rollouts
at 9f8d111.
Simplifies: a wait ends when the logical clock reaches its end (Go: a few milliseconds after);
the resync period (15 minutes) bounds no wait (every wait is requeued for its exact end).
Covered by: tests/test_rollouts_canary.py, tests/test_rollouts_bluegreen.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.rollouts import PauseCondition, RolloutAnalysisRunStatus, RolloutStatus
from kubefold.reducers.rollouts.utils.analysis import CurrentAnalysisRuns
from kubefold.reducers.rollouts.utils.replicaset import get_current_canary_step

Err = Status | None

PAUSE_REASON_INCONCLUSIVE_ANALYSIS = "InconclusiveAnalysisRun"
PAUSE_REASON_INCONCLUSIVE_EXPERIMENT = "InconclusiveExperiment"
PAUSE_REASON_CANARY_PAUSE_STEP = "CanaryPauseStep"
PAUSE_REASON_BLUE_GREEN_PAUSE = "BlueGreenPause"


class PauseContext:
    """pauseContext: the pause and abort changes a reconciliation decides, applied to the new
    status at the end."""

    def __init__(self, rollout: Any) -> None:
        self.rollout = rollout
        self.add_pause_reasons: list[str] = []
        self.remove_pause_reasons: list[str] = []
        self.clear_pause_conditions = False
        self.add_abort = False
        self.remove_abort = False
        self.abort_message = ""

    def has_add_pause(self) -> bool:
        return bool(self.add_pause_reasons)

    def is_aborted(self) -> bool:
        if self.remove_abort:
            return False
        return self.add_abort or bool(self.rollout.status.abort)

    def add_abort_with(self, message: str) -> None:
        self.add_abort = True
        self.abort_message = message

    def do_remove_abort(self) -> None:
        self.remove_abort = True

    def add_pause_condition(self, reason: str) -> None:
        self.add_pause_reasons.append(reason)

    def remove_pause_condition(self, reason: str) -> None:
        self.remove_pause_reasons.append(reason)

    def do_clear_pause_conditions(self) -> None:
        self.clear_pause_conditions = True

    def calculate_pause_status(self, status: RolloutStatus, now: int) -> RolloutStatus:
        """CalculatePauseStatus: the abort fields, else (unless cleared) the pause ones."""
        aborted, status = self.calculate_abort_status(status, now)
        if aborted or self.clear_pause_conditions:
            return status
        return self.calculate_pause_conditions(status, now)

    def calculate_abort_status(self, status: RolloutStatus, now: int
                               ) -> tuple[bool, RolloutStatus]:
        aborted_at = self.rollout.status.aborted_at
        if aborted_at is None:
            aborted_at = now
        if self.add_abort or (not self.remove_abort and self.rollout.status.abort):
            return True, attrs.evolve(status, abort=True, aborted_at=aborted_at)
        return False, attrs.evolve(status, abort=None, aborted_at=None)

    def calculate_pause_conditions(self, status: RolloutStatus, now: int) -> RolloutStatus:
        controller_pause = bool(self.rollout.status.controller_pause)
        remove = set(self.remove_pause_reasons)
        existing: set[str] = set()
        conditions: list[PauseCondition] = []
        for cond in self.rollout.status.pause_conditions:
            if cond.reason not in remove:
                conditions.append(cond)
            existing.add(cond.reason or "")
        for reason in self.add_pause_reasons:
            if reason not in existing:
                conditions.append(PauseCondition(reason=reason, start_time=now))
                existing.add(reason)
                controller_pause = True
        if not conditions:
            return status
        return attrs.evolve(status, controller_pause=controller_pause or None,
                            pause_conditions=pvector(conditions))

    def completed_blue_green_pause(self, now: int) -> bool:
        """CompletedBlueGreenPause: a human resumed it, or autoPromotionSeconds passed."""
        ro = self.rollout
        cond = get_pause_condition(ro, PAUSE_REASON_BLUE_GREEN_PAUSE)
        blue_green = ro.spec.strategy.blue_green
        if self.has_add_pause():
            return False
        if ro.status.blue_green.scale_up_preview_check_point:
            return True
        if blue_green.auto_promotion_enabled is None or blue_green.auto_promotion_enabled:
            seconds = blue_green.auto_promotion_seconds or 0
            if seconds == 0:
                return True
            if cond is not None:
                return now >= (cond.start_time or 0) + seconds
            return False
        return bool(ro.status.controller_pause) and cond is None

    def completed_canary_pause_step(self, pause: Any, now: int) -> bool:
        """CompletedCanaryPauseStep: resumed by a human, or the duration passed."""
        ro = self.rollout
        cond = get_pause_condition(ro, PAUSE_REASON_CANARY_PAUSE_STEP)
        if ro.status.controller_pause and cond is None:
            return True
        if pause.duration is not None and cond is not None:
            return now >= (cond.start_time or 0) + pause.duration_seconds()
        return False


def get_pause_condition(ro: Any, reason: str) -> PauseCondition | None:
    for cond in ro.status.pause_conditions:
        if cond.reason == reason:
            return cond
    return None


def requires_manual_action(reason: str | None, ro: Any) -> bool:
    if reason in (PAUSE_REASON_INCONCLUSIVE_ANALYSIS, PAUSE_REASON_INCONCLUSIVE_EXPERIMENT):
        return True
    if reason == PAUSE_REASON_CANARY_PAUSE_STEP and ro.spec.strategy.canary is not None:
        step, _ = get_current_canary_step(ro)
        if step is not None and step.pause is not None:
            return step.pause.duration is None
    if reason == PAUSE_REASON_BLUE_GREEN_PAUSE and ro.spec.strategy.blue_green is not None:
        enabled = ro.spec.strategy.blue_green.auto_promotion_enabled
        return enabled is not None and not enabled
    return False


class RolloutContext:
    """rolloutContext for one sync."""

    def __init__(self, cluster: Cluster, rollout: Any) -> None:
        self.cluster = cluster
        self.rollout = rollout
        self.key = f"{rollout.metadata.namespace}/{rollout.metadata.name}"
        self.new_rollout: Any = None
        self.new_rs: Any = None
        self.stable_rs: Any = None
        self.all_rss: list[Any] = []
        self.older_rss: list[Any] = []
        self.other_rss: list[Any] = []
        self.current_ars = CurrentAnalysisRuns()
        self.other_ars: list[Any] = []
        self.current_ex: Any = None
        self.other_exs: list[Any] = []
        self.new_status = RolloutStatus(
            restarted_at=rollout.status.restarted_at, extra=rollout.status.extra)
        self.pause_context = PauseContext(rollout)
        self.targets_verified: bool | None = None
        self.new_rs_within_delay = False
        self.requeue_after: int | None = None
        self.requeue_rate_limited = False
        self.resolved_template = False  # workloadRef: the template came from the workload
        self.resolved_selector = False

    @property
    def now(self) -> int:
        return self.cluster.now

    def enqueue_after(self, seconds: int) -> None:
        """enqueueRolloutAfter: the earliest of the requests is kept."""
        seconds = max(seconds, 0)
        if self.requeue_after is None or seconds < self.requeue_after:
            self.requeue_after = seconds

    def enqueue(self) -> None:
        """enqueueRollout (rate limited)."""
        self.requeue_rate_limited = True

    def set_restarted_at(self) -> None:
        self.new_status = attrs.evolve(self.new_status,
                                       restarted_at=self.rollout.spec.restart_at)

    def set_current_experiment(self, ex: Any) -> None:
        self.current_ex = ex
        self.new_status = attrs.evolve(self.new_status, canary=attrs.evolve(
            self.new_status.canary, current_experiment=ex.metadata.name))
        self.other_exs = [o for o in self.other_exs if o.metadata.name != ex.metadata.name]

    def set_current_analysis_runs(self, current: CurrentAnalysisRuns) -> None:
        self.current_ars = current

        def status_of(run: Any) -> RolloutAnalysisRunStatus:
            return RolloutAnalysisRunStatus(name=run.metadata.name, status=run.status.phase or "",
                                            message=run.status.message)
        status = self.new_status
        if self.rollout.spec.strategy.canary is not None:
            canary = status.canary
            if current.canary_background is not None:
                canary = attrs.evolve(canary, current_background_analysis_run_status=status_of(
                    current.canary_background))
            if current.canary_step is not None:
                canary = attrs.evolve(canary, current_step_analysis_run_status=status_of(
                    current.canary_step))
            status = attrs.evolve(status, canary=canary)
        elif self.rollout.spec.strategy.blue_green is not None:
            bg = status.blue_green
            if current.blue_green_pre_promotion is not None:
                bg = attrs.evolve(bg, pre_promotion_analysis_run_status=status_of(
                    current.blue_green_pre_promotion))
            if current.blue_green_post_promotion is not None:
                bg = attrs.evolve(bg, post_promotion_analysis_run_status=status_of(
                    current.blue_green_post_promotion))
            status = attrs.evolve(status, blue_green=bg)
        self.new_status = status

    def halt_progress(self) -> str:
        """haltProgress: why ReplicaSet counts must not move now ("" when they may)."""
        if self.rollout.spec.paused:
            return "user paused"
        if get_pause_condition(self.rollout, PAUSE_REASON_INCONCLUSIVE_ANALYSIS) is not None:
            return "inconclusive analysis"
        return ""

    def check_enqueue_rollout_during_wait(self, start: int | None, duration: int) -> None:
        """checkEnqueueRolloutDuringWait: come back when the wait ends."""
        expires = (start or 0) + duration
        if expires > self.now:
            self.enqueue_after(expires - self.now)


def completed_pre_promotion_analysis(c: RolloutContext) -> bool:
    blue_green = c.rollout.spec.strategy.blue_green
    run = c.current_ars.blue_green_pre_promotion
    none_needed = blue_green is None or blue_green.pre_promotion_analysis is None
    return none_needed or (run is not None and run.status.phase == "Successful")
