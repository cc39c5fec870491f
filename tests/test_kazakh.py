"""Kazakh (kk) as a language of the site: our catalogue, and Django's strings in it.

Django ships Kazakh for only part of its own strings and Wagtail ships none; the strings a
participant or staff member meets from Django are in our catalogue (conference/vendor_strings.py
names them for ``makemessages``). Wagtail's admin stays without Kazakh: staff in Kazakhstan
use it in Russian, so the admin offers en/ru/uk while the public site offers kk too.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django import forms
from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from wagtail.admin.localization import get_available_admin_languages
from wagtail.models import Locale

from tests.factories import EventPageFactory

DJANGO_CATALOGUES = [
    Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po",
    Path(django.__file__).parent / "contrib/auth/locale/en/LC_MESSAGES/django.po",
]
#: Django strings that read the same in Kazakh: abbreviations and punctuation.
SAME_IN_KAZAKH = {
    "URL",
    "IPv4",
    "IPv6",
    "…",
    ":",
    ":?.!",
    ", ",
    "%(truncated_text)s…",
}


def _kazakh_event():
    """An event with a published Kazakh copy (its parents copied too, as the editor does)."""
    event = EventPageFactory(translations=("ru",))
    kk, _created = Locale.objects.get_or_create(language_code="kk")
    copy = event.copy_for_translation(kk, copy_parents=True)
    copy.save_revision().publish()
    return event


def _register(client, event, data=None):
    url = f"/kk/{event.slug}/register/"
    return client.post(url, data) if data is not None else client.get(url)


@pytest.mark.django_db
def test_registration_form_in_kazakh_has_kazakh_labels(client):
    event = _kazakh_event()

    response = _register(client, event)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="kk"' in html
    for kazakh in ("Өзіңіз туралы", "Жұмысыңыз", "Ұйым түрі", "Біздің хабарламаларымыздың тілі"):
        assert kazakh in html, kazakh
    for english in ("About you", "Your work", "Organisation type", "Language for our messages"):
        assert english not in html, english


@pytest.mark.django_db
def test_registration_form_errors_in_kazakh_include_djangos_own(client):
    event = _kazakh_event()

    response = _register(client, event, {"given_name": "", "email": "aida-at-example.org"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Атыңызды енгізіңіз." in html  # ours
    # Django's own message, which Django's Kazakh catalogue lacks: from our catalogue.
    assert "Жарамды электрондық пошта мекенжайын енгізіңіз." in html
    assert "Enter a valid email address." not in html


def test_required_field_message_of_django_is_kazakh():
    field = forms.CharField()

    with translation.override("kk"):
        with pytest.raises(forms.ValidationError) as error:
            field.clean("")
        messages = error.value.messages  # lazy: rendered in the language active now

    assert messages == ["Бұл өрісті толтыру міндетті."]


def test_too_long_value_message_is_kazakh():
    field = forms.CharField(max_length=100)

    with translation.override("kk"):
        with pytest.raises(forms.ValidationError) as error:
            field.clean("А" * 101)
        messages = error.value.messages  # lazy: rendered in the language active now

    assert messages == ["Бұл мәнде ең көбі 100 таңба болуы тиіс (қазір 101)."]


def test_month_after_a_day_is_kazakh_and_lower_case():
    months = [dt.date(2026, month, 22) for month in range(1, 13)]

    with translation.override("kk"):
        after_day = [dateformat.format(day, "j E") for day in months]
        standalone = dateformat.format(months[11], "F")

    assert after_day == [
        "22 қаңтар",
        "22 ақпан",
        "22 наурыз",
        "22 сәуір",
        "22 мамыр",
        "22 маусым",
        "22 шілде",
        "22 тамыз",
        "22 қыркүйек",
        "22 қазан",
        "22 қараша",
        "22 желтоқсан",
    ]
    assert standalone == "Желтоқсан"


def test_weekdays_are_kazakh_with_their_own_abbreviations():
    monday = dt.date(2026, 12, 21)
    week = [monday + dt.timedelta(days=n) for n in range(7)]

    with translation.override("kk"):
        names = [dateformat.format(day, "l") for day in week]
        short = [dateformat.format(day, "D") for day in week]

    assert names == ["Дүйсенбі", "Сейсенбі", "Сәрсенбі", "Бейсенбі", "Жұма", "Сенбі", "Жексенбі"]
    assert short == ["Дс", "Сс", "Ср", "Бс", "Жм", "Сб", "Жс"]


def _kazakh(message) -> list[str]:
    """The Kazakh of one catalogue message (each plural form it has for 1 and 5)."""
    context = message.context
    if isinstance(message.id, tuple):
        singular, plural = message.id[:2]
        if context:
            return [npgettext(context, singular, plural, n) for n in (1, 5)]
        return [ngettext(singular, plural, n) for n in (1, 5)]
    return [pgettext(context, message.id) if context else gettext(message.id)]


@pytest.mark.parametrize("path", DJANGO_CATALOGUES, ids=["django", "django.contrib.auth"])
def test_every_django_string_has_a_kazakh_translation(path):
    with path.open("rb") as po:
        catalogue = read_po(po)

    untranslated = []
    with translation.override("kk"):
        for message in catalogue:
            if not message.id:
                continue
            english = message.id if isinstance(message.id, tuple) else (message.id,)
            for kazakh in _kazakh(message):
                if kazakh in english and kazakh not in SAME_IN_KAZAKH:
                    untranslated.append(kazakh)

    assert untranslated == []


def test_admin_offers_english_russian_ukrainian_not_kazakh():
    admin_languages = [code for code, _name in get_available_admin_languages()]
    site_languages = [code for code, _name in settings.LANGUAGES]

    assert admin_languages == ["en", "ru", "uk"]
    assert "kk" in site_languages


@pytest.mark.django_db
def test_admin_account_page_lists_no_kazakh_and_public_switcher_does(admin_client, client):
    event = _kazakh_event()

    account = admin_client.get("/admin/account/").content.decode()
    select = re.search(r'<select name="locale-preferred_language".*?</select>', account, re.S)
    public = client.get(f"/en/{event.slug}/").content.decode()

    assert select is not None
    assert re.findall(r'<option value="(\w+)"', select.group(0)) == ["en", "ru", "uk"]
    assert f'href="/kk/{event.slug}/" lang="kk" hreflang="kk"' in public
