"""What operations rely on: the health endpoint the proxy polls and structured JSON logs."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from conference.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_an_unreachable_cache_as_503(client, settings):
    # A real Redis client pointed at a port nothing listens on.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_health_reports_a_broken_database_as_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}


def test_health_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_json_log_line_has_fields_extra_and_traceback():
    logger = logging.getLogger("conference.test")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            "conference.test",
            logging.ERROR,
            __file__,
            1,
            "job %s failed",
            ("42",),
            exc_info=sys.exc_info(),
            extra={"job_kind": "badges"},
        )

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "conference.test"
    assert entry["message"] == "job 42 failed"
    assert entry["job_kind"] == "badges"
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_object_storage_without_django_storages_stops_with_a_sentence():
    env = {
        **os.environ,
        "S3_BUCKET": "events-media",
        "DJANGO_SETTINGS_MODULE": "conference.settings",
    }
    env.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "-c", "import conference.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "S3_BUCKET is set but django-storages is not installed" in result.stderr


def test_public_and_private_files_land_in_their_own_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    image = default_storage.save("images/logo.png", ContentFile(b"png"))
    document = default_storage.save("documents/paper.pdf", ContentFile(b"%PDF"))

    assert (tmp_path / "media" / image).exists()
    assert (tmp_path / "private" / document).exists()
    assert default_storage.url(image).startswith(settings.MEDIA_URL)
    with pytest.raises(NotImplementedError):
        default_storage.url(document)
