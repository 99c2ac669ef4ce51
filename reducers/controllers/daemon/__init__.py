"""The DaemonSet controller (pkg/controller/daemon): daemon_controller (handlers, manage, sync,
status), update (rolling update and history), util (daemonset_util.go)."""
