"""The StatefulSet controller (pkg/controller/statefulset): stateful_set (handlers and sync),
stateful_set_control (UpdateStatefulSet), stateful_set_utils, stateful_pod_control."""
