"""kubefold.core."""
