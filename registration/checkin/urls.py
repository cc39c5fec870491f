"""Public URLs of the check-in room (under the language prefix, beside registration's)."""

from django.urls import path

from registration.checkin import views

app_name = "checkin"

urlpatterns = [
    path("manage/<str:key>/badge.pdf", views.badge_pdf, name="badge_pdf"),
    path("manage/<str:key>/attendance/", views.self_checkin, name="self_checkin"),
]
