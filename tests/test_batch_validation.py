"""batch/v1 validation and defaulting through the API server: validation_test.go's
TestValidateJob, TestValidateJobUpdate, TestValidateJobUpdateStatus, TestValidateCronJob cases
(messages and field paths as kube-apiserver reports them), defaults_test.go's
TestSetDefaultJob / TestSetDefaultCronJob, and the Job strategy's generated selector and
labels."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

from kubefold.core.codec import decode_object
from kubefold.core.errors import Status
from kubefold.reducers import apiserver
from kubefold.reducers.apiserver.defaults import default_object
from tests.helpers import restore

NOW = "2024-06-01T00:00:00Z"


def job(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [
        {"name": "abc", "image": "image"}], "initContainers": [{"name": "def",
                                                                  "image": "image"}]}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": spec.pop("name", "myjob"), "namespace": "default"},
            "spec": body}


def create(manifest: dict[str, Any]) -> Any:
    return apiserver.create(restore(now=NOW), decode_object(manifest))


def errors_of(manifest: dict[str, Any]) -> list[str]:
    result = create(manifest)
    assert isinstance(result, Status), "expected a rejection"
    return [str(c) for c in result.causes]


NEVER = {"spec": {"restartPolicy": "Never", "containers": [{"name": "abc", "image": "i"}]}}
VALID = {
    "valid success policy": job(completionMode="Indexed", completions=10, successPolicy={
        "rules": [{"succeededCount": 1, "succeededIndexes": "0,2,4"},
                  {"succeededIndexes": "1,3,5-9"}]},
        template={"spec": {"restartPolicy": "Never",
                           "containers": [{"name": "abc", "image": "i"}]}}),
    "valid pod failure policy": job(
        template={"spec": {"restartPolicy": "Never", "containers": [{"name": "abc", "image": "i"}],
                           "initContainers": [{"name": "def", "image": "i"}]}},
        podFailurePolicy={"rules": [
            {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget",
                                                      "status": "True"}]},
            {"action": "FailJob", "onPodConditions": [{"type": "CustomConditionType",
                                                       "status": "False"}]},
            {"action": "Count", "onExitCodes": {"containerName": "abc", "operator": "In",
                                                "values": [1, 2, 3]}},
            {"action": "Ignore", "onExitCodes": {"containerName": "def", "operator": "In",
                                                 "values": [4]}},
            {"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [5, 6, 7]}}]}),
    "valid pod failure policy with FailIndex": job(
        completionMode="Indexed", completions=2, backoffLimitPerIndex=1,
        template=NEVER,
        podFailurePolicy={"rules": [{"action": "FailIndex", "onExitCodes": {
            "operator": "In", "values": [10]}}]}),
    "valid generated selector": job(),
    "valid pod replacement with failed": job(podReplacementPolicy="Failed"),
    "valid Indexed completion mode": job(completionMode="Indexed", completions=2,
                                         parallelism=100000),
    "valid managedBy field": job(managedBy="example.com/foo"),
}


@pytest.mark.parametrize("name", list(VALID), ids=list(VALID))
def test_validate_job_success(name):
    """TestValidateJob's successCases."""
    result = create(VALID[name])
    assert not isinstance(result, Status), result


