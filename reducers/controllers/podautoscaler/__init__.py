"""The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler): `horizontal`
(horizontal.go: the controller, its sync and its normalisation of proposals),
`replica_calculator` (replica_calculator.go) and `metrics` (the metrics client and the
utilization arithmetic of pkg/controller/podautoscaler/metrics)."""
