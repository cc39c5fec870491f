"""Demo delegations for ``manage.py load_demo`` (idempotent: a second run changes nothing).

The Astana conference (the OSCE regional conference on women in law enforcement of the
seeds) gets a gender-balance target of 50% women and six delegations of four places each,
one in every state a delegation passes through:

- Turkmenistan: made, its focal point not invited yet;
- Tajikistan: invited, nothing nominated;
- Kyrgyzstan: four officers (two women) just nominated, the nomination letter uploaded;
- Kazakhstan: three approved, a replacement asked for the fourth;
- Uzbekistan: approved, three of them registered (one asked for a visa letter and entered
  passport details);
- Civil society (an organisation): one approved, one declined.

Nominations go through the focal point's service (``nomination_create``, ``document_upload``)
and decisions through the organisers' (``delegation_invite``, ``nominations_decide``), by the
demo organiser; the e-mails they queue are recorded as sent, so loading sends none. The
nominees' registrations and the visa request are plain rows (the nominee's form is a page).
Each delegation is made in one transaction, and only when it is not there yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cms import demo as cms_demo
from registration import demo as registration_demo
from registration.messaging.models import Message, MessageStatus
from registration.models.registrations import Registration, RegistrationStatus
from registration.nominations.links import delegation_url
from registration.nominations.models import (
    Delegation,
    DelegationKind,
    DocumentKind,
    Nomination,
    VisaRequest,
)
from registration.nominations.services.decisions import nominations_decide
from registration.nominations.services.delegations import delegation_invite
from registration.nominations.services.nominating import document_upload, nomination_create

EVENT_SLUG = "astana-conference"
GENDER_BALANCE_TARGET = 50
QUOTA = 4
#: Nominations close this many days before the conference's first day.
DEADLINE_DAYS_BEFORE = 7


def _person(given, family, sex, position, organisation, *, state="nominated", **extra) -> dict:
    email = f"{given}.{family}@example.org".lower()
    return {
        "given_name": given,
        "family_name": family,
        "email": email,
        "sex": sex,
        "position": position,
        "organisation": organisation,
        "role": "participant",
        "state": state,
        **extra,
    }


MVD_KG = "Ministry of Internal Affairs of the Kyrgyz Republic"
MVD_KZ = "Ministry of Internal Affairs of the Republic of Kazakhstan"
MVD_UZ = "Ministry of Internal Affairs of the Republic of Uzbekistan"

#: The six delegations, in the order they are made; ``state`` names the demo's state.
DELEGATIONS: list[dict[str, Any]] = [
    {
        "name": "Turkmenistan",
        "country": "TM",
        "state": "not_invited",
        "focal": ("Merdan Atayev", "merdan.atayev@example.org", "en"),
        "people": [],
    },
    {
        "name": "Tajikistan",
        "country": "TJ",
        "state": "invited",
        "focal": ("Farrukh Rahimov", "farrukh.rahimov@example.org", "ru"),
        "people": [],
    },
    {
        "name": "Kyrgyzstan",
        "country": "KG",
        "state": "nominated",
        "focal": ("Bakyt Sydykov", "bakyt.sydykov@example.org", "ru"),
        "letter": "nomination-letter-kyrgyzstan.pdf",
        "people": [
            _person("Aizada", "Toktogulova", "female", "Police Inspector", MVD_KG),
            _person("Cholpon", "Abdyldaeva", "female", "Major, Academy of the MIA", MVD_KG),
            _person("Nurlan", "Asanov", "male", "Head of the Juvenile Unit", MVD_KG),
            _person("Ermek", "Dzhumabaev", "male", "Senior Lieutenant", MVD_KG),
        ],
    },
    {
        "name": "Kazakhstan",
        "country": "KZ",
        "state": "decided",
        "focal": ("Aizhan Seitkali", "aizhan.seitkali@example.org", "kk"),
        "people": [
            _person("Gulnar", "Akhmetova", "female", "Colonel", MVD_KZ, state="approve"),
            _person("Dana", "Suleimenova", "female", "Police Captain", MVD_KZ, state="approve"),
            _person(
                "Arman", "Nurpeisov", "male", "Deputy Head of Department", MVD_KZ, state="approve"
            ),
            _person("Yerzhan", "Bekov", "male", "Police Major", MVD_KZ, state="replacement"),
        ],
    },
    {
        "name": "Uzbekistan",
        "country": "UZ",
        "state": "registered",
        "focal": ("Dilshod Karimov", "dilshod.karimov@example.org", "ru"),
        "people": [
            _person(
                "Malika",
                "Yusupova",
                "female",
                "Lieutenant Colonel",
                MVD_UZ,
                state="registered",
                visa=True,
            ),
            _person("Nodira", "Rakhimova", "female", "Police Captain", MVD_UZ, state="registered"),
            _person("Bekzod", "Tursunov", "male", "Police Major", MVD_UZ, state="registered"),
            _person("Jasur", "Alimov", "male", "Senior Inspector", MVD_UZ, state="approve"),
        ],
    },
    {
        "name": "Civil society",
        "country": "",
        "kind": DelegationKind.ORGANISATION,
        "state": "declined",
        "focal": ("Saule Omarova", "saule.omarova@example.org", "en"),
        "people": [
            _person(
                "Zhanna",
                "Ismailova",
                "female",
                "Director",
                "Women's Crisis Centre",
                state="approve",
            ),
            _person(
                "Timur",
                "Kasymov",
                "male",
                "Programme Officer",
                "Legal Aid Network",
                state="decline",
            ),
        ],
    },
]

#: Decisions by the ``state`` of a person (``nominations_decide``'s names).
DECISIONS = {
    "approve": "approve",
    "registered": "approve",
    "replacement": "replacement",
    "decline": "decline",
}


def letter_pdf(delegation_name: str) -> bytes:
    """A small real PDF: the focal point's nomination letter (one page of text)."""
    # Heavy library (WeasyPrint, STYLE rule 9): only this file of the demo needs it.
    from weasyprint import HTML

    html = (
        "<html><body style='font-family: sans-serif'>"
        "<p>Ministry of Internal Affairs of the Kyrgyz Republic</p>"
        "<h1>Nomination letter</h1>"
        f"<p>The delegation of {delegation_name} to the Regional Conference on Women in Law "
        "Enforcement, Astana, nominates the four officers entered on the delegation's page.</p>"
        "<p>Focal point: Bakyt Sydykov</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def _deadline(event) -> dt.datetime:
    day = event.start_date - dt.timedelta(days=DEADLINE_DAYS_BEFORE)
    return dt.datetime.combine(day, dt.time(18), tzinfo=event.tz)


def _organiser():
    username = next(
        row["username"]
        for row in registration_demo.content()["staff"]
        if row["role"] == "organiser"
    )
    return get_user_model().objects.filter(username=username).first()


def _register(nomination: Nomination, person: dict, country: str) -> None:
    """The nominee's own registration (what the prefilled form would make), linked."""
    data = registration_demo.content()
    now = timezone.now()
    registration = Registration.objects.create(
        event=nomination.event,
        status=RegistrationStatus.CONFIRMED,
        title="ms" if person["sex"] == "female" else "mr",
        given_name=nomination.given_name,
        family_name=nomination.family_name,
        email=nomination.email,
        sex=nomination.sex,
        country=country,
        language="ru",
        organisation=nomination.organisation,
        organisation_type="police",
        position=nomination.position,
        role=nomination.role,
        interpretation_language="ru",
        visa_letter=bool(person.get("visa")),
        consent_version=data["consent_version"],
        consent_at=now,
        email_confirmed_at=now,
    )
    nomination.registration = registration
    nomination.save(update_fields=["registration", "updated_at"])
    if person.get("visa"):
        start = nomination.event.start_date
        VisaRequest.objects.create(
            registration=registration,
            name_in_passport=f"{nomination.family_name.upper()} {nomination.given_name.upper()}",
            nationality=country,
            passport_number="FA1234567",
            passport_expires=start + dt.timedelta(days=3 * 365),
            date_of_birth=dt.date(1984, 5, 17),
        )


@transaction.atomic
def _delegation(event, spec: dict[str, Any], organiser) -> Delegation | None:
    """Make one delegation in its state; None when it is there already."""
    if Delegation.objects.filter(event=event, name=spec["name"]).exists():
        return None
    focal_name, focal_email, focal_language = spec["focal"]
    delegation = Delegation.objects.create(
        event=event,
        kind=spec.get("kind", DelegationKind.COUNTRY),
        country=spec["country"],
        name=spec["name"],
        quota=QUOTA,
        deadline=_deadline(event),
        focal_name=focal_name,
        focal_email=focal_email,
        focal_language=focal_language,
    )
    if spec["state"] == "not_invited":
        return delegation
    delegation_invite(delegation=delegation, by=organiser)
    nominations = {
        person["email"]: nomination_create(delegation=delegation, data=person)
        for person in spec["people"]
    }
    if spec.get("letter"):
        document_upload(
            delegation=delegation,
            file=SimpleUploadedFile(
                spec["letter"], letter_pdf(spec["name"]), content_type="application/pdf"
            ),
            kind=DocumentKind.NOMINATION_LETTER,
        )
    for state, decision in DECISIONS.items():
        chosen = [nominations[p["email"]] for p in spec["people"] if p["state"] == state]
        if chosen:
            nominations_decide(nominations=chosen, decision=decision, by=organiser)
    for person in spec["people"]:
        if person["state"] == "registered":
            nomination = Nomination.objects.get(pk=nominations[person["email"]].pk)
            _register(nomination, person, spec["country"])
    # The e-mails these steps queued are recorded as sent: loading the demo sends none.
    addresses = [focal_email, *(p["email"] for p in spec["people"])]
    Message.objects.filter(
        event=event, to_email__in=addresses, status=MessageStatus.PENDING
    ).update(status=MessageStatus.SENT, sent_at=timezone.now())
    return delegation


def load(*, write: Callable[[str], None] | None = None) -> None:
    """The Astana conference's gender-balance target and its six delegations (once)."""
    write = write or registration_demo.stdout_writer()
    event = cms_demo.demo_events()[EVENT_SLUG]
    if event.gender_balance_target is None:  # a demo database from before the target
        event.gender_balance_target = GENDER_BALANCE_TARGET
        event.save_revision().publish()  # in the revision: a later publish keeps it
    organiser = _organiser()
    made = [spec["name"] for spec in DELEGATIONS if _delegation(event, spec, organiser)]
    write(f"  Delegations of the Astana conference: {len(made)} new.")
    kyrgyzstan = Delegation.objects.select_related("event").get(event=event, name="Kyrgyzstan")
    write(f"  A focal point's page (Kyrgyzstan): {delegation_url(kyrgyzstan)}")
