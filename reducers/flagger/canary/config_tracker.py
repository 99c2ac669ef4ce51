"""Flagger's config tracker: the ConfigMaps and Secrets a target's pods use are copied as
`<name>-primary` for the primary, referenced so in the primary's pod template, and their
checksums recorded in `status.trackedConfigs`, so that a changed ConfigMap starts an analysis
as a new pod template does.

Models: fluxcd/flagger pkg/canary/config_tracker.go (configIsDisabled, checksum,
getRefFromConfigMap, getRefFromSecret, GetTargetConfigs, fieldIsMandatory, GetConfigRefs,
HasConfigChanged, CreatePrimaryConfigs, ApplyPrimaryConfigs), with -enable-config-tracking on
(its default).
Simplifies: a Secret without a `type` counts as Opaque (kube-apiserver's default, which kubefold
does not apply to the Secrets it keeps as they were written); only Deployment targets are
scanned.
Covered by: tests/test_flagger_canary.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.errors import Status
from kubefold.core.flagger import API_VERSION, KIND, Canary, target_kind, target_name
from kubefold.core.schema import encode, thaw
from kubefold.reducers import apiserver
from kubefold.reducers.flagger.canary.util import include_labels_by_prefix

CONFIG_MAP = "configmap"
SECRET = "secret"
DISABLED_ANNOTATION = "flagger.app/config-tracking"
TRACKED_SECRET_TYPES = frozenset({"Opaque", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth",
                                  "kubernetes.io/tls"})


@attrs.frozen
class ConfigRef:
    name: str
    type: str
    checksum: str

    def get_name(self) -> str:
        return f"{self.type}/{self.name}"


def go_json(value: Any) -> bytes:
    """encoding/json.Marshal: sorted keys, compact, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text.encode()


def checksum(data: Any) -> str:
    """checksum: the first 8 bytes of the SHA-256 of the data's JSON, in hex."""
    return hashlib.sha256(go_json(data)).digest()[:8].hex()


def config_is_disabled(annotations: Mapping[str, str]) -> bool:
    """configIsDisabled: `flagger.app/config-tracking: disabled` (any value starting so)."""
    return annotations.get(DISABLED_ANNOTATION, "").startswith("disable")


def get_ref_from_config_map(cluster: Cluster, name: str, namespace: str
                            ) -> ConfigRef | None | str:
    config = cluster.get("ConfigMap", namespace, name)
    if config is None:
        return f"configmap {name}.{namespace} get query error: configmaps \"{name}\" not found"
    if config_is_disabled(config.metadata.annotations):
        return None
    return ConfigRef(name, CONFIG_MAP, checksum(thaw(config.extra.get("data"))))


def get_ref_from_secret(cluster: Cluster, name: str, namespace: str) -> ConfigRef | None | str:
    secret = cluster.get("Secret", namespace, name)
    if secret is None:
        return f"secret {name}.{namespace} get query error: secrets \"{name}\" not found"
    if (secret.extra.get("type") or "Opaque") not in TRACKED_SECRET_TYPES:
        return None  # registry secrets are set through service accounts
    if config_is_disabled(secret.metadata.annotations):
        return None
    return ConfigRef(name, SECRET, checksum(thaw(secret.extra.get("data"))))


def field_is_mandatory(optional: Any) -> bool:
    """fieldIsMandatory: a reference is required unless marked optional."""
    return optional is None or not optional


def _template_spec(cluster: Cluster, cd: Canary) -> dict[str, Any] | str:
    namespace, name = cd.metadata.namespace or "default", target_name(cd)
    if target_kind(cd) != "Deployment":
        return f"TargetRef.Kind invalid: {target_kind(cd)}"
    dep = cluster.get("Deployment", namespace, name)
    if dep is None:
        return f'deployment {name}.{namespace} get query error: deployments.apps "{name}" ' \
               "not found"
    template = dep.spec.template
    return encode(template.spec) if template is not None and template.spec is not None else {}


