"""The server-side rollback, as far as v1.34 still has it.

apps/v1 has no `spec.rollbackTo`: the extensions/v1beta1 and apps/v1beta1 field survives only
as the `deprecated.deployment.rollback.to` annotation (written when an old client's rollbackTo
is converted). When a Deployment carries it, syncDeployment rolls back to that revision (0: the
previous one) and clears the annotation. `kubectl rollout undo` does not use this path: it is
client-side (reducers/rollout.py `undo`).

Models (v1.34): pkg/controller/deployment/rollback.go — rollback, rollbackToTemplate,
updateDeploymentAndClearRollbackTo, getRollbackTo, setRollbackTo.

Simplifies: the rollback events (DeploymentRollback, DeploymentRollbackRevisionNotFound,
DeploymentRollbackTemplateUnchanged) are not recorded.

Covered by: tests/test_rollout_undo.py (the annotation path).
"""

from __future__ import annotations

import re

from kubefold.core.cluster import Cluster
from kubefold.core.objects import Deployment, ReplicaSet
from kubefold.core.schema import replace
from kubefold.reducers.controllers.deployment import util
from kubefold.reducers.controllers.deployment.sync import (
    Err,
    RSs,
    get_all_replica_sets_and_sync_revision,
    update_deployment,
    with_new,
)

_INT64 = re.compile(r"[+-]?[0-9]+")  # strconv.ParseInt(s, 10, 64)


def rollback(cluster: Cluster, d: Deployment, rs_list: RSs, rollback_to: int
             ) -> tuple[Cluster, Err]:
    """rollback: to the given revision (0: the last one); in any case clear the annotation."""
    cluster, d, new_rs, all_old_rss, err = get_all_replica_sets_and_sync_revision(
        cluster, d, rs_list, True)
    if err is not None:
        return cluster, err
    all_rss = with_new(all_old_rss, new_rs)
    if rollback_to == 0:
        rollback_to = util.last_revision(all_rss)
        if rollback_to == 0:
            # "Unable to find last revision." (event): give up the rollback.
            return update_deployment_and_clear_rollback_to(cluster, d)
    for rs in all_rss:
        try:
            v = util.revision(rs)
        except ValueError:
            continue
        if v == rollback_to:
            # Copy the template; the revision is bumped by the next sync; a no-op if equal.
            cluster, _, err = rollback_to_template(cluster, d, rs)
            return cluster, err
    # "Unable to find the revision to rollback to." (event): give up the rollback.
    return update_deployment_and_clear_rollback_to(cluster, d)


def rollback_to_template(cluster: Cluster, d: Deployment, rs: ReplicaSet
                         ) -> tuple[Cluster, bool, Err]:
    """rollbackToTemplate: the ReplicaSet's template and annotations onto the Deployment when
    the templates differ; the rollback annotation is cleared either way."""
    performed_rollback = False
    if not util.equal_ignore_hash(d.spec.template, rs.spec.template):
        assert rs.spec.template is not None
        d = util.set_from_replica_set_template(d, rs.spec.template)
        # The old ReplicaSet's annotations go back onto the Deployment, or the current ones
        # would be copied onto it after the rollback (change-cause and the like).
        d = util.set_deployment_annotations_to(d, rs)
        performed_rollback = True
    cluster, err = update_deployment_and_clear_rollback_to(cluster, d)
    return cluster, performed_rollback, err


def update_deployment_and_clear_rollback_to(cluster: Cluster, d: Deployment
                                            ) -> tuple[Cluster, Err]:
    """updateDeploymentAndClearRollbackTo: Update(d) without the rollback annotation."""
    return update_deployment(cluster, set_rollback_to(d, None))


def get_rollback_to(d: Deployment) -> int | None:
    """getRollbackTo: the revision of the deprecated annotation; None when absent or not an
    int64."""
    text = d.metadata.annotations.get(util.DEPRECATED_ROLLBACK_TO, "")
    if text == "":
        return None
    if not _INT64.fullmatch(text) or not -2**63 <= int(text) < 2**63:
        return None  # invalid: ignored
    return int(text)


def set_rollback_to(d: Deployment, rollback_to: int | None) -> Deployment:
    """setRollbackTo: set or (None) remove the deprecated annotation."""
    annotations = d.metadata.annotations
    if rollback_to is None:
        annotations = annotations.discard(util.DEPRECATED_ROLLBACK_TO)
    else:
        annotations = annotations.set(util.DEPRECATED_ROLLBACK_TO, str(rollback_to))
    return replace(d, metadata=replace(d.metadata, annotations=annotations))
