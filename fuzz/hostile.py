"""A generator of hostile inputs for the command line, written without looking at kubefold's
schema: it knows Kubernetes manifests and kubefold's log verbs as a user does, and breaks them.

Each case is a directory of files and one command line. `cases(seed)` yields them forever;
every case is a pure function of its seed. A case that holds a *mixed log* (good events with
bad ones spliced in, each bad one sure to be rejected by a server as strict as kube-apiserver)
also holds the same log without the bad events, so the campaign can compare the final states.

Families:
- wrong types at every field of a handful of manifests (strings for numbers, lists for
  objects, objects for strings, booleans, nulls, floats, infinities, huge integers);
- bad values of the right type (quantities such as `1GB`, `1 core`, percentages such as `-5%`,
  negative and int32-overflowing numbers, names that are not DNS names, year-0001 times);
- kinds that are misspelt or no longer served (`Deploymnet`, `extensions/v1beta1`);
- YAML tricks (aliases, billion laughs, merge keys, tags, non-string keys, duplicate keys, a
  BOM, tabs, flow documents, deep nesting, 10,000-digit integers, lone surrogates);
- event verbs with wrong shapes (`tick: "30"`, `at: 1e30`, `scale.replicas: 1e12`);
- snapshots with broken items (no metadata, owners without uid, `items` not a list);
- heavy but legal work (a million replicas, thousands of documents) and bad flags.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import attrs
import yaml

NODE = {"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "n1", "labels": {"kubernetes.io/hostname": "n1"}},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                   "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                   "conditions": [{"type": "Ready", "status": "True"}]}}


def deployment(name: str = "web", replicas: int = 2) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "minReadySeconds": 0, "revisionHistoryLimit": 3, "paused": False,
                     "progressDeadlineSeconds": 600,
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"terminationGracePeriodSeconds": 30,
                                           "containers": [{
                                               "name": "app", "image": "web:v1",
                                               "ports": [{"containerPort": 80,
                                                          "protocol": "TCP"}],
                                               "resources": {"requests": {"cpu": "100m",
                                                                          "memory": "64Mi"},
                                                             "limits": {"memory": "128Mi"}},
                                               "readinessProbe": {
                                                   "tcpSocket": {"port": 80},
                                                   "initialDelaySeconds": 5,
                                                   "periodSeconds": 5}}],
                                           "tolerations": [{"key": "k", "operator": "Exists",
                                                            "effect": "NoExecute",
                                                            "tolerationSeconds": 30}]}}}}


POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "solo", "namespace": "default", "labels": {"app": "solo"}},
       "spec": {"nodeName": "n1", "priority": 0, "activeDeadlineSeconds": 600,
                "containers": [{"name": "c", "image": "busybox",
                                "resources": {"requests": {"cpu": "1"}}}]}}
PDB = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
       "metadata": {"name": "web", "namespace": "default"},
       "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"},
                                                "matchExpressions": [{"key": "app",
                                                                      "operator": "In",
                                                                      "values": ["web"]}]}}}
SERVICE = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}}
REPLICASET = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": "rs", "namespace": "default"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "rs"}},
                       "template": {"metadata": {"labels": {"app": "rs"}},
                                    "spec": {"containers": [{"name": "c", "image": "x"}]}}}}
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "cm", "namespace": "default"}, "data": {"k": "v"}}
PRIORITY = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
            "metadata": {"name": "high"}, "value": 1000, "globalDefault": False}
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}

MANIFESTS = [deployment(), POD, PDB, SERVICE, REPLICASET, CONFIGMAP, PRIORITY, NAMESPACE, NODE]

# Values of every JSON type; `wrong_for` picks one whose type differs from the original's.
SCALARS: list[Any] = ["3", "", "abc", "1GB", "-5%", "true", 3, -1, 0, 2**31, 2**63, 10**30,
                      2.5, 1e308, True, False, None, [], [1], {}, {"a": 1}, "\u00e9\u4e2d",
                      "x" * 300]
BAD_QUANTITIES = ["1GB", "1 core", "", "abc", "1e999", "-1", "1e2147483647", "0x10", "1..2",
                  "1Mi1", "+-1", "1e-999", "99999999999999999999999Ei", "nan", " 1", "1,5"]
BAD_INTSTR = ["-5%", "abc", "150%", "%", "1.5%", "", "5 %", "-1", -1, 2**40, "1e3%"]
REMOVED = [("extensions/v1beta1", "Deployment"), ("apps/v1beta1", "Deployment"),
           ("apps/v1beta2", "ReplicaSet"), ("policy/v1beta1", "PodDisruptionBudget"),
           ("extensions/v1beta1", "Ingress"), ("batch/v2alpha1", "CronJob"),
           ("autoscaling/v2beta1", "HorizontalPodAutoscaler")]
MISSPELT = ["Deploymnet", "deployment", "Pods", "ReplicaSets", "Namespce", "", "Foo"]
BAD_TIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z",
             "2024-13-45T99:99:99Z", "yesterday", "2024-01-01", "2024-02-30T00:00:00Z"]


@attrs.frozen
class Case:
    """Files to write (name -> text) and the arguments after `kubefold`. `clean`, when set,
    names the file holding the same log without its bad events (the mixed log is `log`)."""

    family: str
    files: dict[str, str]
    argv: tuple[str, ...]
    clean: str | None = None
    note: str = ""


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path (keys and list indices) into a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _get(value: Any, path: tuple) -> Any:
    for p in path:
        value = value[p]
    return value


def _set(value: Any, path: tuple, new: Any) -> Any:
    out = copy.deepcopy(value)
    if not path:
        return new
    target = _get(out, path[:-1])
    target[path[-1]] = new
    return out


def _delete(value: Any, path: tuple) -> Any:
    out = copy.deepcopy(value)
    target = _get(out, path[:-1])
    del target[path[-1]]
    return out


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def wrong_for(rng: random.Random, original: Any) -> Any:
    """A value whose JSON type differs from `original`'s (never null: null means absent)."""
    choices = [s for s in SCALARS if s is not None and _json_type(s) != _json_type(original)]
    return rng.choice(choices)


