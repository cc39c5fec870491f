"""The privacy notice is a translatable Wagtail page with a version."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from cms import demo
from cms.models import HomePage, PrivacyPage
from registration.selectors.lifecycle import privacy_notice_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy():
    home = demo.load_home()
    return demo.load_privacy(home=home)


@pytest.mark.parametrize(
    ("language", "heading", "text"),
    [
        ("en", "Privacy notice", "How long we keep it"),
        ("ru", "Уведомление о конфиденциальности", "Как долго мы их храним"),
        ("uk", "Повідомлення про конфіденційність", "Як довго ми їх зберігаємо"),
        ("kk", "Құпиялылық туралы хабарлама", "Оларды қанша уақыт сақтаймыз"),
    ],
)
def test_demo_privacy_page_is_served_in_each_language(client, privacy, language, heading, text):
    page = PrivacyPage.objects.get(
        translation_key=privacy.translation_key, locale__language_code=language
    )

    response = client.get(page.url)

    body = response.content.decode()
    assert response.status_code == 200
    assert heading in body
    assert text in body
    assert "2026-01" in body


def test_demo_privacy_page_loads_once(privacy):
    demo.load_privacy(home=HomePage.objects.get(locale=Locale.get_default()))

    assert PrivacyPage.objects.count() == 4  # en, ru, uk, kk


@pytest.mark.parametrize("language", ["en", "ru", "uk", "kk"])
def test_old_privacy_url_redirects_to_the_page_in_that_language(client, privacy, language):
    page = PrivacyPage.objects.get(
        translation_key=privacy.translation_key, locale__language_code=language
    )

    response = client.get(f"/{language}/registration/privacy/")

    assert response.status_code == 302
    assert response["Location"].endswith(page.url)


def test_publishing_a_new_version_makes_it_current(privacy):
    assert privacy_notice_current().version == "2026-01"
    privacy.version = "2026-05"

    privacy.save_revision().publish()

    assert privacy_notice_current().version == "2026-05"


def test_a_draft_version_is_not_current(privacy):
    privacy.version = "2026-06"

    privacy.save_revision()

    assert privacy_notice_current().version == "2026-01"


def test_privacy_page_can_only_be_made_under_the_home_page():
    from cms.models import EventIndexPage

    assert PrivacyPage.can_create_at(HomePage())
    assert not PrivacyPage.can_create_at(EventIndexPage())
