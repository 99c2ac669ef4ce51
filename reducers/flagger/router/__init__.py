"""Flagger's routers: the ClusterIP Services every Canary gets, and the mesh router of its
provider that carries the weights.

`mesh_router(provider)` is Flagger's router factory for the providers kubefold models: Istio
(also Flagger's fallback for a provider it has no router for), the Gateway API (`gatewayapi:v1`,
`gatewayapi:v1beta1`) and `kubernetes` (no traffic shifting: Blue/Green by Services alone).
Providers whose objects no part of kubefold reads (App Mesh, Linkerd and SMI, Contour, Gloo,
NGINX, Skipper, Traefik, APISIX, Kuma, OSM, Knative) get None: the scheduler reports them
unsupported and leaves the Canary alone.

Models: fluxcd/flagger pkg/router/factory.go (KubernetesRouter, MeshRouter), nop.go
(NopRouter).
Covered by: tests/test_flagger_router.py.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubefold.core.cluster import Cluster
from kubefold.core.flagger import Canary
from kubefold.reducers.flagger.router.gateway_api import GatewayAPIRouter
from kubefold.reducers.flagger.router.istio import IstioRouter
from kubefold.reducers.flagger.router.kubernetes_default import KubernetesDefaultRouter

UNMODELLED = ("apisix", "appmesh", "contour", "gloo", "knative", "kuma", "linkerd", "nginx",
              "osm", "skipper", "smi", "traefik")


@attrs.frozen
class NopRouter:
    """NopRouter: no traffic shifting; the weights read as the iterations say."""

    def reconcile(self, cluster: Cluster, cd: Canary) -> tuple[Cluster, str | None]:
        return cluster, None

    def get_routes(self, cluster: Cluster, cd: Canary) -> tuple[int, int, bool, str | None]:
        if (cd.status.iterations or 0) > 0:
            return 0, 100, False, None
        return 100, 0, False, None

    def set_routes(self, cluster: Cluster, cd: Canary, primary_weight: int,
                   canary_weight: int, mirrored: bool) -> tuple[Cluster, Canary, str | None]:
        return cluster, cd, None


def mesh_router(provider: str) -> Any:
    """MeshRouter: the router of a provider, None for one kubefold does not model."""
    if provider.startswith("gatewayapi:v1beta1"):
        return GatewayAPIRouter(version="v1beta1")
    if provider.startswith("gatewayapi:v1"):
        return GatewayAPIRouter(version="v1")
    if provider == "kubernetes":
        return NopRouter()
    if provider.split(":")[0] in UNMODELLED:
        return None
    return IstioRouter()


__all__ = ["GatewayAPIRouter", "IstioRouter", "KubernetesDefaultRouter", "NopRouter",
           "mesh_router"]