# Fields whose wrong type the schema certainly knows (typed in k8s.io/api): a wrong JSON type
# there is a BadRequest for sure. Paths are keys only; list indices are skipped when matching.
TYPED = {
    ("metadata",), ("metadata", "name"), ("metadata", "namespace"), ("metadata", "labels"),
    ("metadata", "annotations"), ("spec",), ("spec", "replicas"), ("spec", "selector"),
    ("spec", "paused"), ("spec", "minReadySeconds"), ("spec", "revisionHistoryLimit"),
    ("spec", "progressDeadlineSeconds"), ("spec", "strategy"), ("spec", "template"),
    ("spec", "template", "spec", "containers"),
    ("spec", "template", "spec", "containers", "name"),
    ("spec", "template", "spec", "containers", "image"),
    ("spec", "template", "spec", "containers", "ports"),
    ("spec", "template", "spec", "containers", "ports", "containerPort"),
    ("spec", "template", "spec", "containers", "resources"),
    ("spec", "template", "spec", "containers", "readinessProbe", "initialDelaySeconds"),
    ("spec", "template", "spec", "terminationGracePeriodSeconds"),
    ("spec", "template", "spec", "tolerations", "tolerationSeconds"),
    ("spec", "nodeName"), ("spec", "priority"), ("spec", "activeDeadlineSeconds"),
    ("spec", "containers"), ("spec", "containers", "name"),
    ("spec", "selector", "matchLabels"), ("status", "allocatable"), ("status", "capacity"),
    ("value",), ("globalDefault",), ("data",),
}


def _typed(path: tuple) -> bool:
    return tuple(p for p in path if isinstance(p, str)) in TYPED


def dump(docs: list[Any]) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def _mutations(rng: random.Random, manifest: dict[str, Any]) -> tuple[Any, bool]:
    """One mutated manifest, and whether a strict server must reject it."""
    paths = [p for p in _paths(manifest) if p and p not in (("apiVersion",), ("kind",))]
    if not paths:
        return manifest, False
    path = rng.choice(paths)
    original = _get(manifest, path)
    roll = rng.random()
    if roll < 0.55:
        return _set(manifest, path, wrong_for(rng, original)), _typed(path)
    if roll < 0.7:
        key = path[-1]
        if isinstance(key, str) and isinstance(_get(manifest, path[:-1]), dict):
            return _delete(manifest, path), False
        return _set(manifest, path, None), False
    if roll < 0.8:
        quantity_paths = [p for p in paths if p and p[-1] in ("cpu", "memory", "pods")]
        if quantity_paths:
            return _set(manifest, rng.choice(quantity_paths), rng.choice(BAD_QUANTITIES)), False
    if roll < 0.9:
        intstr = [p for p in paths if p and p[-1] in ("maxSurge", "maxUnavailable",
                                                       "minAvailable", "targetPort", "port")]
        if intstr:
            return _set(manifest, rng.choice(intstr), rng.choice(BAD_INTSTR)), False
    number_paths = [p for p in paths if isinstance(_get(manifest, p), int)
                    and not isinstance(_get(manifest, p), bool)]
    if number_paths:
        value = rng.choice([-1, 2**31, -(2**31) - 1, 2**62, 10**19, 10**9, 2**53 + 1])
        return _set(manifest, rng.choice(number_paths), value), False
    return manifest, False


