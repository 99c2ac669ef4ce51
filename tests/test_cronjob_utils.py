"""pkg/controller/cronjob/utils_test.go, ported: TestMostRecentScheduleTime,
TestNextScheduleTimeDuration, TestNextScheduleTime, TestByJobStartTime, TestGetJobFromTemplate2;
and robfig/cron's parse errors as kube-apiserver reports them (core/cron.py)."""

from __future__ import annotations

from typing import Any

import pytest

from kubefold.core.codec import decode_object
from kubefold.core.cron import CronError, next_time, parse_standard
from kubefold.core.schema import format_time, parse_time
from kubefold.reducers.controllers.cronjob.utils import (
    FEW_MISSED,
    MANY_MISSED,
    NONE_MISSED,
    by_job_start_time,
    get_job_from_template2,
    most_recent_schedule_time,
    next_schedule_time,
    next_schedule_time_duration,
)

TOP = parse_time("2016-05-19T10:00:00Z")  # topOfTheHour
M, H, D = 60, 3600, 86400


def cron_job(schedule: str, created: int = TOP, last: int | None = None,
             deadline: int | None = None, **spec: Any) -> Any:
    body: dict[str, Any] = {"schedule": schedule, **spec}
    if deadline is not None:
        body["startingDeadlineSeconds"] = deadline
    status = {"lastScheduleTime": format_time(last)} if last is not None else {}
    return decode_object({"apiVersion": "batch/v1", "kind": "CronJob",
                          "metadata": {"name": "mycronjob", "namespace": "default", "uid": "1a2b3c",
                                       "creationTimestamp": format_time(created)},
                          "spec": body, "status": status})


MOST_RECENT = [
    # name, cronjob, includeSDS, now, earliest, recent, missed, wantErr
    ("now before next schedule", cron_job("0 * * * *"), False, TOP + 30, TOP, None,
     NONE_MISSED, False),
    ("now just after next schedule", cron_job("0 * * * *"), False, TOP + 61 * M, TOP,
     TOP + 60 * M, NONE_MISSED, False),
    ("missed 5 schedules", cron_job("0 * * * *", created=TOP + 10), False, TOP + 301 * M,
     TOP + 10, TOP + 300 * M, FEW_MISSED, False),
    ("complex schedule", cron_job("30 6-16/4 * * 1-5", last=TOP + 30 * M), False,
     TOP + D + 31 * M, TOP + 30 * M, TOP + D + 30 * M, FEW_MISSED, False),
    ("another complex schedule", cron_job("30 10,11,12 * * 1-5", last=TOP + 30 * M), False,
     TOP + 30 * H + 30 * M, TOP + 30 * M, None, FEW_MISSED, False),
    ("complex schedule with longer diff between executions",
     cron_job("30 6-16/4 * * 1-5", last=TOP + 30 * M), False, TOP + 96 * H + 31 * M,
     TOP + 30 * M, TOP + 96 * H + 30 * M, FEW_MISSED, False),
    ("complex schedule with shorter diff between executions", cron_job("30 6-16/4 * * 1-5"),
     False, TOP + D + 31 * M, TOP, TOP + D + 30 * M, FEW_MISSED, False),
    ("@every schedule", cron_job("@every 1h", created=TOP - 59 * M, last=TOP + M, deadline=10),
     False, TOP + 7 * D, TOP + M, TOP + 6 * D + 23 * H + M, MANY_MISSED, False),
    ("rogue cronjob", cron_job("59 23 31 2 *", created=TOP + 10), False, TOP + H, None, None,
     NONE_MISSED, True),
    ("earliestTime being CreationTimestamp and LastScheduleTime",
     cron_job("0 * * * *", last=TOP), False, TOP + 30, TOP, None, NONE_MISSED, False),
    ("earliestTime being LastScheduleTime", cron_job("*/5 * * * *", last=TOP + 30 * M), False,
     TOP + 31 * M, TOP + 30 * M, None, NONE_MISSED, False),
    ("earliestTime being LastScheduleTime (within StartingDeadlineSeconds)",
     cron_job("*/5 * * * *", last=TOP + 30 * M, deadline=60), False, TOP + 31 * M,
     TOP + 30 * M, None, NONE_MISSED, False),
    ("earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)",
     cron_job("*/5 * * * *", last=TOP + 30 * M, deadline=60), True, TOP + 32 * M,
     TOP + 31 * M, None, NONE_MISSED, False),
]


