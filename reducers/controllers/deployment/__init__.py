"""The Deployment controller (pkg/controller/deployment, v1.34).

`util` is the pure arithmetic and one-object predicates (deployment_util.go and the
ReplicaSet helpers of controller_utils.go); the controller modules sit beside it.
"""
