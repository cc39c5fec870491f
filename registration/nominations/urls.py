"""Public URLs of the nominations room (under the language prefix): the focal point's
delegation page (signed link), the nominee's invitation, visa letter verification. Staff
URLs are admin URLs (``wagtail_hooks.py``)."""

from django.urls import path

app_name = "nominations"

urlpatterns: list = []

# The focal point's delegation page (helper "focal"): every path carries the signed key.
from registration.nominations import views_focal  # noqa: E402 - appended by concern

urlpatterns += [
    path("d/<str:delegation_key>/", views_focal.delegation_page, name="delegation"),
    path(
        "d/<str:delegation_key>/nominees/<int:nomination_id>/replace/",
        views_focal.nomination_replace_page,
        name="delegation_replace",
    ),
    path(
        "d/<str:delegation_key>/nominees/<int:nomination_id>/withdraw/",
        views_focal.nomination_withdraw_page,
        name="delegation_withdraw",
    ),
    path(
        "d/<str:delegation_key>/documents/<int:delegation_document_id>/",
        views_focal.document_download,
        name="delegation_document",
    ),
    path(
        "d/<str:delegation_key>/documents/<int:delegation_document_id>/delete/",
        views_focal.document_delete_page,
        name="delegation_document_delete",
    ),
]

# The nominee's registration and visa letters (helper "nominee").
from registration.nominations import views_nominee  # noqa: E402 - appended by concern

urlpatterns += [
    path("invite/<str:key>/", views_nominee.invite, name="invite"),
    path("visa/<str:token>/", views_nominee.visa_verify, name="visa_verify"),
    path("me/<str:key>/visa/", views_nominee.visa_request, name="visa_request"),
    path("me/<str:key>/visa-letter.pdf", views_nominee.visa_letter_download, name="visa_letter"),
]
