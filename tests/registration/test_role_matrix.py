"""The role matrix: every URL the resolver knows × every role, and no personal data of an event
reaches anyone without a participant role on it.

The URLs are not listed by hand: ``url_patterns()`` walks Django's resolver (the site, the
Wagtail admin with its snippet, chooser, bulk-action, history and report URLs, and every URL a
hook adds), so a new URL is in the matrix the day it is added. Its keyword arguments are filled
from ``FILLERS``, keyed by argument name; an argument no filler knows fails the test with "add a
filler for …" — add one line there (and say which object of event B it should point at).

Roles: anonymous; the participant link of registration B1 (its signed key); each staff role
(organiser, registration manager, check-in, reporter) on event A only. Event B's registrations
carry marker strings in every personal field; no response to a role without a participant role
on event B may contain one (the participant may see their own, never B2's).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import product

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.log_actions import log

from conference.models import Job
from registration.checkin.models import BadgeBatch
from registration.links import sign_key
from registration.messaging.models import Message
from registration.models import Registration, StaffRole
from registration.nominations.links import delegation_key
from registration.nominations.models import Delegation, DelegationDocument, Nomination
from registration.permissions import access_log, event_role_assign
from registration.programmes.models import Certificate, CertificateBatch, RosterImport
from registration.programmes.permissions import programme_role_assign
from registration.reports.models import ReportExport
from tests.factories import RegistrationFactory
from tests.registration.programmes.staff_helpers import (
    cohort_create,
    enrol,
    programme_create,
    programme_event,
)
from tests.registration.registration_helpers import event_create

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "participant", *(role.value for role in StaffRole))

#: Route names that make no sense to GET, each with its reason.
EXCLUDED = {
    "wagtailadmin_logout": "ends the session the rest of the matrix runs in",
    "wagtailadmin_error_test": "raises on purpose (Wagtail's 500-page test)",
    "admin/^.*/$": "the admin's catch-all 404; every unknown admin path is this one",
    "admin/test404/": "Wagtail's 404-page test; shows nothing but the 404 page",
    "wagtailadmin_password_reset_confirm": "needs a token Django makes for one user's e-mail",
}


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    event_a: object
    event_b: object
    a1: Registration
    b1: Registration  # the participant whose link the "participant" role holds
    b2: Registration
    users: dict[str, object] = field(default_factory=dict)
    # Programmes: A's staff hold their roles on programme A only; B's enrolment carries
    # markers (programmes room, helper "staff").
    programme_a: object = None
    programme_b: object = None
    cohort_b: object = None
    enrolment_a: object = None
    enrolment_b: object = None

    def enrolment_markers(self) -> list[re.Pattern]:
        """Patterns (lower case) of programme B's enrolment in a response."""
        if self.enrolment_b is None:
            return []
        e = self.enrolment_b
        return [re.compile(re.escape(m.lower())) for m in (e.given_name, e.family_name, e.email)]

    def markers(self, registration: Registration) -> list[re.Pattern]:
        """Patterns (lower case) of the registration's personal data in a response."""
        plain = [
            registration.given_name,
            registration.family_name,
            registration.email,
            str(registration.phone),
            str(registration.phone)[1:],  # the national digits, however they are spaced
        ]
        return [re.compile(re.escape(m.lower())) for m in plain] + [
            # The pseudonym too: listing B's registration numbers to A's staff tells them
            # whom B has and leads them to the rows.
            re.compile(rf"registration #{registration.pk}(?!\d)")
        ]


def _person(event, tag: str, phone: str) -> Registration:
    return RegistrationFactory(
        event=event,
        given_name=f"Qzgiven{tag}",
        family_name=f"Qzfamily{tag}",
        badge_name=f"Qzbadge{tag}",
        email=f"qzmail.{tag.lower()}@example.org",
        phone=phone,
        organisation=f"Qzorg{tag}",
        status="awaiting_approval",
    )


