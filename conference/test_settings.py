"""Test settings: the real settings, with only what tests must change.

The SQLite test database is a file (not in-memory) so that a real django-q2 cluster process
and the live server can share it with the test.
"""

import copy
import os

os.environ.setdefault("TESTING", "1")

from conference.settings import *  # noqa: F403
from conference.settings import BASE_DIR
from conference.settings import DATABASES as _DATABASES

# A copy: importing this module must never change the dicts of conference.settings.
DATABASES = copy.deepcopy(_DATABASES)
# Threads in tests (parallel registrations, live server) must not keep connections open past
# the test: PostgreSQL would refuse to drop the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# Several test runs may share a checkout (parallel work): TEST_DB_SUFFIX keeps them apart.
_suffix = os.environ.get("TEST_DB_SUFFIX", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db{_suffix}.sqlite3")}
elif _suffix:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_suffix}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test database needs no crash durability: a commit need not wait for the disk (the
    # migrations, parallel registrations, the live server and TRUNCATE after transactional
    # tests all commit). The worker processes tests start use the real settings.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
MEDIA_ROOT = BASE_DIR / f".test-media{_suffix}"
PRIVATE_MEDIA_ROOT = BASE_DIR / f".test-private-media{_suffix}"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
