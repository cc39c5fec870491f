"""The public pages through the test client: form, double submit, self-service, lost link.

A hypothesis test posts random data to every public page: never a 500.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Locale

from registration.links import manage_url
from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.models import Registration
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

FORM = {
    "title": "",
    "given_name": "Олена",
    "family_name": "Коваленко",
    "email": "olena@example.org",
    "organisation": "Національна поліція України",
    "organisation_type": "police",
    "country": "UA",
    "sex": "female",
    "role": "mentee",
    "interpretation_language": "ru",
    "language": "uk",
    "consent": "on",
}


def register_url(event, lang="en"):
    return f"/{lang}/{event.slug}/register/"


def test_form_page_renders_with_every_field(client):
    event = event_create()
    response = client.get(register_url(event, "ru"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Зарегистрироваться" in html
    for name in (
        "given_name",
        "family_name",
        "badge_name",
        "email",
        "phone",
        "organisation",
        "organisation_type",
        "position",
        "country",
        "sex",
        "role",
        "interpretation_language",
        "access_needs",
        "dietary",
        "visa_letter",
        "language",
        "consent",
    ):
        assert f'name="{name}"' in html, name
    assert "дезагрегированная статистика" in html


def test_empty_post_shows_summary_linking_fields_and_keeps_input(client):
    event = event_create()
    response = client.post(register_url(event, "ru"), {"given_name": "Асель"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert '<a href="#id_family_name">Фамилия: Введите вашу фамилию.</a>' in html
    assert 'aria-describedby="id_family_name_error"' in html or (
        'aria-describedby="id_family_name_helptext id_family_name_error"' in html
    )
    assert 'value="Асель"' in html
    assert Registration.objects.count() == 0


def test_post_registers_redirects_and_double_submit_returns_existing(client):
    event = event_create()
    first = client.post(register_url(event, "uk"), FORM)
    assert first.status_code == 302
    second = client.post(register_url(event, "uk"), {**FORM, "email": "OLENA@example.org"})
    assert second.status_code == 302
    page = client.get(second["Location"])
    assert "Перевірте пошту" in page.content.decode()
    assert Registration.objects.count() == 1
    assert Message.objects.count() == 1  # a double submit: the first e-mail has the link
    reg = Registration.objects.get()
    assert reg.language == "uk"
    assert reg.event_id == event.pk


def test_register_on_russian_copy_belongs_to_source(client):
    event = event_create(translations=())
    ru = event.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru.title = "Региональная конференция"
    ru.save_revision().publish()
    response = client.post(f"/ru/{ru.slug}/register/", FORM)
    assert response.status_code == 302
    assert Registration.objects.get().event_id == event.pk


def form_action(client, event, lang="en") -> str:
    html = client.get(register_url(event, lang)).content.decode()
    return re.search(r'<form method="post" action="([^"]+)"', html).group(1)


def test_form_posts_to_its_own_endpoint_and_comes_back_to_the_event(client):
    """The form skips Wagtail's page routing on submit; the visitor still lands on the
    event's own register page, which says what happened, in the page's language."""
    event = event_create()
    action = form_action(client, event, "uk")
    uk_copy = event.get_translation(Locale.objects.get(language_code="uk"))
    assert action == f"/uk/registration/events/{uk_copy.pk}/register/"
    response = client.post(action, FORM)
    assert response.status_code == 302
    assert response["Location"] == f"{uk_copy.url}register/?done=1"
    assert "olena@example.org" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "olena@example.org" not in page  # the cookie carries the event, not the address
    assert "Перевірте пошту" in page
    assert Registration.objects.get().event_id == event.pk


def test_form_errors_from_the_endpoint_stay_on_the_page(client):
    event = event_create()
    response = client.post(form_action(client, event, "ru"), {"given_name": "Асель"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Фамилия: Введите вашу фамилию." in html
    assert 'value="Асель"' in html
    assert Registration.objects.count() == 0


def test_switching_language_after_errors_goes_to_the_form_in_that_language(client):
    event = event_create()
    action = form_action(client, event, "ru")
    client.post(action, {"given_name": "Асель"})
    en_action = action.replace("/ru/", "/en/", 1)  # what the language switcher links to
    response = client.get(en_action)
    assert response.status_code == 302
    assert response["Location"] == f"{event.url}register/"
    assert client.get(response["Location"]).status_code == 200


def test_endpoint_refuses_unpublished_and_defers_restricted_events(client):
    from wagtail.models import PageViewRestriction

    event = event_create()
    PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.post(f"/en/registration/events/{event.pk}/register/", FORM)
    assert response.status_code == 307  # to the page route, where Wagtail asks for the password
    assert response["Location"] == f"{event.url}register/"
    assert client.post(response["Location"], FORM).status_code == 200  # the password form
    event.unpublish()
    assert client.post(f"/en/registration/events/{event.pk}/register/", FORM).status_code == 404
    assert Registration.objects.count() == 0


def test_endpoint_defers_an_event_below_a_restricted_page_and_serves_its_neighbours(client):
    """A restriction covers the page and every page below it, and nothing beside it."""
    from wagtail.models import PageViewRestriction

    from tests import factories

    event = event_create()
    neighbour = factories.event_create(slug="neighbour", parent=event.get_parent())
    below = factories.event_create(slug="below", parent=event)
    PageViewRestriction.objects.create(
        page=event, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.post(f"/en/registration/events/{below.pk}/register/", FORM)
    assert response.status_code == 307
    assert response["Location"] == f"{below.url}register/"
    response = client.post(f"/en/registration/events/{neighbour.pk}/register/", FORM)
    assert response.status_code == 302
    assert list(Registration.objects.values_list("event", flat=True)) == [neighbour.pk]


def test_a_registration_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Measured, not timed: the queries of one registration through the form's endpoint
    (the event, then its view restrictions, places before and under the lock, the rows, whose
    unique constraint finds a repeat, the e-mail row — left for the sender to render, without
    a lookup of an earlier copy: its key holds the new status change's id — and the wake-up of
    the send task)."""
    event = event_create(capacity=50)
    action = form_action(client, event, "ru")
    client.post(action, {**FORM, "email": "warm@example.org"})
    with django_assert_max_num_queries(15):
        response = client.post(action, FORM)
    assert response.status_code == 302