@pytest.fixture
def world() -> World:
    event_a = event_create(title="Event A", translations=())
    event_b = event_create(title="Event B", translations=())
    w = World(
        event_a=event_a,
        event_b=event_b,
        a1=_person(event_a, "Aone", "+77010000101"),
        b1=_person(event_b, "Bone", "+77010000201"),
        b2=_person(event_b, "Btwo", "+77010000202"),
    )
    user_model = get_user_model()
    for role in StaffRole:
        user = user_model.objects.create_user(f"staff-{role.value}", password="pw")
        event_role_assign(user=user, event=event_a, role=role.value)
        w.users[role.value] = user
    # Event B's own staff, their audit trail, and a message to B2: things a screen could show.
    b_manager = user_model.objects.create_user("b-manager", password="pw")
    event_role_assign(user=b_manager, event=event_b, role=StaffRole.REGISTRATION_MANAGER)
    log(w.b2, "registration.viewed", user=b_manager)
    access_log(
        user=b_manager,
        event=event_b,
        action="registration.list_viewed",
        data={"query": f"q={w.b2.family_name}"},
    )
    Message.objects.create(
        event=event_b,
        registration=w.b2,
        kind="confirmation",
        dedupe_key=f"matrix:{w.b2.pk}",
        to_email=w.b2.email,
        subject=f"Welcome, {w.b2.given_name}",
        body_text=f"Dear {w.b2.given_name} {w.b2.family_name}",
    )
    # B's badge batch and report export (their jobs never run: the rows are what is asked for).
    BadgeBatch.objects.create(event=event_b, job=Job.objects.create(kind="badge_batch", total=2))
    ReportExport.objects.create(
        event=event_b, format="xlsx", language="en", job=Job.objects.create(kind="report_export")
    )
    _programmes_world(w)
    return w


def _programmes_world(w: World) -> None:
    """Programme A (its staff: the staff roles of event A) and programme B with a cohort and
    an enrolment carrying markers."""
    a = programme_create(title="Programme A")
    b = programme_create(title="Programme B")
    programme_event(b, title="Programme B session")
    w.programme_a, w.programme_b = a, b
    w.cohort_b = cohort_create(b, code="cohort-b")
    w.enrolment_a = enrol(
        a, "qzenrol.a@example.org", given="Qzenrolgivena", family="Qzenrolfamilya"
    )
    w.enrolment_b = enrol(
        b,
        "qzenrol.b@example.org",
        cohort=w.cohort_b,
        given="Qzenrolgivenb",
        family="Qzenrolfamilyb",
        organisation="Qzenrolorgb",
    )
    for role, user in w.users.items():
        programme_role_assign(user=user, programme=a, role=role)


