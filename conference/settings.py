"""Settings for the conference site.

Every deploy-specific value is read from the environment here, and only here, with a safe
default for a developer's machine. Production is recognised by ``DEBUG`` being off: then a
missing ``SECRET_KEY`` stops start-up with a sentence that says what to set.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from conference.l10n import country_overrides

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of stripped, non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable to a long random "
            "string (or DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "conference",
    "cms",
    "registration",
    "registration.messaging",
    "registration.checkin",
    "registration.reports",
    "registration.dashboard",
    "registration.programmes",
    "registration.nominations",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "phonenumber_field",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages from the cache before sessions, locale or a query (cms.cache).
    # Above the two policy middlewares: a stored page keeps the policy headers they set when
    # it was rendered (public pages carry no nonce), so a hit does not build them again.
    "cms.cache.PageCacheMiddleware",
    "conference.middleware.ContentSecurityPolicyMiddleware",
    "conference.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "conference.otp.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conference.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "conference.wsgi.application"

# --- Database: DATABASE_URL, or an SQLite file beside the project -------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: opening one per request costs PostgreSQL a process fork
        # and the request a handshake (a third of a registration's time in the benchmark).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task broker: Redis when REDIS_URL is set, else local memory and the ORM ---
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": os.environ.get("Q_CLUSTER_NAME", "conference"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # Delivery is at least once: retry must exceed timeout or a running task is handed out
    # again (see PITFALLS.md). Every task is idempotent anyway.
    "timeout": int(os.environ.get("Q_TIMEOUT", "300")),
    "retry": int(os.environ.get("Q_RETRY", "360")),
    "max_attempts": 5,
    "catch_up": False,
    "poll": 0.5,
    "save_limit": 1000,
    "label": "Tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# --- Staff sign-in: throttling (django-axes) and optional TOTP (django-otp) -----------------
# Axes first: it refuses a locked-out username+address before the password is even checked.
# authenticate() needs the request then (Django's client.login() does not pass one: tests use
# force_login, or post to the login page).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# Hours (a float): failures older than this are forgotten and a lockout ends.
AXES_COOLOFF_TIME = int(os.environ.get("AXES_COOLOFF_MINUTES", "30")) / 60
# A username is locked only from the address that failed: nobody can lock a colleague out
# from elsewhere, and one address cannot try every username freely (each has its limit).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One "AXES: BEGIN ..." line on every management command and worker start says nothing new.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "conference.otp.lockout_response"
# The client's address as the rate limits see it (RATELIMIT_IP_META_KEY behind a proxy).
AXES_CLIENT_IP_CALLABLE = "conference.otp.client_ip"
# OTP_REQUIRED=1: every user of the admin must enrol a TOTP device before anything else;
# 0 (default): only users who enrolled one are asked for a code after their password.
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Regional Events")

# --- Languages: interface (Django) and content (Wagtail locales) ------------------------
LANGUAGE_CODE = "en"
# Adding a language is one line here and its catalogue in locale/<code>/ (see README).
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("kk", "Қазақ тілі"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Wagtail ships no Kazakh admin (thousands of strings): staff in Kazakhstan use it in Russian.
WAGTAILADMIN_PERMITTED_LANGUAGES = [lang for lang in LANGUAGES if lang[0] != "kk"]
# Latin slugs for Russian and Ukrainian titles (the admin transliterates as you type).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates in each language's own order and cases ("22 декабря 2026", "2026 жылғы 22 желтоқсан"):
# conference/formats/<code>/formats.py; a language without one uses Django's own formats.
FORMAT_MODULE_PATH = ["conference.formats"]
# Country names from CLDR (Babel) in the nominative, in the language shown (conference/l10n.py).
COUNTRIES_OVERRIDE = country_overrides()

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files with personal data or for participants only (papers, badge PDFs, report exports):
# outside MEDIA_ROOT, with no URL; served only by views that check a signed link or a role.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
#: Upload folders of the default storage that are public under MEDIA_URL (Wagtail's images
#: and renditions); every other name (documents/, ...) is kept in PRIVATE_MEDIA_ROOT.
PUBLIC_MEDIA_PREFIXES = ("images/", "original_images/")
# S3-compatible object storage when S3_BUCKET is set (django-storages, the optional extra
# "s3"): public images under public/ (public-read), everything else under private/ (private
# ACL; the views that check access redirect to a signed URL valid S3_SIGNED_URL_SECONDS).
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "S3_BUCKET is set but django-storages is not installed: "
            "pip install 'django-storages[s3]' (the project's extra \"s3\")."
        )
    _S3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,
    }
    _PUBLIC_FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "location": "public",
            "default_acl": "public-read",
            "querystring_auth": False,
            "custom_domain": os.environ.get("S3_PUBLIC_DOMAIN") or None,
        },
    }
    _PRIVATE_FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("S3_SIGNED_URL_SECONDS", "300")),
        },
    }
else:
    _PUBLIC_FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _PRIVATE_FILES = {"BACKEND": "conference.storage.PrivateStorage"}
STORAGES = {
    # Routes each name to "public" or "private" below (conference.storage.MediaStorage).
    "default": {"BACKEND": "conference.storage.MediaStorage"},
    "public": _PUBLIC_FILES,
    "private": _PRIVATE_FILES,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail: read in one place (Django 6.1 moves these to MAILERS) ----------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # In the demo every e-mail is printed in the terminal and kept as .eml in EMAIL_FILE_PATH.
    "conference.mail.ConsoleAndFileBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "events@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Regional Events")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx", "pptx", "txt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = False

# --- Security: safe by default in production, relaxed only when DEBUG is on -------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview shows the page in a same-origin iframe, which DENY would break.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Content-Security-Policy (django-csp 4): our templates have no inline script or style, so the
# site allows only its own files. Wagtail's admin still writes inline scripts and style
# attributes (wagtail/wagtail#1288), so /admin/ adds 'unsafe-inline' for those two only; the
# rest of the policy (no other origin, no plugins, no framing by others) holds there too.
# CSP_REPORT_URI sends violation reports to a collector of your choice.
_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
if os.environ.get("CSP_REPORT_URI"):
    _CSP["report-uri"] = [os.environ["CSP_REPORT_URI"]]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP}
CSP_PATH_POLICIES = {
    "/admin/": {
        **_CSP,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
    },
}
# No avatars from gravatar.com: it would learn a hash of every staff e-mail address, and the
# policy above allows images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Browser features: off everywhere; the check-in scanner turns the camera on for itself.
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": []}

# LOG_FORMAT=json writes one JSON object per line (conference.logs) for a log collector.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "conference.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Wagtail runs its search-index and reference-index tasks through django-tasks,
        # which logs every one of them at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint logs seven "Step …" lines at INFO for every group of badges it lays out.
        "weasyprint": {"level": "WARNING"},
    },
}

# --- Project settings ----------------------------------------------------------------------
PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-01")
# Participants' personal data is anonymised this many months after their event ends (an
# event page may set its own period). The privacy page's version, when published, overrides
# PRIVACY_NOTICE_VERSION (which stays the fallback for a site without that page).
RETENTION_MONTHS_AFTER_EVENT = int(os.environ.get("RETENTION_MONTHS_AFTER_EVENT", "12"))
# Registrations whose e-mail address is not confirmed within this many hours expire.
REGISTRATION_CONFIRM_HOURS = int(os.environ.get("REGISTRATION_CONFIRM_HOURS", "48"))
# Rate limits (django-ratelimit, counted in the default cache) on the public forms: per client
# IP and, lower, per e-mail address ("10/m", "5/h"; empty turns one off). RATELIMIT_ENABLE=0
# turns them all off (the registration benchmark). Behind a reverse proxy, set
# RATELIMIT_IP_META_KEY to the header carrying the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "10/m") or None
RATELIMIT_REGISTER_ADDRESS = os.environ.get("RATELIMIT_REGISTER_ADDRESS", "3/m") or None
RATELIMIT_RESEND_LINK = os.environ.get("RATELIMIT_RESEND_LINK", "5/m") or None
RATELIMIT_RESEND_LINK_ADDRESS = os.environ.get("RATELIMIT_RESEND_LINK_ADDRESS", "3/h") or None
RATELIMIT_SURVEY = os.environ.get("RATELIMIT_SURVEY", "10/m") or None
RATELIMIT_SURVEY_ADDRESS = os.environ.get("RATELIMIT_SURVEY_ADDRESS", "5/m") or None
# The public certificate verification page (a lookup by token): per client IP, every request.
RATELIMIT_CERTIFICATE_VERIFY = os.environ.get("RATELIMIT_CERTIFICATE_VERIFY", "30/m") or None
# Only for bench/bench_register.py: a bare endpoint that inserts one row. Never in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False) and (DEBUG or TESTING)
SITE_DESCRIPTION = _("Regional conferences, trainings and courses")
# Anonymous visitors get event pages from the cache for this long (0 turns it off); every
# publish invalidates it, and logged-in users never get a cached page.
CMS_PAGE_CACHE_SECONDS = int(os.environ.get("CMS_PAGE_CACHE_SECONDS", "300"))
# A participant's signed links (personal page, cancel, badge, survey, calendar) stop working
# this many days after the event's last day; staff can also revoke them at any time.
LINK_VALID_DAYS_AFTER_EVENT = int(os.environ.get("LINK_VALID_DAYS_AFTER_EVENT", "90"))
# A programme participant's personal link works this many days after the programme's end
# (certificates are issued and downloaded after the last session).
LINK_VALID_DAYS_AFTER_PROGRAMME = int(os.environ.get("LINK_VALID_DAYS_AFTER_PROGRAMME", "365"))
# Roster imports (programmes): the largest file, the most people in one file, and the largest
# size an XLSX may unpack to (a zip bomb stops there).
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES", str(10 * 1024 * 1024)))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", "5000"))
ROSTER_MAX_UNPACKED = int(os.environ.get("ROSTER_MAX_UNPACKED", str(200 * 1024 * 1024)))
# A focal point's delegation link (nominations) stops working this many days after the event's
# last day; organisers can renew or revoke it at any time.
DELEGATION_LINK_VALID_DAYS_AFTER_EVENT = int(
    os.environ.get("DELEGATION_LINK_VALID_DAYS_AFTER_EVENT", "30")
)
# Largest PDF a focal point may upload for a delegation (nomination letter, Note Verbale).
NOMINATION_DOCUMENT_MAX_BYTES = int(os.environ.get("NOMINATION_DOCUMENT_MAX_BYTES", "5242880"))
# Focal points with places left are reminded once this long before their delegation's
# deadline ("3d", "12h", "30m"; the schedule runs every 30 minutes).
NOMINATION_REMINDER_BEFORE = os.environ.get("NOMINATION_REMINDER_BEFORE", "3d")

# --- Messages and calendar invites (registration outbox) ---------------------------------
# A row is tried this many times (back-off between tries) before it is marked failed.
MESSAGES_MAX_ATTEMPTS = int(os.environ.get("MESSAGES_MAX_ATTEMPTS", "5"))
# A row claimed longer ago than this (seconds) belongs to a worker that died.
MESSAGES_SENDING_LEASE = int(
    os.environ.get("MESSAGES_SENDING_LEASE", str(Q_CLUSTER["timeout"] + 60))
)
# Agenda updates wait this many seconds so that several quick publishes make one e-mail.
MESSAGES_UPDATE_DELAY = int(os.environ.get("MESSAGES_UPDATE_DELAY", "120"))
# Reminders before the event starts ("7d", "1d", "12h"), and the survey after it ends.
MESSAGES_REMINDER_OFFSETS = env_list("MESSAGES_REMINDER_OFFSETS", "7d,1d")
MESSAGES_SURVEY_DELAY = os.environ.get("MESSAGES_SURVEY_DELAY", "2h")
# How many helper tasks the first task of a large batch enqueues. Unset: this cluster's other
# workers (Q_WORKERS - 1). With N worker machines on one Redis broker, set it to the number of
# workers of all machines minus one, so every machine takes part.
MESSAGES_FAN_OUT = (
    int(os.environ["MESSAGES_FAN_OUT"]) if os.environ.get("MESSAGES_FAN_OUT") else None
)
# A fan-out (organiser's note, agenda update, event cancellation) that has queued nothing for
# this many seconds is resumed by the minute sweep: its worker died or lost the task.
MESSAGES_FANOUT_LEASE = int(os.environ.get("MESSAGES_FANOUT_LEASE", "120"))

# --- Long work in the worker (conference.jobs): badge batches, report exports ------------
# A running job renews its lease whenever it reports progress; a job whose lease ran out
# belongs to a worker that died and is queued again by the sweep (a django-q2 schedule).
JOBS_LEASE_SECONDS = int(os.environ.get("JOBS_LEASE_SECONDS", "120"))
# A job is tried this many times (counting restarts after a dead worker), then failed.
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
#: Job kind → the function that does its work (a dotted path: conference imports nothing).
JOB_HANDLERS = {
    "badge_batch": "registration.checkin.services.badge_batch_work",
    "report_export": "registration.reports.services.reports.report_export_work",
    "programme_report": "registration.programmes.services.report.programme_report_work",
    "certificate_batch": "registration.programmes.services.certificates.certificate_batch_work",
    "roster_dry_run": "registration.programmes.services.roster.roster_dry_run_work",
    "roster_import": "registration.programmes.services.roster.roster_import_work",
}

# --- Reports -------------------------------------------------------------------------------
# Events with more registrations than this build their report files in the worker.
REPORT_INLINE_EXPORT_MAX = int(os.environ.get("REPORT_INLINE_EXPORT_MAX", "300"))
