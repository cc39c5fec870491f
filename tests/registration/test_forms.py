"""The registration forms: every error is a translated sentence on its field, nothing is lost."""

from __future__ import annotations

import pytest
from django.utils import translation

from registration.forms import RegistrationEditForm, RegistrationForm, ResendLinkForm
from registration.models.registrations import PARTICIPANT, participant_field_names
from tests.factories import RegistrationFactory
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

VALID = {
    "title": "mx",
    "given_name": "Айгерим",
    "family_name": "O’Brien-Nurlanova",
    "badge_name": "",
    "email": " aigerim@example.kz ",
    "phone": "+7 701 234 5678",
    "organisation": "МВД Республики Казахстан",
    "organisation_type": "police",
    "position": "Инспектор",
    "country": "KZ",
    "sex": "female",
    "role": "participant",
    "interpretation_language": "ru",
    "access_needs": ["wheelchair", "hearing_loop"],
    "access_needs_other": "",
    "dietary": ["halal"],
    "dietary_needs": "",
    "language": "ru",
    "consent": "on",
}


def test_valid_data_is_cleaned():
    event = event_create(interpretation_languages=["en", "ru"])
    form = RegistrationForm(VALID, event=event)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["email"] == "aigerim@example.kz"
    assert str(data["phone"]) == "+77012345678"
    assert data["access_needs"] == ["wheelchair", "hearing_loop"]
    assert data["interpretation_language"] == "ru"


def test_empty_form_errors_are_in_russian_on_their_fields():
    event = event_create(interpretation_languages=["en", "ru"])
    with translation.override("ru"):
        form = RegistrationForm({}, event=event)
        assert not form.is_valid()
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    assert errors == {
        "given_name": ["Введите ваше имя."],
        "family_name": ["Введите вашу фамилию."],
        "email": ["Введите адрес электронной почты."],
        "organisation": ["Введите название вашей организации."],
        "organisation_type": ["Выберите тип вашей организации."],
        "country": ["Выберите вашу страну."],
        "sex": ["Выберите ответ (можно выбрать «Предпочитаю не указывать»)."],
        "role": ["Выберите вашу роль на мероприятии."],
        "interpretation_language": ["Выберите язык, на котором вы будете слушать."],
        "language": ["Выберите язык наших сообщений."],
        "consent": [
            "Чтобы зарегистрироваться, подтвердите согласие с уведомлением о конфиденциальности."
        ],
    }


@pytest.mark.parametrize(
    ("field", "value", "russian"),
    [
        ("email", "not-an-address", "Введите правильный адрес электронной почты."),
        (
            "phone",
            "12",
            "Введите номер телефона в международном формате: со знаком + и кодом страны.",
        ),
        ("given_name", "12345", "Имя должно содержать буквы."),
        (
            "family_name",
            "Smith<script>",
            "В имени можно использовать только буквы, пробелы, дефисы, апострофы и точки.",
        ),
        ("organisation", "Bad\x07org", "Удалите из текста невидимые или управляющие символы."),
        (
            "interpretation_language",
            "kk",
            "Выберите корректный вариант. kk нет среди допустимых значений.",
        ),
        ("country", "XX", "Выберите корректный вариант. XX нет среди допустимых значений."),
    ],
)
def test_each_bad_value_gets_a_russian_sentence_on_its_field(field, value, russian):
    event = event_create(interpretation_languages=["en", "ru"])
    with translation.override("ru"):
        form = RegistrationForm({**VALID, field: value}, event=event)
        assert not form.is_valid()
        assert [str(e) for e in form.errors[field]] == [russian]
        assert list(form.errors) == [field]
    assert form[field].value() == value  # what was typed is kept


def test_other_access_need_must_be_described():
    event = event_create()
    with translation.override("uk"):
        form = RegistrationForm({**VALID, "access_needs": ["other"]}, event=event)
        assert not form.is_valid()
        assert form.errors["access_needs_other"] == [
            "Опишіть іншу потребу щодо доступності, яку ви позначили."
        ]


def test_interpretation_language_limited_to_event_and_absent_when_none():
    event = event_create(interpretation_languages=["en", "kk"])
    form = RegistrationForm(event=event)
    assert [c[0] for c in form.fields["interpretation_language"].choices] == ["en", "kk"]
    no_interpretation = event_create(interpretation_languages=[])
    assert "interpretation_language" not in RegistrationForm(event=no_interpretation).fields


def test_invitation_code_field_only_when_invitation_only():
    assert "invitation_code" not in RegistrationForm(event=event_create()).fields
    event = event_create(invitation_only=True, invitation_code="X1")
    with translation.override("ru"):
        form = RegistrationForm(VALID, event=event)
        assert not form.is_valid()
        assert form.errors["invitation_code"] == ["Введите код из вашего приглашения."]


def test_sex_question_says_why_it_is_asked_and_country_names_are_translated():
    event = event_create()
    with translation.override("ru"):
        form = RegistrationForm(event=event)
        assert "дезагрегированная статистика" in str(form.fields["sex"].help_text)
        assert ("KZ", "Казахстан") in list(form.fields["country"].choices)
        assert [str(label) for _, label in form.fields["sex"].choices] == [
            "Женский",
            "Мужской",
            "Предпочитаю не указывать",
        ]


def test_edit_form_has_no_email_or_role_or_consent():
    event = event_create()
    form = RegistrationEditForm(event=event)
    assert "email" not in form.fields
    assert "role" not in form.fields
    assert "consent" not in form.fields


def test_resend_form_error_in_ukrainian():
    with translation.override("uk"):
        form = ResendLinkForm({"email": ""})
        assert not form.is_valid()
        assert form.errors["email"] == ["Введіть адресу електронної пошти."]


def test_registration_form_asks_for_every_participant_field_by_section():
    event = event_create(interpretation_languages=["en", "ru"])
    form = RegistrationForm(event=event)

    sections = {s["id"]: [field.name for field in s["fields"]] for s in form.sections()}

    assert sections == {
        "about-you": [
            "title",
            "given_name",
            "family_name",
            "badge_name",
            "email",
            "phone",
            "sex",
        ],
        "your-work": ["organisation", "organisation_type", "position", "country", "role"],
        "your-needs": [
            "interpretation_language",
            "access_needs",
            "access_needs_other",
            "dietary",
            "dietary_needs",
            "visa_letter",
            "language",
        ],
    }
    assert {name for names in sections.values() for name in names} == set(participant_field_names())


def test_edit_form_offers_what_the_participant_may_change_from_the_one_list():
    event = event_create(interpretation_languages=["en", "ru"])
    registration = RegistrationFactory(event=event)

    form = RegistrationEditForm(instance=registration, event=event)

    assert list(form.fields) == list(participant_field_names(editable_by=PARTICIPANT))
    assert "email" not in form.fields
    assert "role" not in form.fields


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("given_name", "R2D2", "symbols"),
        ("badge_name", "1234", "no_letters"),
        ("organisation", "OSCE\u200b", "control"),
    ],
)
def test_typed_text_is_checked_by_its_kind_on_every_participant_form(name, value, code):
    event = event_create(interpretation_languages=["en", "ru"])
    registration = RegistrationFactory(event=event)
    edit_data = {**VALID, name: value}

    public = RegistrationForm({**VALID, name: value}, event=event)
    edit = RegistrationEditForm(edit_data, instance=registration, event=event)

    for form in (public, edit):
        assert not form.is_valid()
        assert code in [error.code for error in form.errors.as_data()[name]]
