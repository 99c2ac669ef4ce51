"""The registry strategies of batch/v1 Jobs: what kube-apiserver does to a Job besides
defaulting and validation.

Models (v1.34): pkg/registry/batch/job/strategy.go — PrepareForCreate's
generateSelectorIfNeeded / generateSelector (the template labels `batch.kubernetes.io/
controller-uid`, `batch.kubernetes.io/job-name` and their legacy `controller-uid`, `job-name`,
and the selector on the controller-uid label), generation 1; the status strategy keeps the
request's metadata, which SetDefaults_Job has given the template's labels when the Job had none.
Simplifies: Go shares one map between a Job's labels and its template's when defaulting copied
them; here the Job's labels receive the generated ones when they equal the template's.
Covered by: tests/test_batch_validation.py, tests/test_job_controller.py.
"""

from __future__ import annotations

from typing import Any

import attrs
from pyrsistent import pmap

from kubefold.core.batch import (
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
    Job,
)
from kubefold.core.objects import LabelSelector, PodTemplateSpec


def generate_selector(job: Job, uid: str) -> Job:
    """generateSelector: the job-name and controller-uid labels on the template (unless the
    user set them: validation then rejects a conflict) and the controller-uid selector."""
    template = job.spec.template or PodTemplateSpec()
    old_labels = template.metadata.labels
    labels = old_labels
    name = job.metadata.name or ""
    for key, value in ((LEGACY_JOB_NAME_LABEL, name), (JOB_NAME_LABEL, name),
                       (LEGACY_CONTROLLER_UID_LABEL, uid), (CONTROLLER_UID_LABEL, uid)):
        if key not in labels:
            labels = labels.set(key, value)
    selector = job.spec.selector or LabelSelector()
    if CONTROLLER_UID_LABEL not in selector.match_labels:
        selector = attrs.evolve(selector, match_labels=selector.match_labels.set(
            CONTROLLER_UID_LABEL, uid))
    template = attrs.evolve(template, metadata=attrs.evolve(template.metadata, labels=labels))
    meta = job.metadata
    if old_labels and meta.labels == old_labels:  # the map SetDefaults_Job shared
        meta = attrs.evolve(meta, labels=labels)
    return attrs.evolve(job, metadata=meta,
                        spec=attrs.evolve(job.spec, template=template, selector=selector))


def prepare_job_for_create(job: Job, uid: str) -> Job:
    """jobStrategy.PrepareForCreate, with the uid FillObjectMetaSystemFields gave before it:
    the generated selector (unless manualSelector)."""
    job = attrs.evolve(job, metadata=attrs.evolve(job.metadata, uid=uid))
    if not job.spec.manual_selector:
        job = generate_selector(job, uid)
    return job


def job_status_request_labels(request: Any) -> Any:
    """The labels a status update leaves on a Job: the request's, defaulted as decoding the
    request defaults them (SetDefaults_Job copies the template's labels to a Job with none)."""
    labels = request.metadata.labels
    template = request.spec.template
    if not labels and template is not None and template.metadata.labels:
        return template.metadata.labels
    return labels if labels else pmap()