ERRORS = [
    ('spec.managedBy: Invalid value: "invalid custom controller name": must be a '
     'domain-prefixed path (such as "acme.io/foo")',
     job(managedBy="invalid custom controller name")),
    ("spec.successPolicy: Invalid value: batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{}}: "
     "requires indexed completion mode", job(successPolicy={"rules": []}, template=NEVER)),
    ("spec.successPolicy.rules: Required value: at least one rules must be specified when the "
     "successPolicy is specified",
     job(completionMode="Indexed", completions=5, successPolicy={}, template=NEVER)),
    ("spec.successPolicy.rules[0]: Required value: at least one of succeededCount or "
     "succeededIndexes must be specified",
     job(completionMode="Indexed", completions=5, successPolicy={"rules": [{}]}, template=NEVER)),
    ('spec.successPolicy.rules[0].succeededIndexes: Invalid value: "invalid-format": error '
     'parsing succeededIndexes: cannot convert string to integer for index: "invalid"',
     job(completionMode="Indexed", completions=5, template=NEVER,
         successPolicy={"rules": [{"succeededIndexes": "invalid-format"}]})),
    ("spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal "
     "to 5 (the number of specified completions)",
     job(completionMode="Indexed", completions=5, template=NEVER,
         successPolicy={"rules": [{"succeededCount": 6}]})),
    ("spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal "
     "to 3 (the number of indexes in the specified succeededIndexes field)",
     job(completionMode="Indexed", completions=5, template=NEVER,
         successPolicy={"rules": [{"succeededCount": 4, "succeededIndexes": "0-2"}]})),
    ("spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
     job(parallelism=-1)),
    ("spec.completions: Invalid value: -1: must be greater than or equal to 0",
     job(completions=-1)),
    ("spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
     job(activeDeadlineSeconds=-1)),
    ("spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
     job(backoffLimit=-1)),
    ("spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0",
     job(ttlSecondsAfterFinished=-1)),
    ('spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
     job(template={"spec": {"containers": [{"name": "abc", "image": "i"}]}})),
    ('spec.completionMode: Unsupported value: "Foo": supported values: "NonIndexed", "Indexed"',
     job(completionMode="Foo")),
    ("spec.completions: Required value: when completion mode is Indexed",
     job(completionMode="Indexed", parallelism=2, completions=None)),
    ("spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when "
     "completion mode is Indexed", job(completionMode="Indexed", completions=2,
                                       parallelism=100001)),
    ("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
     job(backoffLimitPerIndex=1)),
    ("spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
     job(completionMode="Indexed", completions=2, maxFailedIndexes=1)),
    ("spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions",
     job(completionMode="Indexed", completions=2, backoffLimitPerIndex=1, maxFailedIndexes=5)),
    ('spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported '
     "when podFailurePolicy is specified",
     job(podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "operator": "In", "values": [1]}}]})),
    ('spec.podFailurePolicy.rules[0].action: Unsupported value: "UnknownAction": supported '
     'values: "Count", "FailIndex", "FailJob", "Ignore"',
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "UnknownAction", "onExitCodes": {
         "operator": "In", "values": [1]}}]})),
    ("spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the "
     "backoffLimitPerIndex to be set",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "FailIndex", "onExitCodes": {
         "operator": "In", "values": [1]}}]})),
    ('spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "UnknownOperator": '
     'supported values: "In", "NotIn"',
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "operator": "UnknownOperator", "values": [1]}}]})),
    ("spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for "
     "the In operator",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "operator": "In", "values": [1, 0, 2]}}]})),
    ("spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{2, 1}: must be "
     "ordered",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "operator": "In", "values": [2, 1]}}]})),
    ("spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Duplicate value: 11",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "operator": "In", "values": [11, 11]}}]})),
    ('spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "xyz": must be '
     "one of the container or initContainer names in the pod template",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
         "containerName": "xyz", "operator": "In", "values": [1]}}]})),
    ("spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
     "OnPodConditions is required",
     job(template=NEVER, podFailurePolicy={"rules": [{"action": "Ignore"}]})),
    ('spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: '
     '"Failed"',
     job(template=NEVER, podReplacementPolicy="TerminatingOrFailed",
         podFailurePolicy={"rules": [{"action": "Ignore", "onExitCodes": {
             "operator": "In", "values": [1]}}]})),
    ('metadata.name: Invalid value: '
     '"a-very-long-name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"'
     ": will not able to create pod with invalid DNS label: "
     "a-very-long-name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-9",
     job(name="a-very-long-name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
         completionMode="Indexed", completions=10)),
]


@pytest.mark.parametrize("message,manifest", ERRORS, ids=[m.split(":")[0] + " " + str(i)
                                                           for i, (m, _) in enumerate(ERRORS)])
def test_validate_job_errors(message, manifest):
    """TestValidateJob's errorCases: the error Kubernetes reports (kept whole)."""
    assert message in errors_of(manifest)