def _kind_case(rng: random.Random) -> tuple[Any, bool]:
    m = copy.deepcopy(rng.choice(MANIFESTS))
    if rng.random() < 0.5:
        m["kind"] = rng.choice(MISSPELT)
    else:
        m["apiVersion"], m["kind"] = rng.choice(REMOVED)
        if m["kind"] == "Deployment":
            m = {**deployment(), "apiVersion": m["apiVersion"]}
    if rng.random() < 0.2:
        m["apiVersion"] = rng.choice([5, None, ["v1"], "v1/v1/v1", "apps/v2", ""])
    return m, m.get("kind") not in ("", None)


def _good_events(rng: random.Random, n: int) -> list[Any]:
    """A short ordinary log: a node, a Deployment, a PDB, changes and time."""
    events: list[Any] = [NODE, deployment(replicas=rng.randint(1, 4)), PDB]
    for _ in range(n):
        roll = rng.random()
        if roll < 0.3:
            events.append({"tick": rng.choice([1, 5, 30])})
        elif roll < 0.5:
            events.append({"scale": {"kind": "Deployment", "namespace": "default",
                                     "name": "web", "replicas": rng.randint(0, 5)}})
        elif roll < 0.7:
            d = deployment(replicas=rng.randint(1, 4))
            d["spec"]["template"]["spec"]["containers"][0]["image"] = f"web:v{rng.randint(1, 3)}"
            events.append({"apply": d})
        elif roll < 0.8:
            events.append({"rollout": {"action": rng.choice(["undo", "pause", "resume",
                                                              "restart"]),
                                       "kind": "Deployment", "namespace": "default",
                                       "name": "web"}})
        else:
            events.append({"apply": copy.deepcopy(rng.choice(MANIFESTS[1:8]))})
    return events


def mixed_log(rng: random.Random) -> Case:
    """A good log with bad applies spliced in, each certain to be rejected; and the log
    without them."""
    good = _good_events(rng, rng.randint(2, 8))
    mixed = list(good)
    bad_count = 0
    for _ in range(rng.randint(1, 5)):
        for _attempt in range(20):
            if rng.random() < 0.25:
                bad, sure = _kind_case(rng)
            else:
                bad, sure = _mutations(rng, copy.deepcopy(rng.choice(MANIFESTS)))
            if sure:
                break
        else:
            continue
        mixed.insert(rng.randint(3, len(mixed)), {"apply": bad} if rng.random() < 0.5 else bad)
        bad_count += 1
    args = ("replay", "log.yaml", "--dump", "out.yaml", "-q")
    return Case("mixed-log", {"log.yaml": dump(mixed), "clean.yaml": dump(good)}, args,
                clean="clean.yaml", note=f"{bad_count} bad events")


def mutated_manifest(rng: random.Random) -> Case:
    docs = []
    for _ in range(rng.randint(1, 3)):
        m, _sure = _mutations(rng, copy.deepcopy(rng.choice(MANIFESTS)))
        for _ in range(rng.randint(0, 2)):
            m, _ = _mutations(rng, m) if isinstance(m, dict) else (m, False)
        docs.append(m)
    return Case("mutated-manifest", {"log.yaml": dump([NODE, *docs])},
                ("replay", "log.yaml", "-q"))


def kinds(rng: random.Random) -> Case:
    docs = [_kind_case(rng)[0] for _ in range(rng.randint(1, 3))]
    return Case("kinds", {"log.yaml": dump(docs)}, ("replay", "log.yaml"))


