"""The site skeleton: languages, error pages, settings that refuse to start unsafely."""

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "title", "skip_text"),
    [
        ("en", "Regional Events", "Skip to main content"),
        ("ru", "Региональные мероприятия", "Перейти к основному содержанию"),
        ("uk", "Регіональні заходи", "Перейти до основного вмісту"),
    ],
)
def test_home_page_in_each_language(home_page, client: Client, lang, title, skip_text):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html
    assert skip_text in html
    # The switcher links every language's copy of this page.
    for code in ("en", "ru", "uk"):
        assert f'href="/{code}/"' in html


def test_root_redirects_to_a_language(home_page, client):
    response = client.get("/", headers={"accept-language": "ru"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Page not found"), ("ru", "Страница не найдена"), ("uk", "Сторінку не знайдено")],
)
def test_unknown_url_gives_translated_404_in_layout(home_page, client, lang, text):
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert 'class="site-header"' in html


def test_server_error_page_leaks_nothing(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Traceback" not in html
    assert "Server error" in html


def test_demo_loader_is_idempotent(db):
    from wagtail.models import Page, Revision

    from cms import demo

    demo.load()
    counts = (Page.objects.count(), Revision.objects.count())
    demo.load()
    assert (Page.objects.count(), Revision.objects.count()) == counts


def _run_check(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TESTING", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "conference.settings", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_in_production_stops_with_one_sentence():
    result = _run_check({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set: set the SECRET_KEY environment variable" in result.stderr


def test_production_settings_pass_deploy_check():
    result = _run_check(
        {
            "SECRET_KEY": "x" * 30 + "A-very-long-random-production-secret-key-42!",
            "ALLOWED_HOSTS": "events.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
