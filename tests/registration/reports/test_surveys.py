"""Follow-up surveys: one response per participant, clear errors, reminders sent once."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from registration.links import manage_url, registration_from_key, sign_key
from registration.messaging.models import Message
from registration.reports.models import Answer, Question, SurveyResponse
from registration.reports.services.surveys import SurveyError, survey_remind, survey_submit
from tests.factories import CheckInFactory, EventPageFactory, RegistrationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    event = EventPageFactory(past=True)
    survey = SurveyFactory(event=event)
    registration = RegistrationFactory(event=event, given_name="Aida", language="ru")
    CheckInFactory(registration=registration, day=event.days[0])
    return event, survey, registration, list(survey.questions.all())


def url_for(registration, lang="en"):
    with translation.override(lang):
        return reverse("reports:survey", args=[sign_key(registration, purpose="survey")])


def valid_post(questions, **overrides):
    data = {
        f"q_{questions[0].pk}": "2",
        f"q_{questions[1].pk}": "4",
        f"q_{questions[2].pk}": "1",
        f"q_{questions[3].pk}": ["0", "2"],
        f"q_{questions[4].pk}": "More practice",
    }
    data.update(overrides)
    return data


def test_survey_submit_records_one_response_with_answers(setup):
    _event, survey, registration, qs = setup

    response = survey_submit(
        registration=registration,
        survey=survey,
        answers={qs[0].pk: 2, qs[1].pk: 4, qs[2].pk: 1, qs[3].pk: [0, 2], qs[4].pk: "Good"},
        language="ru",
    )

    assert response.language == "ru"
    rows = sorted(
        Answer.objects.filter(response=response).values_list(
            "question__sort_order", "value", "text"
        )
    )
    assert rows == [(0, 2, ""), (1, 4, ""), (2, 1, ""), (3, 0, ""), (3, 2, ""), (4, None, "Good")]


def test_survey_submit_twice_keeps_the_first_response(setup):
    _event, survey, registration, qs = setup
    survey_submit(registration=registration, survey=survey, answers={qs[1].pk: 4}, language="en")

    with pytest.raises(SurveyError) as exc:
        survey_submit(
            registration=registration, survey=survey, answers={qs[1].pk: 1}, language="en"
        )

    assert exc.value.code == "already_answered"
    assert SurveyResponse.objects.filter(registration=registration).count() == 1
    assert list(Answer.objects.values_list("value", flat=True)) == [4]


@pytest.mark.parametrize(
    ("index", "value"), [(0, 6), (0, 0), (2, 3), (3, [0, 7]), (2, [0, 1]), (0, "x")]
)
def test_survey_submit_out_of_range_saves_nothing(setup, index, value):
    _event, survey, registration, qs = setup

    with pytest.raises(SurveyError) as exc:
        survey_submit(
            registration=registration,
            survey=survey,
            answers={qs[1].pk: 3, qs[index].pk: value},
            language="en",
        )

    assert (exc.value.code, exc.value.field) == ("out_of_range", str(qs[index].pk))
    assert SurveyResponse.objects.count() == 0


def test_survey_submit_refuses_closed_survey_and_waitlisted(setup):
    event, survey, _registration, qs = setup
    waitlisted = RegistrationFactory(event=event, waitlisted=True)
    with pytest.raises(SurveyError) as exc:
        survey_submit(registration=waitlisted, survey=survey, answers={qs[1].pk: 3}, language="en")
    assert exc.value.code == "not_eligible"

    survey.is_open = False
    survey.save()
    with pytest.raises(SurveyError) as exc:
        survey_submit(
            registration=_registration, survey=survey, answers={qs[1].pk: 3}, language="en"
        )
    assert exc.value.code == "closed"


def test_survey_page_shows_questions_in_the_page_language(client, setup):
    _event, _survey, registration, _qs = setup

    ru = client.get(url_for(registration, "ru"))
    uk = client.get(url_for(registration, "uk"))

    assert ru.status_code == 200
    assert "Насколько хорошо вы знали методы наставничества до тренинга?" in ru.text
    assert "Слишком коротко" in ru.text
    assert "Наскільки добре ви знали методи наставництва до тренінгу?" in uk.text
    # no Ukrainian choices given: the English ones are shown
    assert "Too short" in uk.text
    assert "private" in ru["Cache-Control"]
    assert "no-store" in ru["Cache-Control"]


def test_survey_page_submit_then_link_again_and_submit_again(client, setup):
    _event, _survey, registration, qs = setup
    url = url_for(registration)

    first = client.post(url, valid_post(qs), follow=True)
    again = client.get(url)
    second = client.post(url, valid_post(qs, **{f"q_{qs[1].pk}": "1"}), follow=True)

    assert "Thank you: your answers have been recorded." in first.text
    assert "You answered this survey on" in again.text
    assert "<form" not in again.text.split('id="main"')[1]
    assert "You have already answered this survey; your first answers are kept." in second.text
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.get(question=qs[1]).value == 4


def test_survey_page_out_of_range_error_in_russian(client, setup):
    _event, _survey, registration, qs = setup

    response = client.post(url_for(registration, "ru"), valid_post(qs, **{f"q_{qs[1].pk}": "9"}))

    assert response.status_code == 400
    assert "Выберите значение от 1 до 5." in response.text
    # what was typed is kept
    assert "More practice" in response.text
    assert SurveyResponse.objects.count() == 0


def test_survey_page_required_answer_missing(client, setup):
    _event, _survey, registration, qs = setup
    data = valid_post(qs)
    del data[f"q_{qs[1].pk}"]

    response = client.post(url_for(registration), data)

    assert response.status_code == 400
    assert "This question needs an answer." in response.text
    assert SurveyResponse.objects.count() == 0


def test_survey_link_tampered_or_for_another_purpose(client, setup):
    _event, _survey, registration, _qs = setup
    manage_key = sign_key(registration, purpose="manage")

    tampered = client.get(url_for(registration)[:-3] + "xx/")
    wrong_purpose = client.get(reverse("reports:survey", args=[manage_key]))

    assert tampered.status_code == 400
    assert wrong_purpose.status_code == 400
    assert "This link does not work" in wrong_purpose.text


def test_survey_page_for_a_waitlisted_person_is_refused(client, setup):
    event, _survey, _registration, _qs = setup
    waitlisted = RegistrationFactory(event=event, waitlisted=True)

    response = client.get(url_for(waitlisted))

    assert "This survey is for the event’s confirmed participants only." in response.text


def test_survey_remind_queues_once_to_those_who_have_not_answered(
    setup, django_capture_on_commit_callbacks
):
    event, survey, registration, qs = setup
    answered = RegistrationFactory(event=event, language="en")
    CheckInFactory(registration=answered, day=event.days[1])
    survey_submit(registration=answered, survey=survey, answers={qs[1].pk: 5}, language="en")
    not_attended = RegistrationFactory(event=event)  # confirmed, but never came

    with django_capture_on_commit_callbacks():
        first = survey_remind(event=event)
        second = survey_remind(event=event)

    assert (first, second) == (1, 0)
    message = Message.objects.get()
    assert message.registration == registration
    assert message.kind == "survey_reminder"
    assert message.dedupe_key == f"survey_reminder:{survey.pk}:{registration.pk}"
    # The signed key carries a timestamp, so compare where the link leads, not its bytes.
    match = re.search(r"/ru/registration/survey/([^/\s]+)/", message.body_text)
    assert match, "no survey link in the reminder"
    assert registration_from_key(match.group(1), purpose="survey").pk == registration.pk
    assert message.subject.startswith("Напоминание")  # Aida reads Russian
    assert not Message.objects.filter(registration=not_attended).exists()


def test_manage_page_links_to_the_survey(client, setup):
    _event, _survey, registration, _qs = setup

    response = client.get(manage_url(registration, absolute=False))

    # Aida reads Russian: her personal link opens her page in Russian
    assert response.status_code == 200
    assert "Ответить на анкету" in response.text
    # The signed key carries a timestamp, so compare where the link leads, not its bytes.
    match = re.search(r'href="/ru/registration/survey/([^"/]+)/"', response.text)
    assert match, "no survey link on the page"
    assert registration_from_key(match.group(1), purpose="survey").pk == registration.pk


def test_question_choices_must_match_in_every_language():
    event = EventPageFactory(past=True)
    survey = SurveyFactory(event=event)
    question = Question(
        survey=survey,
        kind="single",
        text_i18n={"en": "Q"},
        choices_i18n={"en": "A\nB", "ru": "А"},
    )

    with pytest.raises(ValidationError) as exc:
        question.clean()

    assert "choices_i18n" in exc.value.message_dict
