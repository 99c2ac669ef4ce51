"""See reducers/rollouts/__init__.py."""
