"""The organisers' screens of the nominations room (Wagtail admin, ``/admin/nominations/``)."""
