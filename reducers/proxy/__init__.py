"""The data plane as a query: where a request to a Service, Gateway or host goes.

`route(cluster, request)` answers with each backend pod's share (route.py); `kubeproxy`,
`gateway` (Gateway API HTTPRoutes) and `istio` (VirtualServices, DestinationRules) are the
parts it follows. See route.py for the rules and for the API controllers that write routes
rely on.
"""

from kubefold.reducers.proxy.route import Request, Routed, Share, route

__all__ = ["Request", "Routed", "Share", "route"]
