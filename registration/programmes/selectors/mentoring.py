"""Who mentors whom: a person's pair(s), a cohort's pairs and who is still unpaired, and what
each side of a pair may see of the other (contact details only once both consented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from cms.models import EventPage, ProgrammePage
from conference.language_texts import text_in
from registration.models.registrations import Registration
from registration.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    MentorPair,
)

#: Roles that may mentor, and the role of a mentee.
MENTOR_ROLES = (EnrolmentRole.MENTOR, EnrolmentRole.TRAINER)
MENTEE_ROLES = (EnrolmentRole.MENTEE,)


def is_mentor(enrolment: Enrolment) -> bool:
    return enrolment.role in MENTOR_ROLES


def pair_for(enrolment: Enrolment) -> MentorPair | list[MentorPair] | None:
    """The pair(s) of ``enrolment``: for a mentor (or trainer) the list of their pairs, one per
    mentee (possibly empty); for anyone else their pair as a mentee, or None."""
    pairs = MentorPair.objects.select_related("cohort", "mentor", "mentee")
    if is_mentor(enrolment):
        return list(
            pairs.filter(mentor=enrolment).order_by(
                "mentee__family_name", "mentee__given_name", "pk"
            )
        )
    return pairs.filter(mentee=enrolment).first()


# --- the personal page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    """The other side of one of a person's pairs, as the person may see them."""

    pair: MentorPair
    person: Enrolment
    is_my_mentor: bool  # else the person is my mentee
    i_consented: bool
    they_consented: bool
    email: str = ""  # only once both consented
    phone: str = ""  # only once both consented, and if a registration of theirs has one

    @property
    def shared(self) -> bool:
        return self.i_consented and self.they_consented


def _visible(person: Enrolment) -> bool:
    return person.status == EnrolmentStatus.ENROLLED and person.anonymised_at is None


def mentoring_partners(enrolment: Enrolment) -> list[Partner]:
    """The mentor, or the mentees, ``enrolment`` sees on their personal page (name and
    organisation always; e-mail and phone only when both sides of the pair consented).
    People who withdrew or were anonymised are left out. At most three queries
    (with the enrolment's programme loaded)."""
    found = pair_for(enrolment)
    pairs = found if isinstance(found, list) else [found] if found else []
    partners = []
    for pair in pairs:
        mine_is_mentor = pair.mentor_id == enrolment.pk
        other = pair.mentee if mine_is_mentor else pair.mentor
        if not _visible(other):
            continue
        mine = pair.mentor_consent_at if mine_is_mentor else pair.mentee_consent_at
        theirs = pair.mentee_consent_at if mine_is_mentor else pair.mentor_consent_at
        partners.append((pair, other, not mine_is_mentor, mine is not None, theirs is not None))
    shared_emails = [other.email_normalised for _p, other, _m, i, t in partners if i and t]
    phones = _phones(enrolment.programme, shared_emails) if shared_emails else {}
    result = []
    for pair, other, is_my_mentor, i_consented, they_consented in partners:
        shared = i_consented and they_consented
        result.append(
            Partner(
                pair=pair,
                person=other,
                is_my_mentor=is_my_mentor,
                i_consented=i_consented,
                they_consented=they_consented,
                email=other.email if shared else "",
                phone=phones.get(other.email_normalised, "") if shared else "",
            )
        )
    return result


def _phones(programme: ProgrammePage, emails: list[str]) -> dict[str, str]:
    """Normalised e-mail → a phone number from the person's registrations for the
    programme's events (the enrolment itself has none)."""
    rows = (
        Registration.objects.filter(
            event__in=EventPage.objects.child_of(programme),
            email_normalised__in=emails,
            anonymised_at__isnull=True,
        )
        .exclude(phone="")
        .order_by("-updated_at", "-pk")
        .values_list("email_normalised", "phone")
    )
    phones: dict[str, str] = {}
    for email, phone in rows:
        if phone and email not in phones:
            phones[email] = str(phone)
    return phones


# --- staff: a cohort's pairs -------------------------------------------------------------------


@dataclass
class CohortPairs:
    """A cohort's pairs, its mentors (a mentor may take several mentees) and who has no pair
    yet. Only people enrolled (not withdrawn, not anonymised) can be paired."""

    cohort: Cohort
    pairs: list[MentorPair] = field(default_factory=list)
    mentors: list[Enrolment] = field(default_factory=list)
    unpaired_mentors: list[Enrolment] = field(default_factory=list)
    unpaired_mentees: list[Enrolment] = field(default_factory=list)

    @property
    def name(self) -> str:
        return text_in(self.cohort.name, get_language()) or self.cohort.code


def _cohorts_pairs(cohorts: list[Cohort]) -> list[CohortPairs]:
    ids = [c.pk for c in cohorts]
    people = list(
        Enrolment.objects.filter(
            cohort_id__in=ids,
            status=EnrolmentStatus.ENROLLED,
            anonymised_at__isnull=True,
            role__in=[*MENTOR_ROLES, *MENTEE_ROLES],
        ).order_by("family_name", "given_name", "pk")
    )
    pairs = list(
        MentorPair.objects.filter(cohort_id__in=ids)
        .select_related("mentor", "mentee")
        .order_by("mentor__family_name", "mentor__given_name", "mentee__family_name", "pk")
    )
    result = {c.pk: CohortPairs(cohort=c) for c in cohorts}
    mentoring = {p.mentor_id for p in pairs}
    mentored = {p.mentee_id for p in pairs}
    for pair in pairs:
        result[pair.cohort_id].pairs.append(pair)
    for person in people:
        entry = result[person.cohort_id]
        if person.role in MENTOR_ROLES:
            entry.mentors.append(person)
            if person.pk not in mentoring:
                entry.unpaired_mentors.append(person)
        elif person.role == EnrolmentRole.MENTEE and person.pk not in mentored:
            entry.unpaired_mentees.append(person)
    return [result[c.pk] for c in cohorts]


def cohort_pairs(cohort: Cohort) -> CohortPairs:
    """The cohort's pairs, mentors, and unpaired mentors and mentees (two queries)."""
    return _cohorts_pairs([cohort])[0]


def programme_pairs(programme: ProgrammePage) -> list[CohortPairs]:
    """``cohort_pairs`` of every cohort of the programme, by code (three queries whatever
    the programme's size)."""
    cohorts = list(Cohort.objects.filter(programme=programme.source).order_by("code"))
    return _cohorts_pairs(cohorts)
