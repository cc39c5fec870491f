"""Staff screens of the programmes room, one module per concern (mounted by
``registration/programmes/wagtail_hooks.py`` under ``/admin/programmes/``)."""
