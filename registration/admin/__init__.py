"""Staff screens in the Wagtail admin, one module per area (imported by wagtail_hooks)."""
