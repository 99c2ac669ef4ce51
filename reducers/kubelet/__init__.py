"""The kubelet: one per node, starting pods' containers, probing them and reporting status.

May import: kubefold.core, the API server's public names and reducers.controlplane.
"""
