"""Writes of the programmes room (one module per concern; import from the module)."""
