"""The pod-template hash and the canary steps hash, as Argo Rollouts computes them.

Argo hashes `json.Marshal` of the typed Go value (a corev1.PodTemplateSpec, or the
[]CanaryStep), not a spew dump as kube-controller-manager does: FNV-1a 32 over the JSON
bytes, then the collision count's 8 little-endian bytes (the low four carry the count), the
sum printed in decimal and passed through SafeEncodeString. So the text that is hashed is
Go's encoding of the struct: fields in declaration order, `omitempty` zero values left out,
non-pointer structs always written (`"resources":{}`), maps with sorted keys, and a zero
creationTimestamp left out (v1.34's `omitzero`).

`go_marshal(value, type_name)` writes that text from a value decoded into kubefold's classes:
`_STRUCTS` lists, for the Go structs a pod template and a canary step hold, each field's
JSON key, how Go treats its zero value, and the struct it holds. A key the table does not
know is written after the known ones in sorted order (Go would drop an unknown field; a
field kubefold does not list is more likely a real one, and keeping it keeps the hash
sensitive to it).

Models: utils/hash/hash.go ComputePodTemplateHash, utils/conditions ComputeStepHash
(argo-rollouts at 9f8d111), encoding/json's struct encoding; k8s.io/api core/v1 types.go
field order (v1.34).
Simplifies: structs below the ones in `_STRUCTS` (volume sources, security contexts,
affinity terms) are written with sorted keys, which differs from Go's field order; a float
prints as Python's shortest repr.
Covered by: tests/test_rollouts_utils.py (TestHashUtils and worked hashes).
"""

from __future__ import annotations

import json
from typing import Any

from kubefold.core.objects import PodTemplateSpec
from kubefold.core.schema import encode
from kubefold.reducers.controllers.deployment.util import fnv1a_32, safe_encode_string

# Field kinds: "o" omitempty (zero values left out), "p" a pointer (only null left out),
# "s" a non-pointer struct (always written), "r:<zero>" no omitempty (a missing value is
# written as Go's zero: "" , 0, false, null).
_F = tuple[str, str, str | None]

_STRUCTS: dict[str, tuple[_F, ...]] = {
    "PodTemplateSpec": (("metadata", "s", "ObjectMeta"), ("spec", "s", "PodSpec")),
    "ObjectMeta": (
        ("name", "o", None), ("generateName", "o", None), ("namespace", "o", None),
        ("selfLink", "o", None), ("uid", "o", None), ("resourceVersion", "o", None),
        ("generation", "o", None), ("creationTimestamp", "p", None),
        ("deletionTimestamp", "p", None), ("deletionGracePeriodSeconds", "p", None),
        ("labels", "o", None), ("annotations", "o", None), ("ownerReferences", "o", None),
        ("finalizers", "o", None), ("managedFields", "o", None)),
    "PodSpec": (
        ("volumes", "o", None), ("initContainers", "o", "Container"),
        ("containers", "r:null", "Container"), ("ephemeralContainers", "o", None),
        ("restartPolicy", "o", None), ("terminationGracePeriodSeconds", "p", None),
        ("activeDeadlineSeconds", "p", None), ("dnsPolicy", "o", None),
        ("nodeSelector", "o", None), ("serviceAccountName", "o", None),
        ("serviceAccount", "o", None), ("automountServiceAccountToken", "p", None),
        ("nodeName", "o", None), ("hostNetwork", "o", None), ("hostPID", "o", None),
        ("hostIPC", "o", None), ("shareProcessNamespace", "p", None),
        ("securityContext", "p", None), ("imagePullSecrets", "o", None),
        ("hostname", "o", None), ("subdomain", "o", None), ("affinity", "p", None),
        ("schedulerName", "o", None), ("tolerations", "o", "Toleration"),
        ("hostAliases", "o", None), ("priorityClassName", "o", None), ("priority", "p", None),
        ("dnsConfig", "p", None), ("readinessGates", "o", None),
        ("runtimeClassName", "p", None), ("enableServiceLinks", "p", None),
        ("preemptionPolicy", "p", None), ("overhead", "o", None),
        ("topologySpreadConstraints", "o", None), ("setHostnameAsFQDN", "p", None),
        ("os", "p", None), ("hostUsers", "p", None), ("schedulingGates", "o", None),
        ("resourceClaims", "o", None), ("resources", "p", "ResourceRequirements"),
        ("hostnameOverride", "p", None)),
    "Container": (
        ("name", "r:str", None), ("image", "o", None), ("command", "o", None),
        ("args", "o", None), ("workingDir", "o", None), ("ports", "o", "ContainerPort"),
        ("envFrom", "o", None), ("env", "o", "EnvVar"),
        ("resources", "s", "ResourceRequirements"), ("resizePolicy", "o", None),
        ("restartPolicy", "p", None), ("restartPolicyRules", "o", None),
        ("volumeMounts", "o", "VolumeMount"), ("volumeDevices", "o", None),
        ("livenessProbe", "p", "Probe"), ("readinessProbe", "p", "Probe"),
        ("startupProbe", "p", "Probe"), ("lifecycle", "p", None),
        ("terminationMessagePath", "o", None), ("terminationMessagePolicy", "o", None),
        ("imagePullPolicy", "o", None), ("securityContext", "p", None), ("stdin", "o", None),
        ("stdinOnce", "o", None), ("tty", "o", None)),
    "ContainerPort": (("name", "o", None), ("hostPort", "o", None),
                      ("containerPort", "r:int", None), ("protocol", "o", None),
                      ("hostIP", "o", None)),
    "EnvVar": (("name", "r:str", None), ("value", "o", None), ("valueFrom", "p", None)),
    "ResourceRequirements": (("limits", "o", None), ("requests", "o", None),
                             ("claims", "o", None)),
    "Probe": (("exec", "p", None), ("httpGet", "p", "HTTPGetAction"),
              ("tcpSocket", "p", None), ("grpc", "p", None),
              ("initialDelaySeconds", "o", None), ("timeoutSeconds", "o", None),
              ("periodSeconds", "o", None), ("successThreshold", "o", None),
              ("failureThreshold", "o", None), ("terminationGracePeriodSeconds", "p", None)),
    "HTTPGetAction": (("path", "o", None), ("port", "r:int", None), ("host", "o", None),
                      ("scheme", "o", None), ("httpHeaders", "o", None)),
    "VolumeMount": (("name", "r:str", None), ("readOnly", "o", None),
                    ("recursiveReadOnly", "p", None), ("mountPath", "r:str", None),
                    ("subPath", "o", None), ("mountPropagation", "p", None),
                    ("subPathExpr", "o", None)),
    "Toleration": (("key", "o", None), ("operator", "o", None), ("value", "o", None),
                   ("effect", "o", None), ("tolerationSeconds", "p", None)),
    # argoproj.io/v1alpha1
    "CanaryStep": (("setWeight", "p", None), ("pause", "p", "RolloutPause"),
                   ("experiment", "p", None), ("analysis", "p", "RolloutAnalysis"),
                   ("setCanaryScale", "p", "SetCanaryScale"), ("setHeaderRoute", "p", None),
                   ("setMirrorRoute", "p", None), ("plugin", "p", None)),
    "RolloutPause": (("duration", "p", None),),
    "SetCanaryScale": (("weight", "p", None), ("replicas", "p", None),
                       ("matchTrafficWeight", "o", None)),
    "RolloutAnalysis": (("templates", "o", "AnalysisTemplateRef"),
                        ("args", "o", "AnalysisRunArgument"), ("dryRun", "o", None),
                        ("measurementRetention", "o", None),
                        ("analysisRunMetadata", "p", None)),
    "AnalysisTemplateRef": (("templateName", "r:str", None), ("clusterScope", "p", None)),
    "AnalysisRunArgument": (("name", "r:str", None), ("value", "o", None),
                            ("valueFrom", "p", None)),
}

