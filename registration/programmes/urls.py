"""Public URLs of the programmes room (under the language prefix): the participant's
programme page, self check-in, certificate download and verification. Staff URLs are
admin URLs (``wagtail_hooks.py``)."""

from django.urls import path

app_name = "programmes"

urlpatterns: list = []

# --- enrol: the public enrolment form and the participant's own programme page --------------

from registration.programmes import public_views  # noqa: E402 - each concern keeps its imports

urlpatterns += [
    path("<int:programme_id>/enrol/", public_views.enrol, name="enrol"),
    path("<int:programme_id>/enrol/done/", public_views.enrol_done, name="enrol_done"),
    path("me/<str:key>/", public_views.personal, name="personal"),
]

# --- certificates: the public verification page and a participant's own PDF ------------------

from registration.programmes import views_certificates  # noqa: E402 - each concern its imports

urlpatterns += [
    path(
        "certificates/<str:token>/",
        views_certificates.certificate_verify,
        name="certificate_verify",
    ),
    path(
        "me/<str:key>/certificate.pdf",
        views_certificates.certificate_download,
        name="certificate_download",
    ),
]

# --- mentoring: a participant agrees to share (or stops sharing) their contact ----------------

from registration.programmes import views_mentoring  # noqa: E402 - each concern its imports

urlpatterns += [
    path(
        "me/<str:key>/mentoring/",
        views_mentoring.mentoring_consent,
        name="mentoring_consent",
    ),
]
