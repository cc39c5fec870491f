"""The one set of factories every test builds its rows with (factory_boy).

Dates are relative to a reference day, the ``today`` parameter of ``EventPageFactory``. It
defaults to the clock's date only because the services under test (is registration open, is
this a day of the event) compare against the clock; a test that wants a calendar of its own
passes ``today=`` or the dates themselves. The older builder names (``event_create``,
``session_create``) are kept as thin names over the factories.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale

from cms.models import (
    BackgroundPaper,
    BackgroundPaperDocument,
    EventPage,
    HomePage,
    ProgrammePage,
    Room,
    Session,
    Speaker,
)
from registration.checkin.models import CheckIn
from registration.messaging.models import Message
from registration.models import EventRole, Registration
from registration.permissions import event_role_assign
from registration.reports.models import Answer, Question, Survey, SurveyResponse

STAFF_PASSWORD = "pw-checkin-123"


def today_in(tz_name: str) -> dt.date:
    """The date it is now in ``tz_name`` (an event's days are local to the event)."""
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tz_name)).date()


class HomePageFactory(factory.django.DjangoModelFactory):
    """The home page in en, ru and uk as ``load_demo`` makes it (made once, then reused)."""

    class Meta:
        model = HomePage

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from cms import demo

        return demo.load_home()


class EventPageFactory(factory.django.DjangoModelFactory):
    """A published English event page under the home page (or ``parent``).

    Parameters: ``today`` (the reference day), ``starts_in_days`` and ``length_days``.
    Traits: ``happening_today`` (first day is today in the event's time zone, so scans are
    due), ``past`` (ended nine days ago, in Kyiv). After creation: ``translations=("ru",)``
    publishes copies in those locales; ``agenda=True`` adds a session on the first morning and
    a working group on the last (made after the copies, so the copies lag behind);
    ``publish=False`` leaves a draft.
    """

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    class Params:
        today = factory.LazyFunction(timezone.localdate)
        starts_in_days = 30
        length_days = 2
        happening_today = factory.Trait(
            today=factory.LazyAttribute(lambda o: today_in(o.time_zone)), starts_in_days=0
        )
        past = factory.Trait(
            starts_in_days=-10,
            title="Training of Mentors",
            time_zone="Europe/Kyiv",
            city="Kyiv",
            country="UA",
        )

    parent = factory.LazyFunction(lambda: HomePageFactory())
    publish = True
    title = "Regional Conference on Women in Law Enforcement"
    slug = factory.Sequence(lambda n: f"event-{n + 1}")
    start_date = factory.LazyAttribute(lambda o: o.today + dt.timedelta(days=o.starts_in_days))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=o.length_days - 1))
    time_zone = "Asia/Almaty"
    venue_name = "Hotel Rixos President"
    city = "Astana"
    country = "KZ"
    languages = factory.LazyFunction(lambda: ["en", "ru"])
    interpretation_languages = factory.LazyFunction(lambda: ["en", "ru"])
    capacity = 100
    locale = factory.LazyFunction(Locale.get_default)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent")
        publish = kwargs.pop("publish")
        event = model_class(live=publish, **kwargs)
        parent.add_child(instance=event)
        revision = event.save_revision()
        if publish:
            revision.publish()
        return model_class.objects.get(pk=event.pk)

    @factory.post_generation
    def translations(obj, create, extracted, **kwargs):
        for code in extracted or ():
            copy = obj.copy_for_translation(Locale.objects.get(language_code=code))
            copy.save_revision().publish()

    @factory.post_generation
    def agenda(obj, create, extracted, **kwargs):
        if not extracted:
            return
        SessionFactory(page=obj, title="Opening plenary")
        SessionFactory(
            page=obj,
            day=obj.end_date,
            start_time=dt.time(9, 0),
            end_time=dt.time(12, 0),
            title="Working groups",
            kind="working_group",
        )