def test_the_e_mail_names_the_copy_in_its_language_whichever_page_was_registered_on(client):
    """Registering in Ukrainian on the Russian page or on the Ukrainian one: the visitor
    waits for the same queries (the sender looks up the copy in the e-mail's language, not
    the form), and both e-mails name the Ukrainian copy."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = event_create()
    uk_copy = event.get_translation(Locale.objects.get(language_code="uk")).specific
    uk_copy.title = "Регіональна конференція про жінок у правоохоронних органах"
    uk_copy.save_revision().publish()
    on_ru, on_uk = form_action(client, event, "ru"), form_action(client, event, "uk")
    client.post(on_ru, {**FORM, "email": "warm@example.org"})
    with CaptureQueriesContext(connection) as from_ru:
        assert client.post(on_ru, {**FORM, "email": "ru@example.org"}).status_code == 302
    with CaptureQueriesContext(connection) as from_uk:
        assert client.post(on_uk, {**FORM, "email": "uk@example.org"}).status_code == 302
    assert len(from_uk) == len(from_ru)
    assert messages_send_due() == 3
    subjects = {sent.to[0]: sent.subject for sent in mail.outbox}
    assert subjects == dict(Message.objects.values_list("to_email", "subject"))
    assert subjects["ru@example.org"] == subjects["uk@example.org"]
    assert uk_copy.title in subjects["uk@example.org"]


def test_closed_event_shows_notice_not_form(client):
    import datetime as dt

    from django.utils import timezone

    event = event_create(registration_closes=timezone.now() - dt.timedelta(hours=1))
    response = client.get(register_url(event, "ru"))
    assert "Регистрация на это мероприятие закрыта." in response.content.decode()
    assert 'name="given_name"' not in response.content.decode()


def test_manage_confirm_edit_cancel(client):
    event = event_create(capacity=1)
    client.post(register_url(event), FORM)
    client.post(register_url(event), {**FORM, "email": "next@example.org"})
    reg, waiting = Registration.objects.order_by("pk")
    messages_send_due()
    link = re.search(r"http://\S+/manage/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else link
    assert path.startswith("/uk/registration/manage/")
    page = client.get(path)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "Підтвердити адресу" in page.content.decode()
    client.post(path, {"action": "confirm"})
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    edit = {k: v for k, v in FORM.items() if k not in ("email", "role", "consent")}
    response = client.post(path, {**edit, "action": "edit", "interpretation_language": "en"})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.interpretation_language == "en"
    confirm_page = client.get(path + "cancel/")
    assert "Так, скасувати мою реєстрацію" in confirm_page.content.decode()
    client.post(path + "cancel/")
    reg.refresh_from_db()
    waiting.refresh_from_db()
    assert reg.status == "cancelled"
    assert waiting.status == "awaiting_email"  # promoted; its address is still to confirm


def test_manage_edit_errors_stay_on_page(client):
    event = event_create()
    client.post(register_url(event), FORM)
    reg = Registration.objects.get()
    path = manage_url(reg, absolute=False)
    response = client.post(path, {"action": "edit", "given_name": ""})
    assert response.status_code == 400
    assert "Введіть ваше ім’я." in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_tampered_link_gives_clear_page_in_visitor_language(client, lang):
    event = event_create()
    client.post(register_url(event), FORM)
    reg = Registration.objects.get()
    key = manage_url(reg, absolute=False).rstrip("/").rsplit("/", 1)[-1]
    response = client.get(f"/{lang}/registration/manage/{key[:-2]}xx/")
    assert response.status_code == 400
    expected = {
        "en": "This link does not work",
        "ru": "Эта ссылка не работает",
        "uk": "Це посилання не працює",
    }[lang]
    assert expected in response.content.decode()


def test_link_to_deleted_registration_is_410(client):
    event = event_create()
    client.post(register_url(event), FORM)
    reg = Registration.objects.get()
    path = manage_url(reg, absolute=False)
    Registration.objects.all().delete()
    response = client.get(path)
    assert response.status_code == 410
    assert "This link does not work" in response.content.decode() or "Це посилання" in (
        response.content.decode()
    )


def test_lost_link_answers_the_same_for_known_and_unknown(client):
    event = event_create()
    client.post(register_url(event), FORM)
    url = f"/ru/registration/events/{event.pk}/lost-link/"
    known = client.post(url, {"email": "olena@example.org"}).content.decode()
    unknown = client.post(url, {"email": "stranger@example.org"}).content.decode()
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert "мы отправили на него ссылку" in known
    assert list(Message.objects.values_list("kind", flat=True)) == ["confirm_email", "link_resend"]


def test_privacy_notice_translated(client):
    response = client.get("/uk/registration/privacy/")
    assert response.status_code == 200
    assert "Повідомлення про конфіденційність" in response.content.decode()
    assert "2026-01" in response.content.decode()


# --- never a 500 ----------------------------------------------------------------------------

FIELDS = [
    *list(FORM),
    "phone",
    "badge_name",
    "access_needs",
    "dietary",
    "visa_letter",
    "invitation_code",
    "action",
    "position",
    "access_needs_other",
]
junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", "KZ", "ru", "+77012345678", "x@y.z", "on", "other", "\x00", "𝔘𝔫𝔦"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=len(FIELDS)))
def test_random_posts_never_cause_a_server_error(client, data):
    from cms.models import EventPage

    event = EventPage.objects.filter(slug="fuzz").first() or event_create(
        slug="fuzz", invitation_only=True, invitation_code="CODE"
    )
    Registration.objects.all().delete()
    cache.clear()  # each example is a new visitor, not the 60th post of one (rate limits)
    for url in (
        register_url(event, "ru"),
        f"/ru/registration/events/{event.pk}/register/",
        f"/en/registration/events/{event.pk}/lost-link/",
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    reg_form = {**FORM, "email": "h@example.org", "invitation_code": "CODE"}
    client.post(register_url(event), reg_form)
    reg = Registration.objects.get()
    path = manage_url(reg, absolute=False)
    for url in (path, path + "cancel/"):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (url, response.status_code)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    key=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
        min_size=1,
        max_size=200,
    )
)
def test_random_links_never_cause_a_server_error(client, key):
    from urllib.parse import quote

    response = client.get(f"/ru/registration/manage/{quote(key, safe='')}/")
    assert response.status_code in (400, 404)
