"""Template tags of the registration app."""
