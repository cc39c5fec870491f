"""A new participant in Chromium, in Russian and in English: register, confirm, change, cancel.

Open the event in the language, press «Зарегистрироваться», submit the empty form and read
the errors, fill it in, submit twice quickly, get one registration and one e-mail, confirm the
address through the link in that e-mail, change the interpretation language, cancel.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from registration.messaging.models import Message
from registration.messaging.services.sending import messages_send_due
from registration.models import Registration
from tests.registration.registration_helpers import event_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ru": {
        "register": "Зарегистрироваться",
        "given_name_error": "Введите ваше имя.",
        "consent_error": "Чтобы зарегистрироваться, подтвердите согласие",
        "summary": "Исправьте, пожалуйста, следующее",
        "given_name": "Имя",
        "family_name": "Фамилия",
        "email": "Электронная почта",
        "organisation": "Организация",
        "organisation_type": "Полиция или другой правоохранительный орган",
        "country": "Казахстан",
        "sex": "Женский",
        "interpretation": "Русский",
        "new_interpretation": "English",
        "consent": "Я согласен(на) с уведомлением о конфиденциальности",
        "check_email": "Проверьте почту",
        "confirm": "Подтвердить адрес",
        "confirmed": "Спасибо: ваш адрес электронной почты подтверждён.",
        "save": "Сохранить изменения",
        "saved": "Изменения сохранены.",
        "cancel": "Отменить мою регистрацию",
        "cancel_yes": "Да, отменить мою регистрацию",
        "cancelled": "Ваша регистрация отменена. Мы отправили вам письмо.",
        "subject": "Подтвердите регистрацию",
    },
    "en": {
        "register": "Register",
        "given_name_error": "Enter your given name.",
        "consent_error": "To register, agree to the privacy notice.",
        "summary": "Please correct the following",
        "given_name": "Given name",
        "family_name": "Family name",
        "email": "E-mail",
        "organisation": "Organisation",
        "organisation_type": "Police or other law enforcement",
        "country": "Kazakhstan",
        "sex": "Female",
        "interpretation": "Русский",
        "new_interpretation": "English",
        "consent": "I agree to the privacy notice",
        "check_email": "Check your e-mail",
        "confirm": "Confirm my e-mail address",
        "confirmed": "Thank you: your e-mail address is confirmed.",
        "save": "Save changes",
        "saved": "Your changes are saved.",
        "cancel": "Cancel my registration",
        "cancel_yes": "Yes, cancel my registration",
        "cancelled": "Your registration is cancelled. We have sent you an e-mail.",
        "subject": "Please confirm your registration",
    },
}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_register_confirm_change_and_cancel(live_server, page, axe, lang):
    t = TEXT[lang]
    event = event_create(
        title="Regional Conference on Women in Law Enforcement",
        slug="astana-like",
        interpretation_languages=["en", "ru"],
    )
    page.goto(f"{live_server.url}/{lang}/astana-like/")
    page.get_by_role("link", name=t["register"], exact=True).first.click()
    page.wait_for_url(re.compile(r"/register/$"))

    # Submit the empty form: every error in the language, on its field and in the summary.
    page.get_by_role("button", name=t["register"]).click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert t["summary"] in summary.inner_text()
    assert t["given_name_error"] in summary.inner_text()
    assert t["consent_error"] in page.locator("#id_consent_error").inner_text()
    assert page.locator("#id_given_name").get_attribute("aria-invalid") == "true"
    assert "id_given_name_error" in page.locator("#id_given_name").get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert axe(page) == []

    # Fill it in; a typed value survives a second round of errors.
    page.get_by_label(t["given_name"], exact=False).first.fill("Айгерим")
    page.get_by_label(t["family_name"], exact=False).first.fill("Сапарова")
    page.locator("#id_email").fill("aigerim@example.kz")
    page.locator("#id_organisation").fill("МВД Республики Казахстан")
    page.locator("#id_organisation_type").select_option(label=t["organisation_type"])
    page.locator("#id_country").select_option(label=t["country"])
    page.get_by_role("radio", name=t["sex"], exact=True).check()
    page.locator("#id_interpretation_language_group").get_by_label(t["interpretation"]).check()
    page.get_by_label(t["consent"]).check()

    # Submit twice quickly: one registration, one e-mail.
    page.get_by_role("button", name=t["register"]).dblclick()
    page.get_by_role("heading", name=t["check_email"]).wait_for()
    assert Registration.objects.count() == 1
    registration = Registration.objects.get()
    assert registration.event_id == event.pk
    assert registration.language == lang
    assert registration.interpretation_language == "ru"
    assert Message.objects.count() == 1
    assert messages_send_due() == 1
    assert len(mail.outbox) == 1
    assert t["subject"] in mail.outbox[0].subject

    # Confirm the address through the link in the e-mail.
    link = re.search(r"https?://\S+/manage/\S+/", mail.outbox[0].body).group(0)
    link = re.sub(r"^https?://[^/]+", live_server.url, link)
    page.goto(link)
    page.get_by_role("button", name=t["confirm"]).click()
    page.get_by_text(t["confirmed"]).wait_for()
    registration.refresh_from_db()
    assert registration.status == ("awaiting_approval" if event.needs_approval else "confirmed")
    assert registration.email_confirmed_at is not None

    # Change the interpretation language.
    page.locator("#id_interpretation_language_group").get_by_label(t["new_interpretation"]).check()
    page.get_by_role("button", name=t["save"]).click()
    page.get_by_text(t["saved"]).wait_for()
    registration.refresh_from_db()
    assert registration.interpretation_language == "en"

    # Cancel, after saying yes.
    page.get_by_role("link", name=t["cancel"]).click()
    page.get_by_role("button", name=t["cancel_yes"]).click()
    page.get_by_text(t["cancelled"]).wait_for()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert list(Message.objects.order_by("pk").values_list("kind", flat=True)) == [
        "confirm_email",
        "confirmed",
        "cancelled",
    ]
