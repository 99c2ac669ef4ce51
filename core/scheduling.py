"""Scheduling helpers shared by the scheduler and the controllers that reason about where a pod
may run (the DaemonSet controller, the taint eviction controller): taints against tolerations
and a pod's required node affinity.

Models (v1.34): k8s.io/component-helpers/scheduling/corev1 (nodeaffinity RequiredNodeAffinity,
FindMatchingUntoleratedTaint, Toleration.ToleratesTaint) and pkg/apis/core/v1/helper
(AddOrUpdateTolerationInPodSpec, Toleration.MatchToleration).
Simplifies: a node selector term that fails to parse matches nothing (Go's lazy error is
dropped).
Covered by: tests/test_scheduler_filters.py, tests/test_daemon_controller.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
from pyrsistent import pvector

from kubefold.core.labels import (
    DOES_NOT_EXIST,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_IN,
    new_requirement,
    selector_from_set,
)
from kubefold.core.objects import Node, Pod, PodSpec, Taint, Toleration

# --- component-helpers/scheduling/corev1/nodeaffinity: RequiredNodeAffinity ----------------

_NODE_SELECTOR_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS,
                            "DoesNotExist": DOES_NOT_EXIST, "Gt": GREATER_THAN,
                            "Lt": LESS_THAN}


def _node_selector_term_matches(term: Any, node: Node) -> bool:
    """nodeSelectorTerm.match: matchExpressions on labels AND matchFields (metadata.name);
    a term that fails to parse matches nothing."""
    node_labels = node.metadata.labels
    try:
        for expr in term.get("matchExpressions") or ():
            op = _NODE_SELECTOR_OPERATORS.get(expr.get("operator"))
            if op is None:
                return False
            values = tuple(expr.get("values") or ())
            if not new_requirement(expr.get("key") or "", op, values or None).matches(
                    node_labels):
                return False
    except ValueError:
        return False
    for expr in term.get("matchFields") or ():
        values = tuple(expr.get("values") or ())
        if expr.get("key") != "metadata.name" or len(values) != 1:
            return False
        name = node.metadata.name or ""
        if expr.get("operator") == "In" and name != values[0]:
            return False
        if expr.get("operator") == "NotIn" and name == values[0]:
            return False
        if expr.get("operator") not in ("In", "NotIn"):
            return False
    return True


def required_node_affinity_match(pod: Pod, node: Node) -> bool:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match(node), parse errors ignored: the
    pod's nodeSelector and any of its required node affinity terms (empty terms match
    nothing)."""
    if pod.spec.node_selector and not selector_from_set(pod.spec.node_selector).matches(
            node.metadata.labels):
        return False
    required = ((pod.spec.affinity or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        return True
    return any(_node_selector_term_matches(term, node)
               for term in required.get("nodeSelectorTerms") or ()
               if term.get("matchExpressions") or term.get("matchFields"))


# --- component-helpers/scheduling/corev1: taints and tolerations ---------------------------


def tolerates_taint(toleration: Toleration, taint: Taint) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if toleration.effect and toleration.effect != taint.effect:
        return False
    if toleration.key and toleration.key != taint.key:
        return False
    if toleration.operator in (None, "", "Equal"):
        return (toleration.value or "") == (taint.value or "")
    return toleration.operator == "Exists"


def do_not_schedule_taints_filter(taint: Taint) -> bool:
    """helper.DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints."""
    return taint.effect in ("NoSchedule", "NoExecute")


def find_matching_untolerated_taint(
    taints: Iterable[Taint], tolerations: Iterable[Toleration],
    inclusion: Callable[[Taint], bool] | None = None,
) -> Taint | None:
    """v1helper.FindMatchingUntoleratedTaint: the first taint (passing `inclusion`) that no
    toleration tolerates, or None."""
    tolerations = tuple(tolerations)
    for taint in taints:
        if inclusion is not None and not inclusion(taint):
            continue
        if not any(tolerates_taint(t, taint) for t in tolerations):
            return taint
    return None


def node_selector_term_matches(term: Any, node: Node) -> bool:
    """nodeSelectorTerm.match for one raw term (matchExpressions AND matchFields)."""
    return _node_selector_term_matches(term, node)


def match_toleration(a: Toleration, b: Toleration) -> bool:
    """Toleration.MatchToleration: same key, operator, value and effect."""
    return ((a.key or ""), (a.operator or ""), (a.value or ""), (a.effect or "")) == \
        ((b.key or ""), (b.operator or ""), (b.value or ""), (b.effect or ""))


def add_or_update_toleration_in_pod_spec(spec: PodSpec, toleration: Toleration) -> PodSpec:
    """AddOrUpdateTolerationInPodSpec: replace the toleration that matches (tolerationSeconds
    aside), or append it."""
    tolerations = list(spec.tolerations)
    for i, old in enumerate(tolerations):
        if match_toleration(old, toleration):
            if old == toleration:
                return spec
            tolerations[i] = toleration
            return attrs.evolve(spec, tolerations=pvector(tolerations))
    return attrs.evolve(spec, tolerations=pvector([*tolerations, toleration]))