BAD_VERBS: list[str] = [
    "tick: '30'", "tick: -1", "tick: 1.5", "tick: 1e30", "tick: .inf", "tick: .nan",
    "tick: 999999999999999999999", "tick: [30]", "tick: {seconds: 30}", "tick: null",
    "at: 1e30\ntick: 1", "at: -5\ntick: 1", "at: 9999999999999\ntick: 1", "at: '10'\ntick: 1",
    "at: 253402300800\ntick: 1", "tick: 253402300800",
    "scale: {kind: Deployment, name: web, replicas: 1e12}",
    "scale: {kind: Deployment, name: web, replicas: 99999999999}",
    "scale: {kind: Deployment, name: web, replicas: -3}",
    "scale: {kind: Deployment, name: web, replicas: '3'}",
    "scale: {kind: Deploymnet, name: web, replicas: 3}",
    "scale: {kind: 5, name: web, replicas: 3}", "scale: []", "scale: null",
    "delete: {kind: Deployment, name: web, gracePeriodSeconds: 99999999999999999999}",
    "delete: {kind: Deployment, name: web, gracePeriodSeconds: -7}",
    "delete: {kind: Deployment, name: web, propagationPolicy: Sideways}",
    "delete: {kind: Foo, name: web}", "delete: {kind: Deployment, name: [web]}",
    "rollout: {action: undo, kind: Deployment, name: web, toRevision: -1}",
    "rollout: {action: undo, kind: Deployment, name: web, toRevision: 99999999999999999999}",
    "rollout: {action: explode, kind: Deployment, name: web}",
    "rollout: {action: undo, kind: Pod, name: web}",
    "node: {name: n1, ready: 'yes'}", "node: {name: 7, ready: true}", "node: {ready: true}",
    "pod: {name: '*', exit: 99999999999999999999}", "pod: {name: x, ready: 3}",
    "pod: {namespace: default, name: '*', ready: false}",
    "evict: {name: 5}", "drain: {node: [n1]}", "drain: {node: missing}",
    "reconcile: {controller: nope, key: a/b}", "reconcile: {controller: deployment, key: 5}",
    "reconcile: {controller: deployment, key: '/////'}",
    "reconcile: {controller: scheduler, key: ''}", "reconcile: {controller: kubelet, key: zz}",
    "apply: 5", "apply: []", "apply: {}", "apply: {kind: Deployment}",
    "apply: {apiVersion: apps/v1, kind: Deployment}", "apply: null",
    "frobnicate: 1", "{}", "[]", "5", "'just a string'", "tick: 1\nscale: {}",
    "? [a, b]\n: 1", "1: 2", "null: 3", "true: tick",
]


def bad_verbs(rng: random.Random) -> Case:
    docs = ["apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: "
            "{cpu: '2', memory: 1Gi, pods: '10'}}",
            yaml.safe_dump(deployment())]
    docs += rng.sample(BAD_VERBS, rng.randint(1, 3))
    return Case("bad-verbs", {"log.yaml": "\n---\n".join(docs) + "\n"},
                ("replay", "log.yaml", "--check") if rng.random() < 0.3 else
                ("replay", "log.yaml"))


def _deep(depth: int, flow: bool) -> str:
    if flow:
        return "apply: " + "[" * depth + "]" * depth + "\n"
    return "apply:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(depth)) + \
        "  " * (depth + 1) + "b: 1\n"


