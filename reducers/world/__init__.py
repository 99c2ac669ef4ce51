"""The world outside the control plane: a node's kubelet stopping and starting (`node:`), a
container exiting or a probe's verdict (`pod:`).

These are events, not controllers: each handler turns one event into the write the outside
world would cause (a stopped kubelet's lease, a container's state) and the control plane then
reacts to it.

May import: kubefold.core and the API server's public names.
"""
