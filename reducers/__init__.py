"""kubefold.reducers."""
