"""Read-side queries ("selectors") returning plain data or querysets."""