def _references(spec: Mapping[str, Any]) -> tuple[dict[str, bool], dict[str, bool]]:
    """The ConfigMaps and Secrets the pod spec names, each with whether it is required."""
    config_maps: dict[str, bool] = {}
    secrets: dict[str, bool] = {}
    for volume in spec.get("volumes") or ():
        if (cmv := volume.get("configMap")) is not None:
            config_maps[cmv.get("name") or ""] = field_is_mandatory(cmv.get("optional"))
        if (sv := volume.get("secret")) is not None:
            secrets[sv.get("secretName") or ""] = field_is_mandatory(sv.get("optional"))
        for source in (volume.get("projected") or {}).get("sources") or ():
            if (cmv := source.get("configMap")) is not None:
                config_maps[cmv.get("name") or ""] = field_is_mandatory(cmv.get("optional"))
            if (sv := source.get("secret")) is not None:
                secrets[sv.get("name") or ""] = field_is_mandatory(sv.get("optional"))
    for container in [*(spec.get("containers") or ()), *(spec.get("initContainers") or ())]:
        for env in container.get("env") or ():
            source = env.get("valueFrom")
            if not source:
                continue
            if (ref := source.get("configMapKeyRef")) is not None:
                config_maps[ref.get("name") or ""] = field_is_mandatory(ref.get("optional"))
            elif (ref := source.get("secretKeyRef")) is not None:
                secrets[ref.get("name") or ""] = field_is_mandatory(ref.get("optional"))
        for env_from in container.get("envFrom") or ():
            if (ref := env_from.get("configMapRef")) is not None:
                config_maps[ref.get("name") or ""] = field_is_mandatory(ref.get("optional"))
            elif (ref := env_from.get("secretRef")) is not None:
                secrets[ref.get("name") or ""] = field_is_mandatory(ref.get("optional"))
    return config_maps, secrets


def get_target_configs(cluster: Cluster, cd: Canary) -> dict[str, ConfigRef] | str:
    """GetTargetConfigs: the tracked ConfigMaps and Secrets of the target's pod template, by
    `<type>/<name>`; a missing required one is an error, a missing optional one is skipped."""
    spec = _template_spec(cluster, cd)
    if isinstance(spec, str):
        return spec
    namespace = cd.metadata.namespace or "default"
    config_maps, secrets = _references(spec)
    res: dict[str, ConfigRef] = {}
    for name, mandatory in sorted(config_maps.items()):
        ref = get_ref_from_config_map(cluster, name, namespace)
        if isinstance(ref, str):
            if mandatory:
                return f"configmap {name}.{namespace} get query error: {ref}"
            continue
        if ref is not None:
            res[ref.get_name()] = ref
    for name, mandatory in sorted(secrets.items()):
        secret_ref = get_ref_from_secret(cluster, name, namespace)
        if isinstance(secret_ref, str):
            if mandatory:
                return f"secret {name}.{namespace} get query error: {secret_ref}"
            continue
        if secret_ref is not None:
            res[secret_ref.get_name()] = secret_ref
    return res


def get_config_refs(cluster: Cluster, cd: Canary) -> dict[str, str] | str:
    """GetConfigRefs: the checksums by `<type>/<name>` (what status.trackedConfigs holds)."""
    configs = get_target_configs(cluster, cd)
    if isinstance(configs, str):
        return f"GetTargetConfigs failed: {configs}"
    return {name: ref.checksum for name, ref in configs.items()}


def has_config_changed(cluster: Cluster, cd: Canary) -> bool | str:
    """HasConfigChanged: a tracked config added, removed or with another checksum."""
    configs = get_target_configs(cluster, cd)
    if isinstance(configs, str):
        return f"GetTargetConfigs failed: {configs}"
    tracked = cd.status.tracked_configs
    if not configs and tracked is None:
        return False
    if configs and tracked is None:
        return True
    if len(configs) != len(tracked):
        return True
    return any(tracked.get(name) != ref.checksum for name, ref in configs.items())