def test_generated_selector_and_labels():
    """The Job strategy: controller-uid and job-name labels (prefixed and legacy) on the
    template, the selector on the controller-uid, and (SetDefaults_Job sharing the map) on the
    Job itself; defaults as v1.34 prints them."""
    result = create(job(template={"metadata": {"labels": {"app": "pi"}}, "spec": NEVER["spec"]}))
    stored = result.object
    uid = stored.metadata.uid
    generated = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "myjob",
                 "controller-uid": uid, "job-name": "myjob"}
    assert dict(stored.spec.template.metadata.labels) == {"app": "pi", **generated}
    assert dict(stored.metadata.labels) == {"app": "pi", **generated}
    assert dict(stored.spec.selector.match_labels) == {"batch.kubernetes.io/controller-uid": uid}
    s = stored.spec
    assert (s.backoff_limit, s.completions, s.parallelism, s.completion_mode, s.suspend,
            s.manual_selector, s.pod_replacement_policy) == \
        (6, 1, 1, "NonIndexed", False, False, "TerminatingOrFailed")
    assert stored.metadata.generation == 1


@pytest.mark.parametrize("spec,expected", [
    ({}, (1, 1, 6, "TerminatingOrFailed")),
    ({"completions": 5}, (5, 1, 6, "TerminatingOrFailed")),
    ({"parallelism": 3}, (None, 3, 6, "TerminatingOrFailed")),
    ({"backoffLimitPerIndex": 1, "completionMode": "Indexed", "completions": 2},
     (2, 1, 2**31 - 1, "TerminatingOrFailed")),
    ({"podFailurePolicy": {"rules": []}}, (1, 1, 6, "Failed")),
], ids=["nothing set", "completions set", "parallelism set", "backoffLimitPerIndex",
        "podFailurePolicy"])
def test_set_default_job(spec, expected):
    """TestSetDefaultJob: completions/parallelism, backoffLimit (MaxInt32 with a per-index
    limit), podReplacementPolicy (Failed with a podFailurePolicy)."""
    d = default_object(decode_object(job(**spec))).spec
    assert (d.completions, d.parallelism, d.backoff_limit, d.pod_replacement_policy) == expected


def cron(schedule: str = "*/5 * * * *", **spec: Any) -> dict[str, Any]:
    body = {"schedule": schedule,
            "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "i"}]}}}},
            **spec}
    name = body.pop("name", "mycronjob")
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": name, "namespace": "default"}, "spec": body}


def test_set_default_cron_job():
    """TestSetDefaultCronJob: Allow, not suspended, history limits 3 and 1."""
    s = default_object(decode_object(cron())).spec
    assert (s.concurrency_policy, s.suspend, s.successful_jobs_history_limit,
            s.failed_jobs_history_limit) == ("Allow", False, 3, 1)


