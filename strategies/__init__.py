"""kubefold.strategies."""
