"""The CronJob controller's utilities: the active list, schedule times, and the Job a
schedule makes.

Models (v1.34): pkg/controller/cronjob/utils.go (inActiveList, inActiveListByName,
deleteFromActiveList, mostRecentScheduleTime with the none/few/many missed count and the
"more than 100" rule, nextScheduleTimeDuration, nextScheduleTime, getJobFromTemplate2 with the
scheduled-timestamp annotation (CronJobsScheduledAnnotation on), getTimeHashInMinutes,
byJobStartTime) and cronjob_controllerv2.go's getJobName and formatSchedule.
Simplifies: nextScheduleTimeDuration's 100 ms pad is dropped (times are whole seconds, so the
sync lands on the scheduled second, as the pad makes Go's do); a schedule's `TZ=` prefix or the
`timeZone` field select the zone the schedule is read in.
Covered by: tests/test_cronjob_controller.py (utils_test.go tables).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import Any

from pyrsistent import pvector

from kubefold.core.batch import CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION, CronJob, Job
from kubefold.core.cron import CronError, Schedule, load_location, next_time, parse_standard
from kubefold.core.objects import ObjectMeta, OwnerReference

NONE_MISSED, FEW_MISSED, MANY_MISSED = "none", "few", "many"
TOO_MANY_MISSED = 100


def in_active_list(cj: CronJob, uid: str | None) -> bool:
    return any(ref.get("uid") == uid for ref in cj.status.active)


def in_active_list_by_name(cj: CronJob, namespace: str | None, name: str) -> bool:
    return any(ref.get("name") == name and ref.get("namespace") == namespace
               for ref in cj.status.active)


def delete_from_active_list(active: Any, uid: str | None) -> Any:
    return pvector(ref for ref in active if ref.get("uid") != uid)


def format_schedule(cj: CronJob) -> str:
    """formatSchedule: `TZ=<timeZone> <schedule>` for a valid time zone."""
    schedule = cj.spec.schedule or ""
    if "TZ" in schedule:
        return schedule
    if cj.spec.time_zone is not None:
        try:
            load_location(cj.spec.time_zone)
        except CronError:
            return schedule
        return f"TZ={cj.spec.time_zone} {schedule}"
    return schedule


def parse_schedule(cj: CronJob) -> Schedule:
    """cron.ParseStandard(formatSchedule(cj)); raises CronError."""
    return parse_standard(format_schedule(cj))


def most_recent_schedule_time(cj: CronJob, now: int, schedule: Schedule,
                              include_starting_deadline: bool
                              ) -> tuple[int, int | None, str, str | None]:
    """mostRecentScheduleTime: (earliest time, most recent schedule at or before now or None,
    missed count kind, error)."""
    earliest = cj.metadata.creation_timestamp or 0
    if cj.status.last_schedule_time is not None:
        earliest = cj.status.last_schedule_time
    deadline = cj.spec.starting_deadline_seconds
    if include_starting_deadline and deadline is not None:
        earliest = max(earliest, now - deadline)
    t1 = next_time(schedule, earliest)
    t2 = next_time(schedule, t1) if t1 is not None else None
    if t1 is not None and now < t1:
        return earliest, None, NONE_MISSED, None
    if t2 is not None and now < t2:
        return earliest, t1, NONE_MISSED, None
    between = (t2 - t1) if t1 is not None and t2 is not None else 0
    if between < 1:
        return earliest, None, NONE_MISSED, \
            "time difference between two schedules is less than 1 second"
    assert t1 is not None
    missed = (now - t1) // between + 1
    potential_earliest = t1 + (missed - 2) * between
    most_recent: int | None = None
    t = next_time(schedule, potential_earliest)
    while t is not None and t <= now:
        most_recent = t
        t = next_time(schedule, t)
    kind = MANY_MISSED if missed > TOO_MANY_MISSED else FEW_MISSED if missed > 0 \
        else NONE_MISSED
    return earliest, most_recent, kind, None


def next_schedule_time_duration(cj: CronJob, now: int, schedule: Schedule) -> int:
    """nextScheduleTimeDuration: seconds until the next schedule after the most recent one."""
    earliest, most_recent, missed, err = most_recent_schedule_time(cj, now, schedule, False)
    if err is not None:
        most_recent = now
    elif most_recent is None:
        most_recent = earliest if missed == NONE_MISSED else now
    nxt = next_time(schedule, most_recent)
    return max(0, (nxt if nxt is not None else now) - now)


def next_schedule_time(cj: CronJob, now: int, schedule: Schedule
                       ) -> tuple[int | None, str, str | None]:
    """nextScheduleTime: (the schedule to start now or None, missed kind, error)."""
    _, most_recent, missed, err = most_recent_schedule_time(cj, now, schedule, True)
    if most_recent is None or most_recent > now:
        return None, missed, err
    return most_recent, missed, err


def get_time_hash_in_minutes(scheduled: int) -> int:
    """getTimeHashInMinutes: Unix minutes."""
    return scheduled // 60


def get_job_name(cj: CronJob, scheduled: int) -> str:
    """getJobName: `<cronjob>-<minutes since the epoch>`."""
    return f"{cj.metadata.name}-{get_time_hash_in_minutes(scheduled)}"


def rfc3339_in_zone(seconds: int, zone_name: str | None) -> str:
    """time.Time.In(location).Format(time.RFC3339)."""
    zone: datetime.tzinfo = datetime.UTC
    if zone_name not in (None, "", "UTC", "Local"):
        zone = zoneinfo.ZoneInfo(zone_name)  # type: ignore[arg-type]
    local = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).astimezone(zone)
    text = local.strftime("%Y-%m-%dT%H:%M:%S%z")
    if text.endswith("+0000") and zone is datetime.UTC:
        return text[:-5] + "Z"
    return text[:-2] + ":" + text[-2:]


def get_job_from_template2(cj: CronJob, scheduled: int) -> Job:
    """getJobFromTemplate2: the template's labels and annotations (plus the scheduled
    timestamp), the deterministic name, the controller reference and the template's spec."""
    template = cj.spec.job_template
    annotations = template.metadata.annotations.set(
        CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION, rfc3339_in_zone(scheduled, cj.spec.time_zone))
    ref = OwnerReference(api_version="batch/v1", kind="CronJob", name=cj.metadata.name,
                         uid=cj.metadata.uid, controller=True, block_owner_deletion=True)
    meta = ObjectMeta(name=get_job_name(cj, scheduled), namespace=cj.metadata.namespace,
                      labels=template.metadata.labels, annotations=annotations,
                      owner_references=pvector([ref]))
    return Job(api_version="batch/v1", kind="Job", metadata=meta, spec=template.spec)


def by_job_start_time(jobs: Iterable[Job]) -> list[Job]:
    """sort.Sort(byJobStartTime): by status.startTime (none last), then name."""
    return sorted(jobs, key=lambda j: (j.status.start_time is None, j.status.start_time or 0,
                                       j.metadata.name or ""))