@pytest.mark.parametrize("name,cj,include_sds,now,earliest,recent,missed,want_err",
                         MOST_RECENT, ids=[c[0] for c in MOST_RECENT])
def test_most_recent_schedule_time(name, cj, include_sds, now, earliest, recent, missed,
                                   want_err):
    """TestMostRecentScheduleTime."""
    got_earliest, got_recent, got_missed, err = most_recent_schedule_time(
        cj, now, parse_standard(cj.spec.schedule), include_sds)
    if want_err:
        assert err is not None
        return
    assert err is None
    assert (got_earliest, got_recent, got_missed) == (earliest, recent, missed)


DURATIONS = [
    ("complex schedule skipping weekend", cron_job("30 6-16/4 * * 1-5", last=TOP + 30 * M),
     TOP + D + 31 * M, 3 * H + 59 * M),
    ("another complex schedule skipping weekend",
     cron_job("30 10,11,12 * * 1-5", last=TOP + 30 * M), TOP + 30 * H + 30 * M, 66 * H),
    ("once a week cronjob, missed two runs", cron_job("0 12 * * 4", last=TOP + 2 * H),
     TOP + 19 * D + H + 30 * M, 48 * H + 30 * M),
    ("no previous run of a cronjob", cron_job("0 12 * * 5"), TOP + 6 * H, 20 * H),
]


@pytest.mark.parametrize("name,cj,now,expected", DURATIONS, ids=[c[0] for c in DURATIONS])
def test_next_schedule_time_duration(name, cj, now, expected):
    """TestNextScheduleTimeDuration (whole seconds: the 100 ms pad is dropped)."""
    assert next_schedule_time_duration(cj, now, parse_standard(cj.spec.schedule)) == expected


T1, T2 = TOP, TOP + H


@pytest.mark.parametrize("case,cj,now,expected", [
    ("no known start times, and none needed yet", cron_job("0 * * * ?", created=T1 - 10 * M),
     T1 - 7 * M, None),
    ("no known start times, and one needed", cron_job("0 * * * ?", created=T1 - 10 * M),
     T1 + 2, T1),
    ("known LastScheduleTime, no start needed",
     cron_job("0 * * * ?", created=T1 - 10 * M, last=T1), T1 + 2 * M, None),
    ("known LastScheduleTime, a start needed",
     cron_job("0 * * * ?", created=T1 - 10 * M, last=T1), T2 + 5 * M, T2),
    ("known LastScheduleTime, two starts needed",
     cron_job("0 * * * ?", created=T1 - 2 * H, last=T1 - H), T2 + 5 * M, T2),
    ("now is way way ahead of last start time, and there is no deadline",
     cron_job("0 * * * ?", created=T1 - 2 * H, last=T1 - H), T2 + 10 * D, T2 + 10 * D),
    ("now is way way ahead of last start time, but there is a short deadline",
     cron_job("0 * * * ?", created=T1 - 2 * H, last=T1 - H, deadline=2 * H), T2 + 10 * D,
     T2 + 10 * D),
], ids=lambda v: v if isinstance(v, str) else "")
def test_next_schedule_time(case, cj, now, expected):
    """TestNextScheduleTime, cases 1-7."""
    got, _, _ = next_schedule_time(cj, now, parse_standard(cj.spec.schedule))
    assert got == expected


def test_next_schedule_time_reports_a_rogue_schedule():
    """TestNextScheduleTime case 8: "59 23 31 2 *" never happens; the error comes up."""
    cj = cron_job("0 * * * ?", created=T1 + 10)
    got, _, err = next_schedule_time(cj, T1 + H, parse_standard("59 23 31 2 *"))
    assert got is None and err == "time difference between two schedules is less than 1 second"


def _job(name: str, start: str | None) -> Any:
    status = {"startTime": start} if start else {}
    return decode_object({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
                          "status": status})


NOW, LATER = "2018-01-01T02:03:04Z", "2019-01-01T02:03:04Z"


@pytest.mark.parametrize("name,given,expected", [
    ("both have nil start times", [("b", None), ("a", None)], ["a", "b"]),
    ("only the first has a nil start time", [("a", None), ("b", NOW)], ["b", "a"]),
    ("only the second has a nil start time", [("a", NOW), ("b", None)], ["a", "b"]),
    ("both have non-nil, equal start time", [("b", NOW), ("a", NOW)], ["a", "b"]),
    ("both have non-nil, different start time", [("a", LATER), ("b", NOW)], ["b", "a"]),
], ids=lambda v: v if isinstance(v, str) else "")
def test_by_job_start_time(name, given, expected):
    """TestByJobStartTime."""
    ordered = by_job_start_time([_job(n, s) for n, s in given])
    assert [j.metadata.name for j in ordered] == expected


