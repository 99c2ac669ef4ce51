"""kube-controller-manager: one module or package per controller, named as in pkg/controller.

Each controller module exposes `CONTROLLER` (a reducers.controlplane.Controller: its name as
kube-controller-manager names it, its sync handler and its informer handlers) and is one line
in reducers/registry.py. `controller_utils` holds what pkg/controller/controller_utils.go
holds, shared by the controllers.

May import: kubefold.core, the API server's public names (kubefold.reducers.apiserver),
reducers.controlplane and one another; never the scheduler's internals, the kubelet, kubectl
or the world's events.
"""
