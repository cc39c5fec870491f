"""Demo data for the post-event report of the mentors' training (idempotent).

Runs after the other registration loaders: it uses their registrations and check-ins. Only when
the training has no check-in at all (the check-in loader has not run) does it record arrivals
itself, so that the report has attendance. Then it adds the follow-up survey with pre/post
self-assessment questions in English, Russian and Ukrainian, answers from most attendees, and
four recommendations attached to sessions. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from registration.checkin.models import CheckIn
from registration.models import Registration, RegistrationStatus
from registration.reports.models import Answer, Question, Recommendation, Survey, SurveyResponse

SLUG = "mentors-training"

SURVEY = {
    "title_en": "Training of mentors: your feedback",
    "title_ru": "Тренинг для наставниц: ваш отзыв",
    "title_uk": "Тренінг для наставниць: ваш відгук",
    "intro_en": "Five minutes, anonymous: your answers shape the next steps of the Mentoring "
    "programme.",
    "intro_ru": "Пять минут, анонимно: ваши ответы определят следующие шаги программы "
    "наставничества.",
    "intro_uk": "П’ять хвилин, анонімно: ваші відповіді визначать наступні кроки програми "
    "наставництва.",
    "anonymous": True,
}

# kind, en, ru, uk, choices (en, ru, uk), phase, pair, required
QUESTIONS = [
    (
        "likert",
        "Before the training: how confident were you in mentoring techniques?",
        "До тренинга: насколько уверенно вы владели техниками наставничества?",
        "До тренінгу: наскільки впевнено ви володіли техніками наставництва?",
        None,
        "pre",
        "techniques",
        True,
    ),
    (
        "likert",
        "After the training: how confident are you in mentoring techniques?",
        "После тренинга: насколько уверенно вы владеете техниками наставничества?",
        "Після тренінгу: наскільки впевнено ви володієте техніками наставництва?",
        None,
        "post",
        "techniques",
        True,
    ),
    (
        "likert",
        "Before the training: how well could you recognise discrimination in the workplace?",
        "До тренинга: насколько хорошо вы распознавали дискриминацию на работе?",
        "До тренінгу: наскільки добре ви розпізнавали дискримінацію на роботі?",
        None,
        "pre",
        "discrimination",
        True,
    ),
    (
        "likert",
        "After the training: how well can you recognise discrimination in the workplace?",
        "После тренинга: насколько хорошо вы распознаёте дискриминацию на работе?",
        "Після тренінгу: наскільки добре ви розпізнаєте дискримінацію на роботі?",
        None,
        "post",
        "discrimination",
        True,
    ),
    (
        "single",
        "Was the length of the training right?",
        "Подходящей ли была продолжительность тренинга?",
        "Чи була тривалість тренінгу доречною?",
        (
            "Too short\nAbout right\nToo long",
            "Слишком короткий\nВ самый раз\nСлишком длинный",
            "Закороткий\nСаме те\nЗадовгий",
        ),
        "",
        "",
        False,
    ),
    (
        "multiple",
        "Which modules will you use most in your work?",
        "Какие модули вы будете чаще всего использовать в работе?",
        "Які модулі ви найчастіше використовуватимете в роботі?",
        (
            "Mentoring techniques\nSelf-regulation and resilience\nPreventing discrimination\n"
            "Gender norms",
            "Техники наставничества\nСаморегуляция и устойчивость\nПредотвращение "
            "дискриминации\nГендерные нормы",
            "Техніки наставництва\nСаморегуляція та стійкість\nЗапобігання дискримінації\n"
            "Гендерні норми",
        ),
        "",
        "",
        False,
    ),
    (
        "text",
        "What should the programme do next?",
        "Что программе стоит сделать дальше?",
        "Що програмі варто зробити далі?",
        None,
        "",
        "",
        False,
    ),
]

OPEN_ANSWERS = [
    ("uk", "Більше практичних вправ і розбору реальних випадків."),
    ("uk", "Зустрічі наставниць раз на місяць онлайн."),
    ("en", "A short guide for mentees, so they know what to expect."),
    ("uk", "Залучити керівників підрозділів до наступного модуля."),
    ("ru", "Больше времени на модуль о дискриминации."),
    ("uk", "Супервізія для наставниць після перших трьох місяців."),
]

RECOMMENDATIONS = [
    (
        "Module 1: Mentoring techniques",
        "Hold monthly online peer meetings of mentors, moderated by the trainers, for the first "
        "six months of the programme.",
    ),
    (
        "Module 2: Self-regulation and psychological resilience",
        "Offer mentors individual supervision after the first three months of mentoring, to "
        "prevent burnout.",
    ),
    (
        "Module 3: Preventing discrimination in the workplace",
        "Give heads of units a half-day briefing on the programme and on preventing "
        "discrimination, so that mentees are released for their meetings.",
    ),
    (
        "Module 4: Gender norms in a traditionally male-dominated environment",
        "Extend the programme to two more regions in 2027, with this group's mentors as "
        "co-trainers.",
    ),
]


def _event():
    from cms import demo

    return demo.demo_events().get(SLUG)


def _check_ins(event) -> int:
    """Arrivals for the confirmed participants, only if the training has none recorded."""
    if CheckIn.objects.filter(registration__event=event).exists():
        return 0
    made = 0
    confirmed = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).order_by("pk")
    )
    for index, registration in enumerate(confirmed):
        if index == len(confirmed) - 1:
            continue  # one no-show
        days = event.days if index % 6 else event.days[:1]  # a few came on day one only
        for day in days:
            at = dt.datetime.combine(day, dt.time(9, 5 + index), tzinfo=event.tz)
            CheckIn.objects.create(
                registration=registration,
                day=day,
                at=at,
                nonce=f"demo-report:{registration.pk}:{day.isoformat()}",
                device="demo",
            )
            made += 1
    return made


def _survey(event) -> Survey:
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        survey = Survey.objects.create(event=event, **SURVEY)
    if not survey.questions.exists():
        Question.objects.bulk_create(
            [
                Question(
                    survey=survey,
                    sort_order=order,
                    kind=kind,
                    text_en=en,
                    text_ru=ru,
                    text_uk=uk,
                    choices_en=choices[0] if choices else "",
                    choices_ru=choices[1] if choices else "",
                    choices_uk=choices[2] if choices else "",
                    phase=phase,
                    pair=pair,
                    required=required,
                )
                for order, (kind, en, ru, uk, choices, phase, pair, required) in enumerate(
                    QUESTIONS
                )
            ]
        )
    return survey


def _responses(event, survey: Survey) -> int:
    """Answers from all attendees but every seventh, reproducible from the registration."""
    questions = list(survey.questions.all())
    attendees = (
        Registration.objects.filter(event=event, checkins__isnull=False).distinct().order_by("pk")
    )
    answered = set(
        SurveyResponse.objects.filter(survey=survey).values_list("registration_id", flat=True)
    )
    made = 0
    for index, registration in enumerate(attendees):
        if index % 7 == 6 or registration.pk in answered:
            continue
        rng = random.Random(registration.pk)  # noqa: S311 — demo data, not security
        response = SurveyResponse.objects.create(
            survey=survey,
            registration=registration,
            language=registration.language,
            submitted_at=timezone.now() - dt.timedelta(days=1, minutes=index * 7),
        )
        answers = []
        for question in questions:
            if question.phase == "pre":
                answers.append(
                    Answer(response=response, question=question, value=rng.choice((1, 2, 2, 3, 3)))
                )
            elif question.phase == "post":
                answers.append(
                    Answer(response=response, question=question, value=rng.choice((3, 4, 4, 5, 5)))
                )
            elif question.kind == "single":
                answers.append(
                    Answer(response=response, question=question, value=rng.choice((0, 1, 1, 1, 2)))
                )
            elif question.kind == "multiple":
                for value in sorted(rng.sample(range(4), rng.randint(1, 3))):
                    answers.append(Answer(response=response, question=question, value=value))
            elif index < len(OPEN_ANSWERS) * 2 and index % 2 == 0:
                answers.append(
                    Answer(response=response, question=question, text=OPEN_ANSWERS[index // 2][1])
                )
        Answer.objects.bulk_create(answers)
        made += 1
    return made


def _recommendations(event) -> int:
    if Recommendation.objects.filter(event=event).exists():
        return 0
    sessions = {session.title: session for session in event.sessions.all()}
    for order, (title, text) in enumerate(RECOMMENDATIONS):
        Recommendation.objects.create(
            event=event, text=text, order=order, session=sessions.get(title)
        )
    return len(RECOMMENDATIONS)


@transaction.atomic
def load() -> None:
    """Survey, answers and recommendations for the mentors' training (once)."""
    event = _event()
    if event is None:
        return
    checkins = _check_ins(event)
    survey = _survey(event)
    responses = _responses(event, survey)
    recommendations = _recommendations(event)
    print(
        f"  Report of {SLUG}: {checkins} check-ins, {responses} survey responses, "
        f"{recommendations} recommendations added."
    )
