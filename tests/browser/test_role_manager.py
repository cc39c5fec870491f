"""The registration manager's story in Chromium, in English and in Russian: a user whose only
role is registration manager on one event (like the demo's ``registrations`` user) opens the
registration dashboard, follows "Approvals pending" to the Participants list filtered to those
people, finds Айгуль Нурланова by typing her name in Cyrillic and in Latin, and approves her.

Screenshots go to $SHOTS_DIR/manager-*.png.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from registration.models import Registration
from tests.browser.test_scanner import login
from tests.factories import EventPageFactory, RegistrationFactory, StaffUserFactory
from tests.shots import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


#: What the user reads, per staff language.
TEXT = {
    "en": {
        "dashboard": "Registration dashboard",
        "event": "Registration dashboard: Astana conference",
        "pending": "Approvals pending",
        "approved": "1 registration approved.",
        "confirmed": "Confirmed",
    },
    "ru": {
        "dashboard": "Панель регистрации",
        "event": "Панель регистрации: Astana conference",
        "pending": "Ожидают одобрения",
        "approved": "Одобрена 1 регистрация.",
        "confirmed": "Подтверждена",
    },
}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"manager-{name}.png"), full_page=True)


def manager(event, language: str):
    """Like the demo's ``registrations`` user: registration manager on this one event."""
    user = StaffUserFactory(
        username=f"registrations-{language}",
        first_name="Oksana",
        last_name="Melnyk",
        roles=["registration_manager"],
        roles__event=event,
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def names_listed(page) -> list[str]:
    """The family names in the Participants table, in order."""
    return [
        text.split()[-1]
        for text in page.locator("#listing-results tbody tr td.title").all_inner_texts()
    ]


def search(page, query: str) -> None:
    """Type into the list's search box as a person does; wait for the list to answer."""
    box = page.locator("input[name='q']")
    box.fill(query)
    box.press("Enter")
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=query)
    page.wait_for_function(
        "() => document.querySelectorAll('#listing-results tbody tr').length === 1"
    )


@pytest.mark.parametrize("language", ["en", "ru"])
def test_registration_manager_dashboard_search_and_approve(live_server, page, axe, language):
    text = TEXT[language]
    event = EventPageFactory(title="Astana conference", needs_approval=True, capacity=50)
    elsewhere = EventPageFactory(title="Kyiv training", slug="kyiv-training")
    aigul = RegistrationFactory(
        event=event,
        awaiting_approval=True,
        given_name="Айгуль",
        family_name="Нурланова",
        organisation="Академия МВД",
    )
    RegistrationFactory(
        event=event, awaiting_approval=True, given_name="Olena", family_name="Kovalenko"
    )
    RegistrationFactory(event=event, given_name="John", family_name="Smith")
    RegistrationFactory(
        event=elsewhere, awaiting_approval=True, given_name="Айгуль", family_name="Нурлановна"
    )
    login(page.context, live_server, manager(event, language))

    page.goto(live_server.url + reverse("registration_dashboard:index"))
    index_title = page.title()
    index_events = page.locator("main tbody th").all_inner_texts()
    shot(page, f"{language}-index")
    index_axe = axe(page)

    page.get_by_role("link", name="Astana conference").click()
    page.wait_for_url(f"**{reverse('registration_dashboard:event', args=[event.pk])}")
    dashboard_title = page.title()
    pending_row = page.locator("tr", has=page.get_by_role("link", name=text["pending"], exact=True))
    pending_count = pending_row.locator("td").inner_text()
    shot(page, f"{language}-dashboard")
    dashboard_axe = axe(page)

    page.get_by_role("link", name=text["pending"], exact=True).click()
    page.wait_for_selector("#listing-results tbody tr")
    filtered = sorted(names_listed(page))
    shot(page, f"{language}-pending")
    pending_axe = axe(page)

    search(page, "нурланова")
    cyrillic = names_listed(page)
    shot(page, f"{language}-search-cyrillic")
    search_axe = axe(page)
    search(page, "Nurlanova")
    latin = names_listed(page)
    shot(page, f"{language}-search-latin")

    page.locator("#listing-results tbody tr").first.locator("input.bulk-action-checkbox").check()
    page.locator("[data-bulk-action-footer] a[href*='/approve/']").click()
    page.wait_for_selector("main form button[type='submit']")
    confirm_text = page.locator("main").inner_text()
    shot(page, f"{language}-approve-confirm")
    confirm_axe = axe(page)
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_selector(".messages")
    message = page.locator(".messages").inner_text()
    shot(page, f"{language}-approved")

    assert index_title.startswith(text["dashboard"] + " - ")
    assert index_events == ["Astana conference"]  # not the event they have no role on
    assert dashboard_title.startswith(text["event"] + " - ")
    assert pending_count == "2"
    assert filtered == ["Kovalenko", "Нурланова"]  # pending only, their event only
    assert cyrillic == ["Нурланова"]
    assert latin == ["Нурланова"]
    assert "Айгуль Нурланова — Академия МВД" in confirm_text
    assert text["approved"] in message
    aigul.refresh_from_db()
    assert aigul.status == "confirmed"
    assert Registration.objects.filter(status="awaiting_approval").count() == 2
    assert index_axe == dashboard_axe == pending_axe == search_axe == confirm_axe == []
