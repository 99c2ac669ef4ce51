"""Flagger's canary package for Deployment targets: the primary and its promotion
(deployment_controller), readiness (deployment_ready), the Canary's status (status), tracked
ConfigMaps and Secrets (config_tracker) and helpers (util)."""
