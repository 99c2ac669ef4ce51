"""The EndpointSlice controller (pkg/controller/endpointslice) with the reconciler it shares
with other controllers in Go (staging/src/k8s.io/endpointslice): `endpointslice_controller`
(the sync handler, informer handlers and trackers), `reconciler` and `utils`."""
