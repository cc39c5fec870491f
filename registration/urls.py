"""Public registration URLs (under the language prefix): self-service by signed link.

The badge, calendar and survey links of the personal page are the check-in, messaging and
reports rooms' own URLs (mounted beside these under the same prefix).

The registration form itself is a sub-URL of the event page (``<event>/register/``); it posts
to ``events/<id>/register/`` here, which skips Wagtail's page routing.
"""

from django.conf import settings
from django.urls import path

from registration.views import files, public
from registration.views import lifecycle as lifecycle_views

app_name = "registration"

urlpatterns = [
    path("manage/<str:key>/", public.manage, name="manage"),
    path("manage/<str:key>/cancel/", public.cancel, name="cancel"),
    path("manage/<str:key>/my-data.json", lifecycle_views.data_json, name="data_json"),
    path("manage/<str:key>/my-data/", lifecycle_views.data_html, name="data_html"),
    path("manage/<str:key>/delete/", lifecycle_views.deletion, name="deletion_request"),
    path("manage/<str:key>/privacy/", lifecycle_views.accept_privacy, name="privacy_accept"),
    path(
        "manage/<str:key>/papers/<int:paper_id>/<str:language>/",
        files.paper_download,
        name="paper",
    ),
    path("events/<int:event_id>/register/", public.register_submit, name="register"),
    path("events/<int:event_id>/lost-link/", public.resend_link, name="resend_link"),
    path("privacy/", public.privacy, name="privacy"),
]

if settings.BENCH_ENDPOINTS:  # bench/bench_register.py only; never set in production
    from registration.views import bench

    urlpatterns += [
        path("bench/insert/", bench.insert_one, name="bench_insert"),
        path("bench/modelform/", bench.insert_modelform, name="bench_modelform"),
    ]
