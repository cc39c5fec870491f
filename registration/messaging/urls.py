"""Public URLs of the messaging room (under the language prefix, beside registration's)."""

from django.urls import path

from registration.messaging import views

app_name = "messaging"

urlpatterns = [
    path("manage/<str:key>/calendar.ics", views.invite, name="calendar_invite"),
    path("calendar/<str:key>.ics", views.feed, name="calendar_feed"),
]