# --- the URLs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # the namespaced route name, or the route itself when it has none
    route: str
    kwargs: tuple[str, ...]
    positional: int
    callback: Callable
    named: bool = True


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the site, the Wagtail admin included, walked from the resolver."""
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                regex = entry.pattern.regex
                route = prefix + str(entry.pattern)
                name = ":".join((*namespaces, entry.name)) if entry.name else route
                found.append(
                    Pattern(
                        name=name,
                        route=route,
                        kwargs=tuple(regex.groupindex),
                        positional=regex.groups - len(regex.groupindex),
                        callback=entry.callback,
                        named=bool(entry.name),
                    )
                )

    walk(get_resolver(), "", ())
    return found


def _model_of(pattern: Pattern):
    """The model a generic view shows (its viewset passes it as an init argument)."""
    initkwargs = getattr(pattern.callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model") or getattr(
        getattr(pattern.callback, "view_class", None), "model", None
    )
    return model if isinstance(model, type) else None


def _of_event_b(model, w: World):
    """The pk of an object of ``model`` that belongs to event B (any one when none does)."""
    if model is None or isinstance(model, str):
        return w.b2.pk
    if model is Registration:
        return w.b2.pk
    names = {f.name for f in model._meta.get_fields()}
    rows = model._default_manager.all()
    if "event" in names:
        rows = rows.filter(event=w.event_b)
    elif "registration" in names:
        rows = rows.filter(registration__event=w.event_b)
    obj = rows.order_by("pk").first()
    return obj.pk if obj else 0


KEY = "__KEY__"  # replaced per role: B1's signed key for the participant, A1's for the rest


def _bulk_actions(w: World, pattern: Pattern) -> list[dict]:
    bulk_action_registry._scan_for_bulk_actions()
    return [
        {"app_label": app, "model_name": model, "action": action}
        for app, models in bulk_action_registry.actions.items()
        for model, actions in models.items()
        for action in actions
    ]


#: How to fill URL keyword arguments, keyed by the argument names a filler fills together.
#: Each filler returns one value (or a dict for a group), or a list of them (one URL each).
FILLERS: dict[tuple[str, ...], Callable[[World, Pattern], object]] = {
    ("app_label", "model_name", "action"): _bulk_actions,
    ("app_label", "model_name"): lambda w, p: {
        "app_label": "registration",
        "model_name": "registration",
    },
    ("app_name", "model_name"): lambda w, p: {
        "app_name": "registration",
        "model_name": "registration",
    },
    ("content_type_app_name", "content_type_model_name"): lambda w, p: {
        "content_type_app_name": "registration",
        "content_type_model_name": "registration",
    },
    ("pk",): lambda w, p: _of_event_b(_model_of(p), w),
    ("object_id",): lambda w, p: w.b2.pk,
    ("event_id",): lambda w, p: w.event_b.pk,
    ("registration_id",): lambda w, p: w.b2.pk,
    ("message_id",): lambda w, p: _of_event_b(Message, w),
    ("key",): lambda w, p: KEY,
    ("batch_id",): lambda w, p: _of_event_b(BadgeBatch, w),
    ("export_id",): lambda w, p: _of_event_b(ReportExport, w),
    ("paper_id",): lambda w, p: 1,
    ("language",): lambda w, p: "en",
    ("page_id",): lambda w, p: w.event_b.pk,
    ("parent_page_id",): lambda w, p: w.event_b.pk,
    ("page_pk",): lambda w, p: w.event_b.pk,
    ("page_to_move_id",): lambda w, p: w.event_b.pk,
    ("destination_id",): lambda w, p: w.event_b.get_parent().pk,
    ("revision_id",): lambda w, p: w.event_b.latest_revision_id,
    ("revision_id_a",): lambda w, p: w.event_b.latest_revision_id,
    ("revision_id_b",): lambda w, p: w.event_b.latest_revision_id,
    ("page_path",): lambda w, p: f"{w.event_b.slug}/",
    ("name",): lambda w, p: "agenda",
    ("image_id",): lambda w, p: 1,
    ("document_id",): lambda w, p: 1,
    ("doc_id",): lambda w, p: 1,
    ("uploaded_file_id",): lambda w, p: 1,
    ("collection_id",): lambda w, p: 1,
    ("redirect_id",): lambda w, p: 1,
    ("workflow_pk",): lambda w, p: 1,
    ("task_id",): lambda w, p: 1,
    ("task_state_id",): lambda w, p: 1,
    ("workflow_state_id",): lambda w, p: 1,
    ("session_id",): lambda w, p: 1,
    ("restriction_id",): lambda w, p: 1,
    ("page_view_restriction_id",): lambda w, p: 1,
    ("action_name",): lambda w, p: "publish",
    ("filter_spec",): lambda w, p: "original",
    # Programmes room: programme B's objects.
    ("programme_id",): lambda w, p: w.programme_b.pk,
    ("cohort_id",): lambda w, p: w.cohort_b.pk,
    ("enrolment_id",): lambda w, p: w.enrolment_b.pk,
    # Roster import (helper "roster"): a checked roster file of programme B with B's markers.
    ("roster_id",): lambda w, p: _roster_of_b(w),
    # Nominations, focal point (helper "focal"): event B's delegation's signed link (the link
    # is the credential: its page shows its own nominee, never B's registrations), its
    # nominee and its document.
    ("delegation_key",): lambda w, p: delegation_key(_delegation_of_b(w)),
    ("nomination_id",): lambda w, p: _delegation_of_b(w).nominations.get().pk,
    ("delegation_document_id",): lambda w, p: _delegation_of_b(w).documents.get().pk,
    # (the organisers' screens of helper "delegations" take the same delegation by id)
    ("delegation_id",): lambda w, p: _delegation_of_b(w).pk,
    # Visa letters (helper "nominee"): event B's letter template (its staff screens are B's).
    ("visa_template_id",): lambda w, p: _visa_template_of_b(w),
    # Programme report exports (helper "report"): an export job of programme B.
    ("report_job_id",): lambda w, p: (
        Job.objects.get_or_create(kind="programme_report", params={"programme": w.programme_b.pk})[
            0
        ].pk
    ),
    # Certificates (helper "certificates"): B's enrolment's certificate, revoked (its public
    # check page must then show nothing of it), and a certificate batch of programme B.
    ("certificate_id",): lambda w, p: _certificate_of_b(w).pk,
    ("token",): lambda w, p: _certificate_of_b(w).token,
    ("certificate_batch_id",): lambda w, p: (
        CertificateBatch.objects.get_or_create(
            programme=w.programme_b,
            defaults={"job": Job.objects.create(kind="certificate_batch", total=1)},
        )[0].pk
    ),
}


def _certificate_of_b(w: World) -> Certificate:
    """Programme B's enrolment's certificate, revoked."""
    certificate, _ = Certificate.objects.get_or_create(
        enrolment=w.enrolment_b,
        defaults={"hours": 12, "issued_at": w.event_b.latest_revision_created_at,
                  "revoked_at": w.event_b.latest_revision_created_at,
                  "revoked_reason": "Qzenrolgivenb"},
    )  # fmt: skip
    return certificate


def _roster_of_b(w: World) -> int:
    """Programme B's roster file, its dry run holding B's enrolment's name and e-mail."""
    e = w.enrolment_b
    row = {"row": 2, "action": "skip", "given_name": e.given_name, "family_name": e.family_name,
           "email": e.email, "cohort": "cohort-b", "reasons": [{"code": "identical"}],
           "changes": []}  # fmt: skip
    roster, _ = RosterImport.objects.get_or_create(
        programme=w.programme_b,
        filename="roster-b.csv",
        defaults={"dry_run": {"total": 1, "counts": {"skip": 1}, "problems": [], "rows": [row]}},
    )
    return roster.pk