CRON_ERRORS = [
    ('spec.schedule: Invalid value: "error": expected exactly 5 fields, found 1: [error]',
     cron("error")),
    ('spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, '
     "use timeZone field instead", cron("TZ=UTC 0 * * * *")),
    ('spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in '
     "schedule, use timeZone field instead", cron("CRON_TZ=UTC 0 * * * *")),
    ("spec.schedule: Required value", cron("")),
    ('spec.timeZone: Invalid value: " ": unknown time zone  ', cron(timeZone=" ")),
    ('spec.timeZone: Invalid value: "Continent/Zone": unknown time zone Continent/Zone',
     cron(timeZone="Continent/Zone")),
    ('spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined '
     "in https://www.iana.org/time-zones", cron(timeZone="Local")),
    ('spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string',
     cron(timeZone="")),
    ("spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
     cron(startingDeadlineSeconds=-1)),
    ('spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", '
     '"Forbid", "Replace"', cron(concurrencyPolicy="Sometimes")),
    ("spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
     cron(successfulJobsHistoryLimit=-1)),
    ('metadata.name: Invalid value: "' + "a" * 53 + '": must be no more than 52 characters',
     cron(name="a" * 53)),
    ("spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "
     '"OnFailure", "Never"',
     cron(jobTemplate={"spec": {"template": {"spec": {"containers": [{"name": "c",
                                                                     "image": "i"}]}}}})),
    ("spec.jobTemplate.spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string"
     "{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}: `selector` will be auto-generated",
     cron(jobTemplate={"spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
         "metadata": {"labels": {"a": "b"}},
         "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}})),
]


@pytest.mark.parametrize("message,manifest", CRON_ERRORS,
                         ids=[m.split(":")[0] + " " + str(i)
                              for i, (m, _) in enumerate(CRON_ERRORS)])
def test_validate_cron_job_errors(message, manifest):
    """TestValidateCronJob's errorCases."""
    assert message in errors_of(manifest)


@pytest.mark.parametrize("schedule,zone", [
    ("@hourly", None), ("0 0 * * MON-FRI", None), ("*/15 6-18 1,15 * *", "Europe/Paris"),
    ("@every 5m", "America/New_York"), ("0 0 * * ?", None),
], ids=lambda v: str(v))
def test_validate_cron_job_success(schedule, zone):
    spec = {"timeZone": zone} if zone else {}
    result = create(cron(schedule, **spec))
    assert not isinstance(result, Status), result


def test_validate_cron_job_update_allows_an_old_tz_schedule():
    """ValidateCronJobUpdate: a schedule that already used TZ may keep it (not with timeZone)."""
    old = decode_object(cron("TZ=UTC 0 * * * *"))
    cluster = restore(cron("TZ=UTC 0 * * * *"), now=NOW)
    stored = cluster.get("CronJob", "default", "mycronjob")
    changed = attrs.evolve(stored, spec=attrs.evolve(stored.spec, schedule="TZ=UTC 5 * * * *"))
    assert not isinstance(apiserver.update(cluster, changed), Status)
    with_zone = attrs.evolve(changed, spec=attrs.evolve(changed.spec, time_zone="UTC"))
    result = apiserver.update(cluster, with_zone)
    assert isinstance(result, Status)
    assert 'spec.schedule: Invalid value: "TZ=UTC 5 * * * *": cannot use both timeZone field ' \
           "and TZ or CRON_TZ in schedule" in [str(c) for c in result.causes]
    assert old.spec.schedule == "TZ=UTC 0 * * * *"


def _stored_job(cluster: Any) -> Any:
    return cluster.get("Job", "default", "myjob")


def test_validate_job_update_immutable_fields():
    """TestValidateJobUpdate: completions of a NonIndexed Job, the selector and the template are
    immutable; parallelism is not."""
    cluster = apiserver.create(restore(now=NOW), decode_object(job())).cluster
    stored = _stored_job(cluster)
    ok = attrs.evolve(stored, spec=attrs.evolve(stored.spec, parallelism=3))
    assert not isinstance(apiserver.update(cluster, ok), Status)
    bad = attrs.evolve(stored, spec=attrs.evolve(stored.spec, completions=3))
    result = apiserver.update(cluster, bad)
    assert "spec.completions: Invalid value: 3: field is immutable" in \
        [str(c) for c in result.causes]
    template = copy.deepcopy(stored.spec.template)
    template = attrs.evolve(template, spec=attrs.evolve(template.spec, restart_policy="Never"))
    bad = attrs.evolve(stored, spec=attrs.evolve(stored.spec, template=template))
    result = apiserver.update(cluster, bad)
    assert "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable" in \
        [str(c) for c in result.causes]


def test_validate_job_update_status_transitions():
    """TestValidateJobUpdateStatus: a terminal condition cannot be dropped, counters cannot go
    down, Complete needs SuccessCriteriaMet and a completionTime, ready not above active."""
    cluster = apiserver.create(restore(now=NOW), decode_object(job())).cluster
    stored = _stored_job(cluster)

    def status_errors(**status: Any) -> list[str]:
        new = attrs.evolve(stored, status=attrs.evolve(stored.status, **status))
        result = apiserver.update_status(cluster, new)
        return [str(c) for c in result.causes] if isinstance(result, Status) else []

    assert status_errors(active=1, ready=0) == []
    assert "status.ready: Invalid value: 2: cannot set more ready pods than active" in \
        status_errors(active=1, ready=2)
    complete = decode_object({"apiVersion": "batch/v1", "kind": "Job", "status": {
        "conditions": [{"type": "Complete", "status": "True"}]}}).status.conditions
    errs = status_errors(conditions=complete, start_time=1)
    assert "status.conditions: Invalid value: cannot set Complete=True condition without the " \
           "SuccessCriteriaMet=true condition" in errs
    assert "status.completionTime: Required value: completionTime is required for Complete jobs" \
        in errs
