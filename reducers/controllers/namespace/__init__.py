"""The namespace controller (pkg/controller/namespace): `namespace_controller` (the queue and
sync handler) and `deletion` (NamespacedResourcesDeleter and its status conditions)."""
