"""kube-apiserver: every write to the cluster passes through here.

`create`, `update`, `update_status`, `delete`, `bind`, `scale` and `evict` are the requests the
control plane's components and kubectl's verbs make; each returns `Written` (the new cluster and
the object as stored) or a `Status` (the request was rejected; the cluster is unchanged).
`restore` loads a snapshot as a restored etcd. The modules: `store` (the generic registry's
create/update/delete, the strategies' PrepareFor*), `subresources` (pods/binding, */scale),
`eviction` (pods/eviction), `admission`, `defaults` and `validation/`.

May import: kubefold.core only. Other components call the names re-exported here, never a
module's private helpers.
"""

from kubefold.reducers.apiserver.eviction import evict
from kubefold.reducers.apiserver.store import (
    GENERATION_KINDS,
    Result,
    Written,
    cannot_be_handled,
    create,
    decode_request,
    delete,
    ensure_bootstrap_namespaces,
    finish_deletion,
    generate_name,
    qos_class,
    resolve_scope,
    restore,
    restore_problems,
    served_kind,
    set_condition,
    status_of,
    update,
    update_status,
    with_meta,
    with_status,
)
from kubefold.reducers.apiserver.subresources import SCALABLE, bind, get_scale, scale

__all__ = ["GENERATION_KINDS", "SCALABLE", "Result", "Written", "bind", "cannot_be_handled",
           "create", "restore_problems", "served_kind",
           "decode_request", "delete", "ensure_bootstrap_namespaces", "evict",
           "finish_deletion", "generate_name", "get_scale", "qos_class", "resolve_scope",
           "restore", "scale",
           "set_condition", "status_of", "update", "update_status", "with_meta", "with_status"]