def _delegation_of_b(w: World) -> Delegation:
    """Event B's delegation with one nominee (no marker in it) and one PDF (helper "focal")."""
    delegation, created = Delegation.objects.get_or_create(
        event=w.event_b,
        name="Delegation B",
        defaults={"quota": 4, "focal_name": "Focal B", "focal_email": "focal-b@example.org"},
    )
    if created:
        Nomination.objects.create(
            event=w.event_b, delegation=delegation, given_name="Nominee", family_name="Bee",
            email="nominee-b@example.org", email_normalised="nominee-b@example.org",
            sex="female", organisation="Ministry B",
        )  # fmt: skip
        document = DelegationDocument(delegation=delegation, filename="b.pdf", size=9)
        document.file.save("b.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        document.save()
    return delegation


#: Patterns with unnamed (positional) groups, by route name.
POSITIONAL: dict[str, Callable[[World], list]] = {
    "wagtaildocs_serve": lambda w: [1, "paper.pdf"],
    "wagtail_serve": lambda w: [w.event_b.url_path.split("/", 2)[-1]],
    "cms:serve": lambda w: [w.event_b.url_path.split("/", 2)[-1]],  # with translation fallback
}


def _fill(pattern: Pattern, w: World) -> list[dict]:
    """Every keyword combination to GET ``pattern`` with (fails on an unknown argument)."""
    remaining = set(pattern.kwargs)
    choices: list[list[dict]] = []
    for names in sorted(FILLERS, key=len, reverse=True):
        if set(names) <= remaining:
            value = FILLERS[names](w, pattern)
            values = value if isinstance(value, list) else [value]
            choices.append([v if isinstance(v, dict) else {names[0]: v} for v in values])
            remaining -= set(names)
    if remaining:
        pytest.fail(f"add a filler for {sorted(remaining)} (URL {pattern.name}: {pattern.route})")
    combos = []
    for parts in product(*choices):
        merged: dict = {}
        for part in parts:
            merged.update(part)
        combos.append(merged)
    return combos


def urls_for(w: World) -> Iterator[tuple[str, str]]:
    """(route name, URL) for every GET of the matrix."""
    for pattern in url_patterns():
        if pattern.name in EXCLUDED:
            continue
        if pattern.positional:
            if pattern.name not in POSITIONAL:
                pytest.fail(f"add a POSITIONAL filler for {pattern.name} ({pattern.route})")
            yield pattern.name, reverse(pattern.name, args=POSITIONAL[pattern.name](w))
            continue
        if not pattern.named:
            if pattern.kwargs:
                pytest.fail(f"name the URL {pattern.route} or add it to EXCLUDED with a reason")
            # An unnamed route without arguments: its text is its path.
            yield pattern.name, "/" + pattern.route.replace("^", "").replace("$", "")
            continue
        for kwargs in _fill(pattern, w):
            url = reverse(pattern.name, kwargs=kwargs)
            if pattern.name == "wagtail_bulk_action":
                model = _bulk_model(kwargs)
                yield pattern.name, f"{url}?id=all"
                yield pattern.name, f"{url}?id={_of_event_b(model, w)}"
                continue
            yield pattern.name, url
            for query in QUERIES.get(pattern.name, ()):
                yield pattern.name, url + query.format(w=w)


#: Extra GETs of one route: downloads and searches that show more than the page itself.
#: Searches use the first ten characters of a marker: the search box echoes what was typed.
QUERIES = {
    "wagtailadmin_reports:site_history": ("?export=csv", "?export=xlsx"),
    "wagtailadmin_reports:site_history_results": ("?label=registration",),
    "wagtailsnippets_registration_registration:list": (
        "?export=csv",
        "?export=xlsx",
        "?q={w.b2.family_name:.10}",
        "?event={w.event_b.pk}",
    ),
    "wagtailsnippetchoosers_registration_registration:choose_results": (
        "?q={w.b2.family_name:.10}",
    ),
    "wagtailsnippetchoosers_registration_registration:chosen_multiple": ("?id={w.b2.pk}",),
    "checkin_admin:search": ("?q={w.b2.family_name:.10}",),
    "logistics:index": ("?event={w.event_b.pk}",),
    "logistics:xlsx": ("?order=kk",),
    "logistics:signin_sheet": ("?day={w.event_b.start_date:%Y-%m-%d}", "?day=1999-01-01"),
    "messaging_admin:log": ("?q={w.b2.email:.10}",),
}


def _bulk_model(kwargs: dict):
    return apps.get_model(kwargs["app_label"], kwargs["model_name"])


# --- reading a response ---------------------------------------------------------------------


def body_text(response) -> str:
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if raw[:2] == b"PK":  # XLSX, DOCX, ZIP: read every member
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    text = raw.decode("utf-8", errors="replace")
    # JSON escapes and HTML entities must not hide a marker.
    return re.sub(r"\\u0040|&#64;|&#x40;", "@", text).lower()


def client_for(role: str, w: World) -> Client:
    client = Client(raise_request_exception=False)
    if role not in ("anonymous", "participant"):
        client.force_login(w.users[role])
    return client


#: (route name, role) → a marker the role must see there: the matrix would pass on a site that
#: shows nothing to anyone, so these prove the screens work for the roles they are for.
def positives(w: World) -> dict[tuple[str, str], str]:
    return {
        ("registration:manage", "participant"): w.b1.given_name,
        ("wagtailsnippets_registration_registration:list", "organiser"): w.a1.family_name,
        ("wagtailsnippets_registration_registration:list", "registration_manager"): w.a1.email,
        (
            "wagtailsnippetchoosers_registration_registration:choose_results",
            "registration_manager",
        ): "registration #",
        # Reports → Untranslated events: the organiser sees their own event there.
        ("cms_untranslated:index", "organiser"): w.event_a.title,
        # Programmes: the index lists programme A to its staff (the overview, with A's
        # enrolments, is reached from it with A's id, which the fillers never use).
        ("programmes_admin:index", "organiser"): w.programme_a.title,
        ("programmes_admin:index", "registration_manager"): w.programme_a.title,
        # Nominations (helper "focal"): the focal point's link opens their delegation's page.
        ("nominations:delegation", "anonymous"): "Nominee Bee",
    }


#: A page whose browser title is empty: Wagtail 8 builds it from ``header_title``.
UNTITLED = re.compile(rb"<title>\s*-\s*Wagtail\s*</title>")


def _matrix_size() -> int:
    return len([p for p in url_patterns() if p.name not in EXCLUDED])


@pytest.mark.parametrize(
    "role", ROLES, ids=[f"{role}-x-{_matrix_size()}-url-patterns" for role in ROLES]
)
def test_role_matrix_shows_no_personal_data_of_another_event(world, role, capsys):
    # Arrange
    forbidden = world.markers(world.b2) + ([] if role == "participant" else world.markers(world.b1))
    forbidden += world.enrolment_markers()
    key = sign_key(world.b1 if role == "participant" else world.a1)
    client = client_for(role, world)
    wanted = {name: m.lower() for (name, r), m in positives(world).items() if r == role}
    seen_wanted: set[str] = set()
    leaks, errors, untitled = [], [], []

    # Act
    urls = list(urls_for(world))
    for name, url in urls:
        url = url.replace(KEY, key)
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url} ({name})")
            continue
        if response.status_code == 200 and UNTITLED.search(
            getattr(response, "content", b"")[:4000]
        ):
            untitled.append(f"{url} ({name})")
        text = body_text(response)
        leaks += [f"{url} ({name}) shows {m.pattern!r}" for m in forbidden if m.search(text)]
        if name in wanted and wanted[name] in text:
            seen_wanted.add(name)

    # Assert
    with capsys.disabled():
        print(f"\nrole matrix [{role}]: {len(urls)} URLs × 1 role (× {len(ROLES)} roles)")  # noqa: T201 — the count of URLs walked belongs in the test output
    assert leaks == [], "\n".join(leaks)
    assert errors == [], "\n".join(errors)
    assert untitled == [], "pages whose <title> is empty:\n" + "\n".join(untitled)
    assert seen_wanted == set(wanted)


