"""kube-apiserver's Service registry: the ClusterIP allocator (`ipallocator`), the NodePort
allocator (`portallocator`) and the create/update hooks that use them (`alloc`), as
pkg/registry/core/service lays them out.

The modules are imported by name (`from kubefold.reducers.apiserver.service import alloc`);
this package imports none of them itself, so validation may use the allocators' parsers
without an import cycle.
"""
