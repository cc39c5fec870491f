"""Public registration URLs (under the language prefix): self-service by signed link.

The registration form itself is a sub-URL of the event page (``<event>/register/``).
"""

from django.urls import path

from registration.views import public

app_name = "registration"

urlpatterns = [
    path("manage/<str:key>/", public.manage, name="manage"),
]
