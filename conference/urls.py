"""URLs: admin and technical endpoints unprefixed, public pages under /en/, /ru/, /uk/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from conference.health import healthz

urlpatterns = [
    path("admin/otp/", include("conference.otp")),  # two-step sign-in, before Wagtail's admin
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),  # for the reverse proxy (conference.health)
]

if settings.DEBUG:
    # Only public media (Wagtail's images): documents, badges and exports are in private
    # storage, outside MEDIA_ROOT, and reach nobody except through views that check access.
    import re

    from django.urls import re_path
    from django.views.static import serve

    public = "|".join(re.escape(prefix) for prefix in settings.PUBLIC_MEDIA_PREFIXES)
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>(?:{public}).*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("registration/", include("registration.urls")),
    path("registration/", include("registration.checkin.urls")),
    path("registration/", include("registration.messaging.urls")),
    path("registration/", include("registration.reports.urls")),
    path("programmes/", include("registration.programmes.urls")),
    path("nominations/", include("registration.nominations.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
