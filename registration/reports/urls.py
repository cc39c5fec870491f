"""Public URLs of the reports room (under the language prefix, beside registration's)."""

from django.urls import path

from registration.reports import views

app_name = "reports"

urlpatterns = [
    path("survey/<str:key>/", views.survey, name="survey"),
]