_ZERO = {"r:str": "", "r:int": 0, "r:bool": False, "r:null": None}


def _is_zero(value: Any) -> bool:
    return value is None or value is False or value == 0 and not isinstance(value, bool) \
        or value == "" or (isinstance(value, dict | list) and not value)


def _string(text: str) -> str:
    """A Go JSON string: HTML-safe escapes as encoding/json writes them."""
    out = json.dumps(text, ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(raw, escaped)
    return out


def _plain(value: Any) -> str:
    """A value of no listed struct: maps with sorted keys, as Go writes a map."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(k)}:{_plain(value[k])}" for k in sorted(value)) + "}"
    return "[" + ",".join(_plain(v) for v in value) + "]"


def go_marshal(value: Any, type_name: str | None) -> str:
    """json.Marshal of `value` (plain JSON) read as the Go type `type_name`."""
    if type_name is None or value is None:
        return _plain(value)
    if isinstance(value, list):
        return "[" + ",".join(go_marshal(v, type_name) for v in value) + "]"
    fields = _STRUCTS[type_name]
    parts = []
    known = set()
    for key, kind, inner in fields:
        known.add(key)
        present = key in value and value[key] is not None
        if kind == "o" and (not present or _is_zero(value[key])):
            continue
        if kind == "p" and not present:
            continue
        if kind == "s":
            parts.append(f"{_string(key)}:{go_marshal(value.get(key) or {}, inner)}")
            continue
        if kind.startswith("r:") and not present:
            parts.append(f"{_string(key)}:{_plain(_ZERO[kind])}")
            continue
        parts.append(f"{_string(key)}:{go_marshal(value[key], inner)}")
    for key in sorted(k for k in value if k not in known and value[k] is not None):
        parts.append(f"{_string(key)}:{_plain(value[key])}")
    return "{" + ",".join(parts) + "}"


def _hash(text: str, collision_count: int | None) -> str:
    data = text.encode()
    if collision_count is not None:
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4)
    return safe_encode_string(str(fnv1a_32(data)))


def compute_pod_template_hash(template: PodTemplateSpec | None,
                              collision_count: int | None) -> str:
    """ComputePodTemplateHash."""
    doc = encode(template or PodTemplateSpec())
    return _hash(go_marshal(doc, "PodTemplateSpec"), collision_count)


def compute_step_hash(steps: Any) -> str:
    """conditions.ComputeStepHash of a canary's steps (the caller returns "" for blue-green)."""
    return _hash(go_marshal([encode(s) for s in steps] or None, "CanaryStep"), None)
