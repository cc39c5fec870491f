"""Reads of the nominations room (one module per concern)."""