def create_primary_configs(cluster: Cluster, cd: Canary, refs: Mapping[str, ConfigRef],
                           include_label_prefix: Any = ("",)
                           ) -> tuple[Cluster, str | None]:
    """CreatePrimaryConfigs: `<name>-primary` copies of the tracked ConfigMaps and Secrets,
    controlled by the Canary (other owners of an existing copy kept, not as controller)."""
    namespace = cd.metadata.namespace or "default"
    for ref in refs.values():
        kind = "ConfigMap" if ref.type == CONFIG_MAP else "Secret"
        what = "configmap" if ref.type == CONFIG_MAP else "secret"
        source = cluster.get(kind, namespace, ref.name)
        if source is None:
            return cluster, f'{what} {ref.name}.{namespace} get query failed : ' \
                            f'{what}s "{ref.name}" not found'
        primary_name = f"{ref.name}-primary"
        owners = [{"apiVersion": API_VERSION, "kind": KIND, "name": cd.metadata.name,
                   "uid": cd.metadata.uid, "controller": True, "blockOwnerDeletion": True}]
        old = cluster.get(kind, namespace, primary_name)
        if old is not None:
            for owner in old.metadata.owner_references:
                if owner.kind != KIND or owner.name != cd.metadata.name:
                    kept = {k: v for k, v in (("apiVersion", owner.api_version),
                                              ("kind", owner.kind), ("name", owner.name),
                                              ("uid", owner.uid),
                                              ("blockOwnerDeletion",
                                               owner.block_owner_deletion)) if v is not None}
                    owners.append({**kept, "controller": False})
        manifest: dict[str, Any] = {
            "apiVersion": "v1", "kind": kind,
            "metadata": {"name": primary_name, "namespace": namespace,
                         "labels": include_labels_by_prefix(source.metadata.labels,
                                                            include_label_prefix),
                         "ownerReferences": owners}}
        if source.extra.get("data") is not None:
            manifest["data"] = thaw(source.extra.get("data"))
        if kind == "Secret" and source.extra.get("type") is not None:
            manifest["type"] = source.extra.get("type")
        if old is None:
            result = apiserver.create(cluster, manifest)
            verb = "creating"
        else:
            result = apiserver.update(cluster, manifest)
            verb = "updating"
        if isinstance(result, Status):
            return cluster, f"{verb} {what} {primary_name}.{namespace} failed: {result.message}"
        cluster = result.cluster
    return cluster, None


def _suffix(ref: dict[str, Any], key: str, kind: str, refs: Mapping[str, ConfigRef]) -> None:
    if f"{kind}/{ref.get(key)}" in refs:
        ref[key] = f"{ref.get(key)}-primary"


def apply_primary_configs(spec: Mapping[str, Any], refs: Mapping[str, ConfigRef]
                          ) -> dict[str, Any]:
    """ApplyPrimaryConfigs: the pod spec (JSON) with every tracked ConfigMap and Secret
    reference renamed `<name>-primary`."""
    out: dict[str, Any] = copy.deepcopy(dict(spec))
    for volume in out.get("volumes") or ():
        if volume.get("configMap") is not None:
            _suffix(volume["configMap"], "name", CONFIG_MAP, refs)
        if volume.get("secret") is not None:
            _suffix(volume["secret"], "secretName", SECRET, refs)
        for source in (volume.get("projected") or {}).get("sources") or ():
            if source.get("configMap") is not None:
                _suffix(source["configMap"], "name", CONFIG_MAP, refs)
            if source.get("secret") is not None:
                _suffix(source["secret"], "name", SECRET, refs)
    for container in _containers(out):
        for env in container.get("env") or ():
            source = env.get("valueFrom") or {}
            if source.get("configMapKeyRef") is not None:
                _suffix(source["configMapKeyRef"], "name", CONFIG_MAP, refs)
            elif source.get("secretKeyRef") is not None:
                _suffix(source["secretKeyRef"], "name", SECRET, refs)
        for env_from in container.get("envFrom") or ():
            if env_from.get("configMapRef") is not None:
                _suffix(env_from["configMapRef"], "name", CONFIG_MAP, refs)
            elif env_from.get("secretRef") is not None:
                _suffix(env_from["secretRef"], "name", SECRET, refs)
    return out


def _containers(spec: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    yield from spec.get("containers") or ()
    yield from spec.get("initContainers") or ()