YAML_TRICKS: list[Any] = [
    # billion laughs, checked before expansion
    lambda rng: "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(rng.randint(5, 9))),
    lambda rng: "apply: &x {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: *x}\n",
    lambda rng: "- &a [*a]\n",
    lambda rng: f"tick: {'9' * rng.choice([4301, 5000, 100000])}\n",
    lambda rng: f"at: {'1' * 5000}\ntick: 1\n",
    lambda rng: '{"tick": ' + "1" * 6000 + "}\n",
    lambda rng: _deep(rng.choice([200, 1000, 5000, 50000]), rng.random() < 0.5),
    lambda rng: '{"apply": ' + "[" * 100000 + "]" * 100000 + "}\n",
    lambda rng: '{"apply": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": '
                '{"name": "a\\ud800"}}}\n',
    lambda rng: '{"apply": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": '
                '{"name": "a"}, "data": {"k": "\\udfff"}}}\n',
    lambda rng: "{tick: 30}\n",
    lambda rng: "{tick: 30}\n---\n{tick: 5}\n",
    lambda rng: "[tick, 30]\n",
    lambda rng: "\ufefftick: 30\n",
    lambda rng: "tick:\t30\n",
    lambda rng: "tick: 30\ntick: 40\n",
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: !!binary aGVsbG8=\n",
    lambda rng: ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: "
                 "{k: !!python/object:os.system x}\n"),
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: !!set {a, b}\n",
    lambda rng: ("base: &b {apiVersion: v1, kind: ConfigMap}\napply: {<<: *b, "
                 "metadata: {name: m}}\n"),
    lambda rng: ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: "
                 "{1: 2, true: x, null: y}\n"),
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {? [x]: y}}\n",
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 2024-01-01}\n",
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 0o17}\n",
    lambda rng: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 1:20}\n",
    lambda rng: ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n"
                 "spec: {replicas: .nan}\n"),
    lambda rng: ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n"
                 "spec: {replicas: -.inf}\n"),
    lambda rng: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {paused: yes}\n",
    lambda rng: "---\n---\n...\n",
    lambda rng: "",
    lambda rng: "\x00\x01\x02",
    lambda rng: "# only a comment\n",
    lambda rng: ("apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: "
                 + "a" * 100000 + "}}\n"),
    lambda rng: "- tick: 1\n- tick: 2\n",
    lambda rng: '{"tick": 1}\n{"tick": 2}\n{"tick": ',
    lambda rng: '{"tick": 1, "tick": 2}\n',
    lambda rng: '{"tick": NaN}\n', lambda rng: '{"tick": Infinity}\n',
    lambda rng: '{"apply": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"},'
                ' "data": {"k": 1e999}}}\n',
    lambda rng: "%YAML 1.1\n---\ntick: 1\n",
    lambda rng: "!!map {tick: 1}\n",
    lambda rng: "tick: !!str 30\n",
    lambda rng: "tick: !!int '30'\n",
    lambda rng: "tick: !!float 30\n",
    lambda rng: "tick: 0x1e\n",
    lambda rng: "apply: !custom {a: 1}\n",
    lambda rng: "&a tick: 1\n",
]


def yaml_tricks(rng: random.Random) -> Case:
    text = rng.choice(YAML_TRICKS)(rng)
    name = "log.json" if text.startswith("{\"") else "log.yaml"
    command = rng.choice(["replay", "replay", "check"])
    return Case("yaml-tricks", {name: text}, (command, name))


def _snapshot(items: Any) -> str:
    return yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": items})


def _stored(obj: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    out["metadata"] = {**out["metadata"], "uid": f"u-{rng.randint(0, 999)}",
                       "creationTimestamp": "2024-06-01T00:00:00Z", "resourceVersion": "7"}
    return out


SNAPSHOT_BREAKS: list[Any] = [
    lambda rng, o: {k: v for k, v in o.items() if k != "metadata"},
    lambda rng, o: {**o, "metadata": {k: v for k, v in o["metadata"].items() if k != "name"}},
    lambda rng, o: {**o, "metadata": {**o["metadata"], "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x"}]}},
    lambda rng, o: {**o, "metadata": {**o["metadata"], "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": "nope",
         "controller": True}]}},
    lambda rng, o: {**o, "metadata": {**o["metadata"],
                                      "creationTimestamp": rng.choice(BAD_TIMES)}},
    lambda rng, o: {**o, "metadata": {**o["metadata"],
                                      "deletionTimestamp": rng.choice(BAD_TIMES)}},
    lambda rng, o: {**o, "metadata": {**o["metadata"], "resourceVersion": rng.choice(
        ["abc", "-1", "99999999999999999999999", 5, ""])}},
    lambda rng, o: {k: v for k, v in o.items() if k != "spec"},
    lambda rng, o: {**o, "spec": rng.choice([None, [], "x", 5, {}])},
    lambda rng, o: {**o, "status": rng.choice([[], "x", {"phase": 5},
                                               {"containerStatuses": [{"name": "c",
                                                                       "state": "running"}]},
                                               {"containerStatuses": [{"name": "c", "state": {
                                                   "running": {"startedAt": "x"}}}]},
                                               {"containerStatuses": [{"name": "c", "state": {
                                                   "terminated": {"exitCode": "1"}}}]},
                                               {"containerStatuses": "x"},
                                               {"conditions": [{"type": "Ready"}]},
                                               {"conditions": [5]},
                                               {"replicas": -1},
                                               {"allocatable": {"cpu": "1e999"}},
                                               {"allocatable": {"cpu": "-4"}},
                                               {"allocatable": {"pods": "1.5"}}])},
    lambda rng, o: {**o, "kind": rng.choice(MISSPELT)},
]