def test_role_matrix_unknown_argument_asks_for_a_filler(world):
    pattern = Pattern(
        name="new_view",
        route="new/<int:widget_id>/",
        kwargs=("widget_id",),
        positional=0,
        callback=lambda request: None,
    )

    with pytest.raises(pytest.fail.Exception, match=r"add a filler for \['widget_id'\]"):
        _fill(pattern, world)


def test_role_matrix_covers_generic_wagtail_screens():
    names = {p.name for p in url_patterns()}

    assert {
        "wagtailsnippetchoosers_registration_registration:choose",
        "wagtailsnippetchoosers_registration_registration:choose_results",
        "wagtailsnippetchoosers_registration_registration:chosen",
        "wagtail_bulk_action",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:site_history_results",
        "wagtailsnippets_registration_registration:history",
        "event_roles:index",
    } <= names


def _visa_template_of_b(w: World) -> int:
    """Event B's visa letter template (helper "nominee")."""
    # Imported here: this concern's lines stay together at the end of a shared file.
    from registration.nominations.models import VisaLetterTemplate

    template, _ = VisaLetterTemplate.objects.get_or_create(
        event=w.event_b,
        language="en",
        defaults={"body": "We invite {name}.", "purpose": "B", "signatory_name": "Signer B"},
    )
    return template.pk