@pytest.mark.parametrize("name,zone,annotations,expected", [
    ("UTC timezone and one annotation", "UTC", {"x": "y"}, "2016-05-19T10:00:00Z"),
    ("nil timezone and one annotation", None, {"x": "y"}, "2016-05-19T10:00:00Z"),
    ("correct timezone and multiple annotation", "Europe/Rome", {"x": "y", "z": "x"},
     "2016-05-19T12:00:00+02:00"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_get_job_from_template2(name, zone, annotations, expected):
    """TestGetJobFromTemplate2: labels and annotations copied, the scheduled-timestamp
    annotation in the CronJob's zone, the name `<cronjob>-<minutes>` and the controller."""
    spec: dict[str, Any] = {"jobTemplate": {"metadata": {"labels": {"a": "b"},
                                                         "annotations": annotations},
                                            "spec": {"activeDeadlineSeconds": 1}}}
    if zone is not None:
        spec["timeZone"] = zone
    job = get_job_from_template2(cron_job("* * * * ?", **spec), TOP)
    assert job.metadata.name == f"mycronjob-{TOP // 60}"
    assert dict(job.metadata.labels) == {"a": "b"}
    assert len(job.metadata.annotations) == len(annotations) + 1
    assert job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] == expected
    [ref] = job.metadata.owner_references
    assert (ref.kind, ref.name, ref.uid, ref.controller) == ("CronJob", "mycronjob", "1a2b3c",
                                                              True)
    assert job.spec.active_deadline_seconds == 1


# -- robfig/cron's standard parser ---------------------------------------------------------------

PARSE_ERRORS = [
    ("", "empty spec string"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* 24 * * *", "end of range (24) above maximum (23): 24"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("* * * 13 *", "end of range (13) above maximum (12): 13"),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every x", 'failed to parse duration @every x: time: invalid duration "x"'),
    ("TZ=Mars/Olympus * * * * *",
     "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
]


@pytest.mark.parametrize("spec,message", PARSE_ERRORS, ids=[s or "empty" for s, _ in PARSE_ERRORS])
def test_parse_standard_errors(spec, message):
    with pytest.raises(CronError) as err:
        parse_standard(spec)
    assert str(err.value) == message


@pytest.mark.parametrize("spec,start,expected", [
    ("*/15 * * * *", "2024-01-01T00:00:00Z", "2024-01-01T00:15:00Z"),
    ("0 0 * * MON", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"),
    ("0 0 1 jan *", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    ("@hourly", "2024-01-01T00:30:00Z", "2024-01-01T01:00:00Z"),
    ("@daily", "2024-01-01T00:30:00Z", "2024-01-02T00:00:00Z"),
    ("@weekly", "2024-01-01T00:30:00Z", "2024-01-07T00:00:00Z"),
    ("@monthly", "2024-01-01T00:30:00Z", "2024-02-01T00:00:00Z"),
    ("@yearly", "2024-01-01T00:30:00Z", "2025-01-01T00:00:00Z"),
    ("@every 90s", "2024-01-01T00:30:00Z", "2024-01-01T00:31:30Z"),
    # day-of-month OR day-of-week when neither is a star; AND when one is.
    ("0 0 15 * 1", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"),
    ("0 0 */2 * 1", "2024-01-01T00:00:00Z", "2024-01-03T00:00:00Z"),
    ("0 0 * * 1", "2024-01-02T00:00:00Z", "2024-01-08T00:00:00Z"),
    ("TZ=Europe/Paris 0 9 * * *", "2024-01-01T00:00:00Z", "2024-01-01T08:00:00Z"),
], ids=lambda v: v)
def test_next_time(spec, start, expected):
    """Schedule.Next: the first activation strictly after the start."""
    assert next_time(parse_standard(spec), parse_time(start)) == parse_time(expected)


def test_next_time_of_an_impossible_schedule_is_the_zero_time():
    assert next_time(parse_standard("0 0 30 2 *"), parse_time("2024-01-01T00:00:00Z")) is None