def snapshots(rng: random.Random) -> Case:
    base = [_stored(m, rng) for m in rng.sample(MANIFESTS, rng.randint(1, 5))]
    roll = rng.random()
    if roll < 0.1:
        text = yaml.safe_dump({"apiVersion": "v1", "kind": "List",
                               "items": rng.choice(["x", 5, {"a": 1}, None, [5], [None]])})
    else:
        i = rng.randrange(len(base))
        base[i] = rng.choice(SNAPSHOT_BREAKS)(rng, base[i])
        text = _snapshot(base) if rng.random() < 0.7 else dump(base)
    log = dump([{"tick": 10}, deployment()])
    argv = rng.choice([("replay", "--from", "snap.yaml", "log.yaml", "-q"),
                       ("check", "snap.yaml"),
                       ("replay", "--from", "snap.yaml", "log.yaml", "--check", "-q")])
    return Case("snapshot", {"snap.yaml": text, "log.yaml": log}, argv)


def heavy(rng: random.Random) -> Case:
    roll = rng.randrange(7)
    if roll == 0:
        docs = [NODE, NODE | {"metadata": {"name": "n2"}}, NODE | {"metadata": {"name": "n3"}},
                deployment(replicas=rng.choice([10**6, 10**9, 2**31 - 1]))]
        return Case("heavy", {"log.yaml": dump(docs)}, ("replay", "log.yaml", "-q"))
    if roll == 1:
        n = rng.choice([5000, 20000])
        text = "".join(json.dumps({"tick": 1}) + "\n" for _ in range(n))
        return Case("heavy", {"log.json": text}, ("replay", "log.json", "-q"))
    if roll == 2:
        rs = copy.deepcopy(REPLICASET)
        rs2 = copy.deepcopy(REPLICASET)
        rs2["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        rs2["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
        docs = [NODE, rs, {"tick": 5}, rs2, {"tick": 60}]
        return Case("heavy", {"log.yaml": dump(docs)}, ("replay", "log.yaml", "--check", "-q"))
    if roll == 3:
        docs = [NODE, {"tick": rng.choice([10**9, 10**10, 253402300799, 2**62])}]
        return Case("heavy", {"log.yaml": dump(docs)}, ("replay", "log.yaml", "-q"))
    if roll == 4:
        d = deployment(replicas=3)
        return Case("heavy", {"d.yaml": dump([NODE, d])},
                    ("explore", "d.yaml", "--budget", str(rng.choice([0, -1, 1, 2])),
                     "--max-events", str(rng.choice([-1, 0, 3, 10**6])), "--out", "cx.yaml"))
    if roll == 5:
        d = deployment(replicas=3)
        return Case("heavy", {"d.yaml": dump([NODE, d])},
                    ("explore", "d.yaml", "--exhaustive", "--depth",
                     str(rng.choice([-1, 0, 1, 10**6])), "--out", "cx.yaml"))
    docs = [NODE, *[{"apply": {**CONFIGMAP, "metadata": {"name": f"cm{i}",
                                                          "namespace": "default"}}}
                    for i in range(rng.choice([500, 3000]))]]
    return Case("heavy", {"log.yaml": dump(docs)}, ("replay", "log.yaml", "-q"))


def bad_flags(rng: random.Random) -> Case:
    argv = rng.choice([
        ("replay",), ("replay", "missing.yaml"), ("replay", "."), ("replay", "log.yaml",
                                                                   "--mode", "fast"),
        ("replay", "log.yaml", "--seed", "x"), ("replay", "log.yaml", "--seed", "-1"),
        ("replay", "log.yaml", "--seed", "9" * 5000),
        ("replay", "log.yaml", "--from", "log.yaml"), ("check",), ("check", "missing"),
        ("explore",), ("explore", "log.yaml"), ("explore", "log.yaml", "--budget", "x"),
        ("frob",), ("replay", "log.yaml", "--dump", "/nonexistent/dir/out.yaml"),
        ("replay", "binary.bin"),
    ])
    return Case("flags", {"log.yaml": dump([NODE, {"tick": 1}]),
                          "binary.bin": "\udcff\udcfe"}, argv)


FAMILIES = [(mixed_log, 5), (mutated_manifest, 4), (kinds, 1), (bad_verbs, 3),
            (yaml_tricks, 3), (snapshots, 3), (heavy, 1), (bad_flags, 1)]


def case(seed: int) -> Case:
    rng = random.Random(seed)
    families = [f for f, w in FAMILIES for _ in range(w)]
    return rng.choice(families)(rng)
