"""Demo registrations and staff for ``manage.py load_demo`` (idempotent: a second run adds nothing).

About 60 registrations across the three demo events, in every status, with names in Latin and
Cyrillic script and messages in English, Russian and Ukrainian; one staff user per role with a
role on every demo event. Registrations are written directly (with their status history) so
that loading the demo sends no e-mail; try the form to see the e-mails.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from registration.models.registrations import (
    Registration,
    RegistrationStatus,
    StaffRole,
    StatusChange,
    normalise_email,
)
from registration.permissions import event_role_assign, roles_sync_groups

S = RegistrationStatus

#: Cyrillic letters and their Latin spelling, for the demo e-mail addresses.
CYRILLIC = "абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя’"
LATIN = [
    *("a", "b", "v", "g", "g", "d", "e", "ie", "io", "zh", "z", "y", "i", "i", "i", "k"),
    *("l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch"),
    *("_", "y", "_", "e", "iu", "ia", "_"),
]

STAFF = [
    # username, role, first name, last name, password (printed; demo only)
    ("organiser", StaffRole.ORGANISER, "Akmaral", "Azhimamatova", "organiser-demo-2026"),
    (
        "registrations",
        StaffRole.REGISTRATION_MANAGER,
        "Oksana",
        "Melnyk",
        "registrations-demo-2026",
    ),
    ("checkin", StaffRole.CHECKIN, "Bakyt", "Toktogulov", "checkin-demo-2026"),
    ("reporter", StaffRole.REPORTER, "Nigora", "Karimova", "reporter-demo-2026"),
]

PEOPLE = [
    # given, family, sex, country, preferred language
    ("Айгерим", "Сапарова", "female", "KZ", "ru"),
    ("Aigerim", "Bekova", "female", "KZ", "en"),
    ("Динара", "Ахметова", "female", "KZ", "ru"),
    ("Гульнара", "Исмаилова", "female", "KG", "ru"),
    ("Nurgul", "Abdyldaeva", "female", "KG", "en"),
    ("Мадина", "Юсупова", "female", "UZ", "ru"),
    ("Dilnoza", "Rakhimova", "female", "UZ", "en"),
    ("Зарина", "Назарова", "female", "TJ", "ru"),
    ("Ogulbike", "Atayeva", "female", "TM", "ru"),
    ("Олена", "Коваленко", "female", "UA", "uk"),
    ("Ірина", "Шевченко", "female", "UA", "uk"),
    ("Наталія", "Бондаренко", "female", "UA", "uk"),
    ("Оксана", "Ткаченко", "female", "UA", "uk"),
    ("Yuliia", "Kravchenko", "female", "UA", "en"),
    ("Тетяна", "Мельник", "female", "UA", "uk"),
    ("Ana", "Popescu", "female", "MD", "en"),
    ("Анна", "Петросян", "female", "AM", "ru"),
    ("Nino", "Beridze", "female", "GE", "en"),
    ("Elena", "Ivanović", "female", "RS", "en"),
    ("Maria", "Huber", "female", "AT", "en"),
    ("Sarah", "O’Connor", "female", "IE", "en"),
    ("Johanna", "Schmidt", "female", "DE", "en"),
    ("Елена", "Смирнова", "female", "KZ", "ru"),
    ("Светлана", "Ким", "female", "UZ", "ru"),
    ("Ерлан", "Жумабаев", "male", "KZ", "ru"),
    ("Azamat", "Tokayev", "male", "KZ", "en"),
    ("Бакыт", "Осмонов", "male", "KG", "ru"),
    ("Тимур", "Алиев", "male", "TJ", "ru"),
    ("Андрій", "Бойко", "male", "UA", "uk"),
    ("Oleksandr", "Lysenko", "male", "UA", "uk"),
    ("Дмитро", "Савченко", "male", "UA", "uk"),
    ("Giorgi", "Kapanadze", "male", "GE", "en"),
    ("Thomas", "Müller", "male", "DE", "en"),
    ("Alex", "Morgan", "undisclosed", "GB", "en"),
    ("Саша", "Левченко", "undisclosed", "UA", "uk"),
]

ORGANISATIONS = [
    ("Ministry of Internal Affairs", "Министерство внутренних дел", "ministry"),
    ("National Police", "Национальная полиция", "police"),
    ("Police Academy", "Академия полиции", "police"),
    ("OSCE Programme Office", "Программный офис ОБСЕ", "osce"),
    ("UN Women", "Структура «ООН-женщины»", "international"),
    ("Association of Women in Law Enforcement", "Ассоциация женщин-полицейских", "civil_society"),
    (
        "State University, Faculty of Law",
        "Государственный университет, юридический факультет",
        "academia",
    ),
    ("Independent Media Centre", "Независимый медиацентр", "media"),
    ("Office of the Ombudsperson", "Аппарат омбудсмена", "ministry"),
]
POSITIONS = [
    "Inspector",
    "Senior Lieutenant",
    "Head of Unit",
    "Programme Officer",
    "Researcher",
    "Major",
    "Trainer",
    "Journalist",
    "",
]

#: event slug → how many registrations in each status.
PLAN = {
    "astana-conference": {
        S.CONFIRMED: 14,
        S.AWAITING_APPROVAL: 6,
        S.AWAITING_EMAIL: 3,
        S.WAITLISTED: 2,
        S.DECLINED: 2,
        S.CANCELLED: 2,
        S.EXPIRED: 1,
    },
    "mentors-training": {S.CONFIRMED: 12, S.CANCELLED: 2, S.DECLINED: 1},
    "patrol-police-retraining": {
        S.CONFIRMED: 9,
        S.AWAITING_EMAIL: 2,
        S.WAITLISTED: 2,
        S.CANCELLED: 1,
        S.EXPIRED: 1,
    },
}

#: The way each final status is reached, for a believable history.
PATHS = {
    S.AWAITING_EMAIL: [S.AWAITING_EMAIL],
    S.AWAITING_APPROVAL: [S.AWAITING_EMAIL, S.AWAITING_APPROVAL],
    S.CONFIRMED: [S.AWAITING_EMAIL, S.CONFIRMED],
    S.WAITLISTED: [S.WAITLISTED],
    S.DECLINED: [S.AWAITING_EMAIL, S.AWAITING_APPROVAL, S.DECLINED],
    S.CANCELLED: [S.AWAITING_EMAIL, S.CONFIRMED, S.CANCELLED],
    S.EXPIRED: [S.AWAITING_EMAIL, S.EXPIRED],
}


def _events() -> dict:
    from cms import demo

    return demo.demo_events()


def _email(given: str, family: str, n: int) -> str:
    from django.utils.text import slugify

    translit = str.maketrans(dict(zip(CYRILLIC, LATIN, strict=True)))
    local = f"{given}.{family}".lower().translate(translit)
    return f"{slugify(local).replace('-', '.') or 'participant'}.{n}@example.org"


def _staff() -> list[tuple[str, str, str]]:
    user_model = get_user_model()
    logins = []
    for username, role, first, last, password in STAFF:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username,
                f"{username}@example.org",
                password,
                first_name=first,
                last_name=last,
            )
        for event in _events().values():
            event_role_assign(user=user, event=event, role=role)
        logins.append((username, password, str(StaffRole(role).label)))
    return logins


def _registrations() -> int:
    rng = random.Random(2026)
    made = 0
    n = 0
    for slug, plan in PLAN.items():
        event = _events()[slug]
        languages = list(event.interpretation_languages or [])
        for status, count in plan.items():
            for _ in range(count):
                n += 1
                given, family, sex, country, language = PEOPLE[n % len(PEOPLE)]
                email = _email(given, family, n)
                if Registration.objects.filter(
                    event=event, email_normalised=normalise_email(email)
                ).exists():
                    continue
                org_en, org_ru, org_type = rng.choice(ORGANISATIONS)
                needs = rng.random()
                created = timezone.now() - dt.timedelta(days=rng.randint(3, 40))
                if status == S.EXPIRED:
                    created = timezone.now() - dt.timedelta(days=10)
                registration = Registration.objects.create(
                    event=event,
                    status=status,
                    title=rng.choice(["", "ms", "mr", "mx", "dr"]) if sex != "female" else "ms",
                    given_name=given,
                    family_name=family,
                    email=email,
                    organisation=org_ru if language in ("ru", "uk") else org_en,
                    organisation_type=org_type,
                    position=rng.choice(POSITIONS),
                    country=country,
                    sex=sex,
                    role=rng.choice(
                        ["participant"] * 6
                        + (["mentor", "mentee"] if slug == "mentors-training" else ["speaker"])
                        + ["expert"]
                    ),
                    interpretation_language=(
                        ("ru" if language in ("ru", "uk") and "ru" in languages else languages[0])
                        if languages
                        else ""
                    ),
                    access_needs=["wheelchair"]
                    if needs < 0.08
                    else (["hearing_loop", "large_print"] if needs < 0.14 else []),
                    dietary=["halal"] if needs > 0.8 else (["vegetarian"] if needs > 0.7 else []),
                    dietary_needs="No nuts, please" if 0.5 < needs < 0.53 else "",
                    visa_letter=country not in ("KZ", "UA") and needs > 0.6,
                    language=language,
                    consent_version="2026-01",
                    consent_at=created,
                    email_confirmed_at=created + dt.timedelta(minutes=7)
                    if status not in (S.AWAITING_EMAIL, S.EXPIRED, S.WAITLISTED)
                    else None,
                )
                Registration.objects.filter(pk=registration.pk).update(created_at=created)
                previous = ""
                for step in PATHS[status]:
                    StatusChange.objects.create(
                        registration=registration,
                        from_status=previous,
                        to_status=step,
                        note="demo data",
                    )
                    previous = step
                made += 1
    return made


@transaction.atomic
def load() -> None:
    """Staff with roles on the demo events, and about 60 registrations (once)."""
    roles_sync_groups()
    logins = _staff()
    made = _registrations()
    print(f"  Registrations: {made} new, {Registration.objects.count()} in all.")
    print("  Staff logins (http://127.0.0.1:8000/admin/), each with a role on every demo event:")
    for username, password, role in logins:
        print(f"    {role:<22} user: {username:<14} password: {password}")
    print("  E-mails the site sends are printed here and kept as .eml files in sent-mail/.")
