"""kubectl: what the client computes before it sends requests (apply's three-way merge,
rollout undo/pause/resume/restart, drain).

May import: kubefold.core and the API server's public names (kubefold.reducers.apiserver) only:
kubectl talks to the API server and to nothing else.
"""
