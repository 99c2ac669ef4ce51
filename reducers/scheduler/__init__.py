"""kube-scheduler as a reducer: the framework, its default plugins (one module each) and the
scheduling cycle. One `reconcile: {controller: scheduler, key: ns/pod}` is one cycle."""