class ProgrammePageFactory(factory.django.DjangoModelFactory):
    """A published English programme page under the home page (or ``parent``), running from
    ``starts_in_days`` for ``length_days`` after ``today``. Its events are made with
    ``EventPageFactory(parent=programme)``; ``translations=("ru",)`` publishes copies."""

    class Meta:
        model = ProgrammePage
        skip_postgeneration_save = True

    class Params:
        today = factory.LazyFunction(timezone.localdate)
        starts_in_days = -30
        length_days = 270

    parent = factory.LazyFunction(lambda: HomePageFactory())
    publish = True
    title = "Pilot mentoring programme for women in the police"
    slug = factory.Sequence(lambda n: f"programme-{n + 1}")
    start_date = factory.LazyAttribute(lambda o: o.today + dt.timedelta(days=o.starts_in_days))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=o.length_days - 1))
    locale = factory.LazyFunction(Locale.get_default)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.pop("parent")
        publish = kwargs.pop("publish")
        page = model_class(live=publish, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        return model_class.objects.get(pk=page.pk)

    @factory.post_generation
    def translations(obj, create, extracted, **kwargs):
        for code in extracted or ():
            copy = obj.copy_for_translation(Locale.objects.get(language_code=code))
            copy.save_revision().publish()


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = "Plenary hall"
    locale = factory.LazyFunction(Locale.get_default)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    organisation = "OSCE"
    locale = factory.LazyFunction(Locale.get_default)


class SessionFactory(factory.django.DjangoModelFactory):
    """A morning session on the event's first day."""

    class Meta:
        model = Session

    page = factory.SubFactory(EventPageFactory)
    day = factory.LazyAttribute(lambda o: o.page.start_date)
    start_time = dt.time(9, 0)
    end_time = dt.time(10, 30)
    title = "Opening plenary"
    kind = "opening"
    interpretation_languages = factory.LazyFunction(lambda: ["en", "ru"])


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed participant; a trait per other status (``waitlisted=True``, ...)."""

    class Meta:
        model = Registration

    class Params:
        awaiting_email = factory.Trait(status="awaiting_email")
        awaiting_approval = factory.Trait(status="awaiting_approval")
        waitlisted = factory.Trait(status="waitlisted")
        declined = factory.Trait(status="declined")
        cancelled = factory.Trait(status="cancelled")
        expired = factory.Trait(status="expired")

    event = factory.SubFactory(EventPageFactory)
    status = "confirmed"
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = "Ministry of Internal Affairs"
    organisation_type = "police"
    country = "KZ"
    sex = "female"
    role = "participant"
    interpretation_language = "ru"
    language = "en"
    consent_version = "2026-01"
    consent_at = factory.LazyFunction(timezone.now)


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff user (password ``STAFF_PASSWORD``); ``roles=[...]`` with ``roles__event=event``
    gives them roles on the event, and the admin access those roles give."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n + 1}")
    password = factory.django.Password(STAFF_PASSWORD)
    first_name = "Anna"
    last_name = "Petrenko"

    @factory.post_generation
    def roles(obj, create, extracted, event=None, **kwargs):
        for role in extracted or ():
            event_role_assign(user=obj, event=event, role=role)


class EventRoleFactory(factory.django.DjangoModelFactory):
    """A role on an event, given through ``event_role_assign`` (which also adds the group)."""

    class Meta:
        model = EventRole

    user = factory.SubFactory(StaffUserFactory)
    event = factory.SubFactory(EventPageFactory)
    role = "checkin"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return event_role_assign(**kwargs)


class CheckInFactory(factory.django.DjangoModelFactory):
    """A scan at 09:00 on the event's first day."""

    class Meta:
        model = CheckIn

    registration = factory.SubFactory(RegistrationFactory)
    day = factory.LazyAttribute(lambda o: o.registration.event.start_date)
    at = factory.LazyAttribute(
        lambda o: timezone.make_aware(dt.datetime.combine(o.day, dt.time(9, 0)))
    )
    nonce = factory.LazyFunction(lambda: secrets.token_hex(16))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = None  # pass survey=...
    sort_order = factory.Sequence(int)
    kind = "text"
    text_i18n = factory.Sequence(lambda n: {"en": f"Question {n}?"})


#: The standard questionnaire of a survey: (kind, fields); answers go in this order.
STANDARD_QUESTIONS = [
    (
        "likert",
        {
            "text_i18n": {
                "en": "Before the training, how well did you know mentoring methods?",
                "ru": "Насколько хорошо вы знали методы наставничества до тренинга?",
                "uk": "Наскільки добре ви знали методи наставництва до тренінгу?",
            },
            "phase": "pre",
            "pair": "knowledge",
        },
    ),
    (
        "likert",
        {
            "text_i18n": {
                "en": "After the training, how well do you know mentoring methods?",
                "ru": "Насколько хорошо вы знаете методы наставничества после тренинга?",
                "uk": "Наскільки добре ви знаєте методи наставництва після тренінгу?",
            },
            "phase": "post",
            "pair": "knowledge",
            "required": True,
        },
    ),
    (
        "single",
        {
            "text_i18n": {
                "en": "Was the length right?",
                "ru": "Подходящая ли была продолжительность?",
            },
            "choices_i18n": {
                "en": "Too short\nRight\nToo long",
                "ru": "Слишком коротко\nВ самый раз\nСлишком долго",
            },
        },
    ),
    (
        "multiple",
        {
            "text_i18n": {"en": "Which sessions were most useful?"},
            "choices_i18n": {"en": "Case studies\nRole play\nPanel"},
        },
    ),
    ("text", {"text_i18n": {"en": "What should we change?"}}),
]


class SurveyFactory(factory.django.DjangoModelFactory):
    """A survey of a past event with the five ``STANDARD_QUESTIONS`` (``questions=False``: none)."""

    class Meta:
        model = Survey
        skip_postgeneration_save = True

    event = factory.SubFactory(EventPageFactory, past=True)
    title_i18n = factory.LazyFunction(
        lambda: {
            "en": "How was the training?",
            "ru": "Как прошёл тренинг?",
            "uk": "Як пройшов тренінг?",
            "kk": "Тренинг қалай өтті?",
        }
    )
    anonymous = False

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        if extracted is False:
            return
        Question.objects.bulk_create(
            Question(survey=obj, sort_order=i, kind=kind, **fields)
            for i, (kind, fields) in enumerate(STANDARD_QUESTIONS)
        )


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """A response; ``answers=[...]`` in question order: an int, a list of ints, a text or None."""

    class Meta:
        model = SurveyResponse
        skip_postgeneration_save = True

    survey = factory.SubFactory(SurveyFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..survey.event")
    )
    language = "en"

    @factory.post_generation
    def answers(obj, create, extracted, **kwargs):
        if extracted is None:
            return
        questions = list(obj.survey.questions.all())
        for question, value in zip(questions, extracted, strict=True):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                Answer.objects.create(response=obj, question=question, text=value)
            else:
                for v in value if isinstance(value, list) else [value]:
                    Answer.objects.create(response=obj, question=question, value=v)


class MessageFactory(factory.django.DjangoModelFactory):
    """An outbox row for a registration (pending unless ``status=`` says otherwise)."""

    class Meta:
        model = Message

    registration = factory.SubFactory(RegistrationFactory)
    event = factory.LazyAttribute(lambda o: o.registration.event)
    kind = "confirmed"
    dedupe_key = factory.Sequence(lambda n: f"test:message:{n}")
    to_email = factory.LazyAttribute(lambda o: o.registration.email)
    language = "en"
    subject = "Your registration is confirmed"
    body_text = "See you there."


def event_create(*, parent=None, **fields) -> EventPage:
    """Thin name over ``EventPageFactory`` (kept for the tests that call it)."""
    if parent is not None:
        fields["parent"] = parent
    return EventPageFactory(**fields)


def session_create(event: EventPage, **fields) -> Session:
    """Thin name over ``SessionFactory`` (kept for the tests that call it)."""
    return SessionFactory(page=event, **fields)


def privacy_page_create(*, version: str = "2026-01", translations: tuple[str, ...] = ()):
    """Publish the privacy notice (English, and copies in ``translations``) under the home
    page, or publish a new ``version`` of the existing one (copies follow)."""
    from cms.models import PrivacyPage

    home = HomePageFactory()
    page = PrivacyPage.objects.filter(locale=Locale.get_default()).first()
    if page is None:
        page = PrivacyPage(
            title="Privacy notice",
            slug="privacy",
            version=version,
            body="<p>We keep your details to organise the event.</p>",
            locale=Locale.get_default(),
        )
        home.add_child(instance=page)
    page.version = version
    page.save_revision().publish()
    for code in translations:
        locale = Locale.objects.get(language_code=code)
        copy = PrivacyPage.objects.filter(translation_key=page.translation_key, locale=locale)
        copy = copy.first() or page.copy_for_translation(locale, copy_parents=True)
        copy.version = version
        copy.title = {"ru": "Уведомление о конфиденциальности"}.get(code, f"Privacy ({code})")
        copy.save_revision().publish()
    return PrivacyPage.objects.get(pk=page.pk)


def paper_create(page: EventPage, documents: dict, **fields) -> BackgroundPaper:
    """A background paper of ``page`` with one document per language (``{code: document}``)."""
    paper = BackgroundPaper.objects.create(page=page, **fields)
    BackgroundPaperDocument.objects.bulk_create(
        BackgroundPaperDocument(paper=paper, language=code, document=document, sort_order=i)
        for i, (code, document) in enumerate(documents.items())
    )
    return paper
