"""kubefold.properties."""
