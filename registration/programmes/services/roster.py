"""Roster import: a file of people (``programmes.roster``) checked row by row in a dry run,
then enrolled in their cohorts and registered for their cohort's events, all or nothing.

Rules, row by row (the dry run says, for each row, create / update / skip and why):

- required values present, the e-mail an address, values not longer than their fields, no
  formula in a cell (a formula is text here, never evaluated: the row is skipped and says so);
- the cohort code is one of the programme's cohorts; sex, role, language and country are
  values the site knows (in any of its languages); the region, when the cohorts name
  regions, is one of them (empty: the cohort's region);
- an e-mail twice in the file: the later rows are skipped (duplicate within the file);
- a person already enrolled in another cohort of the programme is skipped (duplicate across
  cohorts: moving someone is a decision for the enrolments screen); in the same cohort, their
  details are updated when the file changes them, else the row is skipped as identical;
- a cohort's capacity counts its enrolled people and the file's new ones: rows past it are
  skipped; an event of the programme with a capacity must have a free place for each new
  person registered for it, or the import is refused as a whole.

Importing: every write is in one transaction, after the dry run is made again under row
locks on the programme's cohorts and events (a different outcome than the dry run staff
confirmed refuses the import: nothing is written). The writes are bulk inserts (enrolments,
one confirmed registration per event of the cohort a person is not registered for yet, their
status changes), so 3,500 rows commit in seconds, not minutes: the locks are the cohort rows
and event rows (``FOR NO KEY UPDATE``, as a single registration takes them), held for those
seconds; nobody else's registration waits longer than that. The import sends no e-mail (the
list comes from an institution, not from the person: staff send the personal programme links
through messaging when the course is ready), so there is no outbox row to duplicate; the
same file imported twice creates nothing new.

Bulk path: ``enrolment_create`` (the enrol room's service) makes one enrolment with its
registrations through ``registration_create`` per event (rows, status change, e-mail), which
for 3,500 people and their events is tens of thousands of round trips and e-mails; this
module keeps its rules (one registration per event per person, the cohort's capacity, the
events of ``events_for_cohort``) in bulk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from cms.models import EventPage, ProgrammePage
from conference.jobs import JobLeaseLost, JobResult, job_create
from conference.models import Job, JobStatus
from registration.models.registrations import (
    HOLDS_A_PLACE,
    OrganisationType,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Sex,
    StatusChange,
    normalise_email,
    search_document,
)
from registration.programmes.models import (
    Cohort,
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    RosterImport,
)
from registration.programmes.roster import (
    COLUMNS,
    RosterFile,
    RosterFileError,
    header_key,
    roster_read,
    template_headers,
)
from registration.programmes.selectors.events import cohort_event_ids, programme_events
from registration.selectors.lifecycle import privacy_notice_current
from registration.spreadsheets import XlsxSheet, xlsx_workbook

#: Dry runs of files up to this many rows run in the request; larger ones in the worker.
INLINE_ROWS = 500
#: The dry-run screen shows this many rows; the full report is a download.
SHOWN_ROWS = 200
BATCH = 500

CREATE, UPDATE, SKIP = "create", "update", "skip"
#: Enrolment fields a repeated row may change (the e-mail and the cohort are the key).
UPDATABLE = ("given_name", "family_name", "sex", "organisation", "position", "region", "role")
MAX_LENGTHS = {
    "given_name": 100,
    "family_name": 100,
    "email": 254,
    "organisation": 200,
    "position": 200,
    "region": 100,
}
#: A programme role's badge role on the events' registrations.
REGISTRATION_ROLE = {
    EnrolmentRole.PARTICIPANT: ParticipantRole.PARTICIPANT,
    EnrolmentRole.MENTOR: ParticipantRole.MENTOR,
    EnrolmentRole.MENTEE: ParticipantRole.MENTEE,
    EnrolmentRole.TRAINER: ParticipantRole.EXPERT,
}

#: Why a row is skipped (code → sentence; params: column, value, row, capacity, limit).
REASONS = {
    "missing": gettext_lazy("“%(column)s” is empty."),
    "bad_email": gettext_lazy("“%(value)s” is not an e-mail address."),
    "formula": gettext_lazy(
        "“%(column)s” holds a formula (%(value)s): it is read as text, never calculated. "
        "Type the value itself."
    ),
    "too_long": gettext_lazy("“%(column)s” is longer than %(limit)s characters."),
    "unknown_cohort": gettext_lazy("There is no cohort with the code “%(value)s” here."),
    "unknown_region": gettext_lazy("“%(value)s” is not the region of any cohort here."),
    "unknown_value": gettext_lazy("“%(value)s” is not a known value of “%(column)s”."),
    "duplicate_in_file": gettext_lazy("The same e-mail is on row %(row)s of this file."),
    "other_cohort": gettext_lazy(
        "Already enrolled in another cohort of this programme (%(value)s)."
    ),
    "withdrawn": gettext_lazy(
        "Withdrew from this programme; enrol them again on the enrolments screen."
    ),
    "over_capacity": gettext_lazy("Cohort “%(value)s” is full (%(capacity)s places)."),
    "identical": gettext_lazy("Already enrolled with the same details."),
}
#: Problems of the file as a whole that block the import.
PROBLEMS = {
    "event_full": gettext_lazy(
        "“%(event)s” has %(free)s free places; this file registers %(needed)s new people "
        "for it. Raise its capacity or remove people from the file."
    ),
    "nothing": gettext_lazy("Nothing to import: every row is skipped."),
}
ACTION_LABELS = {
    CREATE: gettext_lazy("create"),
    UPDATE: gettext_lazy("update"),
    SKIP: gettext_lazy("skip"),
}


class RosterError(Exception):
    """The import was refused as a whole. ``code`` says why."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def reason_text(reason: dict) -> str:
    """A dry run's reason (code and params) as a sentence in the active language."""
    params = dict(reason)
    code = params.pop("code")
    template = REASONS.get(code) or PROBLEMS.get(code)
    if template is None:
        return code
    column = params.get("column")
    if column:
        labels = {c.key: c.label for c in COLUMNS}
        params["column"] = capfirst(str(labels.get(column, column)))
    params.setdefault("value", "")
    return str(template) % params


# --- values -----------------------------------------------------------------------------


def _choice_aliases(choices, extra: dict[str, str]) -> dict[str, str]:
    aliases = {header_key(k): v for k, v in extra.items()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                aliases.setdefault(header_key(label), value)
    for value, _label in choices:
        aliases[header_key(value)] = value
    return aliases


def _sex_aliases() -> dict[str, str]:
    female, male = Sex.FEMALE.value, Sex.MALE.value
    extra = {
        "f": female,
        "w": female,
        "woman": female,
        "ж": female,
        "жен": female,
        "женский": female,
        "женщина": female,
        "жін": female,
        "жіноча": female,
        "жінка": female,
        "әйел": female,
        "m": male,
        "man": male,
        "м": male,
        "муж": male,
        "мужской": male,
        "мужчина": male,
        "чол": male,
        "чоловіча": male,
        "чоловік": male,
        "ер": male,
    }
    return _choice_aliases(Sex.choices, extra)


def _role_aliases() -> dict[str, str]:
    extra = {
        "тренер": EnrolmentRole.TRAINER,
        "наставник": EnrolmentRole.MENTOR,
        "ментор": EnrolmentRole.MENTOR,
        "менти": EnrolmentRole.MENTEE,
        "слушатель": EnrolmentRole.PARTICIPANT,
        "слухач": EnrolmentRole.PARTICIPANT,
    }
    return _choice_aliases(EnrolmentRole.choices, extra)


def _language_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for code, name in settings.LANGUAGES:
        aliases[header_key(code)] = code
        aliases[header_key(name)] = code
        info = translation.get_language_info(code)
        aliases.setdefault(header_key(info["name"]), code)
        aliases.setdefault(header_key(info["name_local"]), code)
        for other, _name in settings.LANGUAGES:
            with translation.override(other):
                aliases.setdefault(header_key(translation.gettext(info["name"])), code)
    return aliases


def _country_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                aliases.setdefault(header_key(name), code)
    for code, _name in countries:
        aliases[header_key(code)] = code
    return aliases


@dataclass
class _Context:
    """What checking a row needs, read once per dry run."""

    programme: ProgrammePage
    cohorts: dict[str, Cohort]
    regions: dict[str, str]
    existing: dict[str, Enrolment]
    enrolled: Counter
    sex: dict[str, str]
    role: dict[str, str]
    language: dict[str, str]
    country: dict[str, str]
    default_language: str


def _context(programme: ProgrammePage, emails: Iterable[str], default_language: str) -> _Context:
    source = programme.source
    cohorts = {c.code.casefold(): c for c in Cohort.objects.filter(programme=source)}
    regions = {header_key(c.region): c.region for c in cohorts.values() if c.region}
    existing: dict[str, Enrolment] = {}
    emails = sorted(set(emails))
    for start in range(0, len(emails), BATCH):
        chunk = emails[start : start + BATCH]
        for enrolment in Enrolment.objects.filter(
            programme=source, anonymised_at__isnull=True, email_normalised__in=chunk
        ).select_related("cohort"):
            existing[enrolment.email_normalised] = enrolment
    enrolled = Counter(
        dict(
            Enrolment.objects.filter(
                programme=source,
                status=EnrolmentStatus.ENROLLED,
                anonymised_at__isnull=True,
                cohort__isnull=False,
            )
            .values_list("cohort_id")
            .annotate(n=Count("pk"))
            .values_list("cohort_id", "n")
        )
    )
    return _Context(
        programme=source,
        cohorts=cohorts,
        regions=regions,
        existing=existing,
        enrolled=enrolled,
        sex=_sex_aliases(),
        role=_role_aliases(),
        language=_language_aliases(),
        country=_country_aliases(),
        default_language=default_language,
    )


def _check(values: dict[str, str], formulas: list[str], ctx: _Context) -> tuple[dict, list]:
    """The row's clean values and its reasons to be skipped (before duplicates/capacity)."""
    reasons: list[dict] = []
    clean: dict[str, Any] = {"given": {k for k, v in values.items() if v}}
    for key in formulas:
        reasons.append({"code": "formula", "column": key, "value": values.get(key, "")[:60]})
    for column in COLUMNS:
        if column.required and not values.get(column.key) and column.key not in formulas:
            reasons.append({"code": "missing", "column": column.key})
    for key, limit in MAX_LENGTHS.items():
        if len(values.get(key, "")) > limit:
            reasons.append({"code": "too_long", "column": key, "limit": limit})
        clean[key] = values.get(key, "")
    email = values.get("email", "")
    if email and "email" not in formulas:
        try:
            validate_email(email)
        except ValidationError:
            reasons.append({"code": "bad_email", "column": "email", "value": email[:100]})
    clean["email_normalised"] = normalise_email(email)
    code = values.get("cohort", "")
    cohort = ctx.cohorts.get(code.casefold()) if code else None
    if code and cohort is None and "cohort" not in formulas:
        reasons.append({"code": "unknown_cohort", "column": "cohort", "value": code[:60]})
    clean["cohort"] = cohort
    for key, aliases, default in (
        ("sex", ctx.sex, ""),
        ("role", ctx.role, EnrolmentRole.PARTICIPANT.value),
        ("language", ctx.language, ctx.default_language),
        ("country", ctx.country, ""),
    ):
        raw = values.get(key, "")
        if not raw:
            clean[key] = default
            continue
        value = aliases.get(header_key(raw))
        if value is None and key not in formulas:
            reasons.append({"code": "unknown_value", "column": key, "value": raw[:60]})
        clean[key] = value or default
    region = values.get("region", "")
    if region and ctx.regions:
        known = ctx.regions.get(header_key(region))
        if known is None and "region" not in formulas:
            reasons.append({"code": "unknown_region", "column": "region", "value": region[:60]})
        clean["region"] = known or region
    elif not region and cohort is not None:
        clean["region"] = cohort.region
    return clean, reasons


def _row_json(number: int, action: str, clean: dict, reasons: list, changes=()) -> dict:
    cohort = clean.get("cohort")
    return {
        "row": number,
        "action": action,
        "given_name": clean.get("given_name", "")[:100],
        "family_name": clean.get("family_name", "")[:100],
        "email": clean.get("email", "")[:254],
        "cohort": cohort.code if cohort is not None else "",
        "reasons": reasons,
        "changes": list(changes),
    }


@dataclass
class Plan:
    """A dry run: the JSON kept on the import, plus what the import writes (not kept)."""

    report: dict
    creates: list[dict]
    updates: list[tuple[Enrolment, dict]]
    registrations: list[tuple[int, int]]  # (index in creates, event id) to register


def roster_plan(
    *,
    programme: ProgrammePage,
    roster: RosterFile,
    default_language: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Plan:
    """Decide, row by row, what importing ``roster`` into ``programme`` would do.

    Reads the programme's cohorts, its enrolments with the file's e-mails, the registrations
    of those people for the programme's events and the events' places held, in a constant
    number of queries per 500 rows. Side effects: none.
    """
    source = programme.source
    default_language = default_language or source.locale.language_code
    emails = [normalise_email(row.values.get("email", "")) for row in roster.rows]
    ctx = _context(source, [e for e in emails if e], default_language)
    events = programme_events(source)
    own = cohort_event_ids(source)
    listed = set().union(*own.values()) if own else set()
    events_of = {
        cohort.pk: [e.pk for e in events if e.pk not in listed or e.pk in own.get(cohort.pk, ())]
        for cohort in ctx.cohorts.values()
    }

    rows_json: list[dict] = []
    creates: list[dict] = []
    updates: list[tuple[Enrolment, dict]] = []
    seen: dict[str, int] = {}
    counts = Counter()
    for index, row in enumerate(roster.rows, start=1):
        clean, reasons = _check(row.values, row.formulas, ctx)
        email = clean["email_normalised"]
        cohort = clean["cohort"]
        first = seen.get(email) if email else None
        if email and first is None:
            seen[email] = row.number
        if reasons:
            action, changes = SKIP, []
        elif first is not None:
            action, changes = SKIP, []
            reasons = [{"code": "duplicate_in_file", "row": first}]
        else:
            action, changes, reasons = _decide(clean, ctx)
        full = cohort is not None and cohort.capacity is not None
        if action == CREATE and full and ctx.enrolled[cohort.pk] >= cohort.capacity:
            action = SKIP
            reasons = [{"code": "over_capacity", "value": cohort.code, "capacity": cohort.capacity}]
        if action == CREATE:
            ctx.enrolled[cohort.pk] += 1
            creates.append(clean)
        elif action == UPDATE:
            updates.append((ctx.existing[email], {k: clean[k] for k in changes}))
        counts[action] += 1
        rows_json.append(_row_json(row.number, action, clean, reasons, changes))
        if on_progress is not None and index % 250 == 0:
            on_progress(index)

    registrations, problems = _registrations_needed(creates, events, events_of)
    if not creates and not updates:
        problems.append({"code": "nothing"})
    report = {
        "version": 1,
        "kind": roster.kind,
        "total": len(roster.rows),
        "counts": {CREATE: counts[CREATE], UPDATE: counts[UPDATE], SKIP: counts[SKIP]},
        "registrations": len(registrations),
        "warnings": list(roster.warnings),
        "ignored_headers": list(roster.ignored_headers),
        "problems": problems,
        "rows": rows_json,
    }
    return Plan(report=report, creates=creates, updates=updates, registrations=registrations)


def _decide(clean: dict, ctx: _Context) -> tuple[str, list[str], list[dict]]:
    existing = ctx.existing.get(clean["email_normalised"])
    if existing is None:
        return CREATE, [], []
    if existing.cohort_id != clean["cohort"].pk:
        other = existing.cohort.code if existing.cohort is not None else "—"
        return SKIP, [], [{"code": "other_cohort", "value": other}]
    if existing.status == EnrolmentStatus.WITHDRAWN:
        return SKIP, [], [{"code": "withdrawn"}]
    changes = [k for k in UPDATABLE if k in clean["given"] and getattr(existing, k) != clean[k]]
    if not changes:
        return SKIP, [], [{"code": "identical"}]
    return UPDATE, changes, []


def _registrations_needed(
    creates: list[dict], events: list[EventPage], events_of: dict[int, list[int]]
) -> tuple[list[tuple[int, int]], list[dict]]:
    """(create index, event id) of each registration to make, and the events without room."""
    event_ids = [e.pk for e in events]
    emails = [c["email_normalised"] for c in creates]
    registered: set[tuple[str, int]] = set()
    for start in range(0, len(emails), BATCH):
        registered.update(
            Registration.objects.filter(
                event_id__in=event_ids, email_normalised__in=emails[start : start + BATCH]
            ).values_list("email_normalised", "event_id")
        )
    needed: list[tuple[int, int]] = []
    per_event: Counter = Counter()
    for index, clean in enumerate(creates):
        for event_id in events_of.get(clean["cohort"].pk, ()):
            if (clean["email_normalised"], event_id) not in registered:
                needed.append((index, event_id))
                per_event[event_id] += 1
    problems = []
    limited = [e for e in events if e.capacity is not None and per_event[e.pk]]
    if limited:
        held = dict(
            Registration.objects.filter(
                event_id__in=[e.pk for e in limited], status__in=HOLDS_A_PLACE
            )
            .values_list("event_id")
            .annotate(n=Count("pk"))
            .values_list("event_id", "n")
        )
        for event in limited:
            free = max(0, event.capacity - held.get(event.pk, 0))
            if per_event[event.pk] > free:
                problems.append(
                    {
                        "code": "event_full",
                        "event": event.title,
                        "free": free,
                        "needed": per_event[event.pk],
                    }
                )
    return needed, problems


# --- upload, dry run --------------------------------------------------------------------


def roster_upload(*, programme: ProgrammePage, upload, by=None) -> RosterImport:
    """Keep an uploaded roster file (private storage) and run its dry run: now for a small
    file, in the worker for a larger one (``roster_dry_run`` job).

    ``upload``: a Django ``UploadedFile``. Raises ``RosterFileError`` when the file as a whole
    cannot be read (nothing is kept then). Side effects: a ``RosterImport`` with the file;
    its dry run JSON, or a ``conference.Job`` queued after commit.
    """
    source = programme.source
    roster = roster_read(upload, filename=upload.name or "", size=upload.size)
    by = by if getattr(by, "pk", None) else None
    upload.seek(0)
    with transaction.atomic():
        roster_import = RosterImport(
            programme=source, created_by=by, filename=(upload.name or "roster")[-255:]
        )
        roster_import.upload.save(_storage_name(upload.name, roster.kind), upload, save=False)
        if len(roster.rows) <= INLINE_ROWS:
            plan = roster_plan(programme=source, roster=roster)
            roster_import.dry_run = plan.report
        else:
            roster_import.job = job_create(
                kind="roster_dry_run",
                params={"programme": source.pk},
                owner=by,
                total=len(roster.rows),
            )
        roster_import.save()
    return roster_import


def _storage_name(name: str | None, kind: str) -> str:
    # The person's file name stays in ``filename``; storage gets a neutral one.
    return f"roster.{kind}"


def _read_kept(roster_import: RosterImport) -> RosterFile:
    with roster_import.upload.open("rb") as handle:
        return roster_read(handle, filename=roster_import.filename)


def roster_dry_run_work(*, job, context) -> JobResult:
    """Job handler (kind ``roster_dry_run``): the dry run of a large file, with progress.

    Side effects: the import's ``dry_run`` JSON; the job's progress.
    """
    roster_import = RosterImport.objects.select_related("programme").get(job=job)
    roster = _read_kept(roster_import)
    total = len(roster.rows)
    context.progress(0, total)
    plan = roster_plan(
        programme=roster_import.programme,
        roster=roster,
        on_progress=lambda done: context.progress(done, total),
    )
    RosterImport.objects.filter(pk=roster_import.pk).update(dry_run=plan.report)
    return _report_result(roster_import, plan.report)


# --- the import -------------------------------------------------------------------------


def roster_import_start(*, roster_import: RosterImport, by=None) -> RosterImport:
    """Ask the worker to import a roster whose dry run staff have seen (``roster_import`` job).

    Raises ``RosterError`` (``not_ready``: no dry run yet or it found blocking problems;
    ``already``: imported or importing). Side effects: a ``conference.Job`` queued after
    commit, linked to the import (under a row lock: a double click starts one job).
    """
    by = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if locked.imported_at is not None or (
            locked.job_id
            and locked.job.kind == "roster_import"
            and locked.job.status != JobStatus.FAILED
        ):
            raise RosterError(_("This file is imported already."), code="already")
        report = locked.dry_run or {}
        if not report.get("rows") or report.get("problems"):
            raise RosterError(
                _("The dry run has not finished or found problems: nothing to import."),
                code="not_ready",
            )
        locked.job = job_create(
            kind="roster_import",
            params={"programme": locked.programme_id},
            owner=by,
            total=2 * report["total"],
        )
        locked.save(update_fields=["job"])
    return locked


def roster_import_work(*, job, context) -> JobResult:
    """Job handler (kind ``roster_import``): check again, then write everything at once.

    Progress: the first half while the rows are checked, the second when the write commits.
    Raises ``RosterError`` (the job fails with its sentence kept on the import).
    """
    roster_import = RosterImport.objects.select_related("programme", "created_by").get(job=job)
    if roster_import.imported_at is not None:  # a redelivered task: done already
        return _report_result(roster_import, roster_import.dry_run)
    roster = _read_kept(roster_import)
    total = len(roster.rows)
    context.progress(0, 2 * total)
    try:
        result = roster_import_run(
            roster_import=roster_import,
            roster=roster,
            by=roster_import.created_by,
            on_progress=lambda done: context.progress(done, 2 * total),
            still_held=lambda: _lease_held(job, context.token),
        )
    except RosterError as exc:
        report = dict(roster_import.dry_run)
        report["import_error"] = {"code": exc.code, "message": str(exc.message)}
        RosterImport.objects.filter(pk=roster_import.pk).update(dry_run=report)
        raise
    return _report_result(roster_import, result)


def _lease_held(job: Job, token: str) -> bool:
    return (
        Job.objects.select_for_update()
        .filter(pk=job.pk, status=JobStatus.RUNNING, lease_token=token)
        .exists()
    )


def _actions(report: dict) -> list[tuple[int, str]]:
    return [(row["row"], row["action"]) for row in report.get("rows", ())]


def roster_import_run(
    *,
    roster_import: RosterImport,
    roster: RosterFile | None = None,
    by=None,
    on_progress: Callable[[int], None] | None = None,
    still_held: Callable[[], bool] | None = None,
) -> dict:
    """Import the roster now, in this process (the worker's handler calls it; so do tests
    and the benchmark). Returns the report of what was done.

    One transaction: lock the programme's cohorts and events, make the dry run again, refuse
    if it differs from the one staff confirmed (``changed``) or finds blocking problems
    (``problems``), then bulk-insert enrolments, registrations (confirmed) and their status
    changes and update changed enrolments. ``still_held`` (the worker's lease) is asked last:
    False rolls everything back. Raises ``RosterError``, ``JobLeaseLost``.
    """
    programme = roster_import.programme.source
    roster = roster if roster is not None else _read_kept(roster_import)
    confirmed = roster_import.dry_run or {}
    # First pass, without locks: the slow part, with progress others can see.
    first = roster_plan(programme=programme, roster=roster, on_progress=on_progress)
    _refuse_if_changed(first.report, confirmed)
    now = timezone.now()
    by = by if getattr(by, "pk", None) else None
    with transaction.atomic():
        list(Cohort.objects.select_for_update().filter(programme=programme).order_by("pk"))
        list(
            EventPage.objects.select_for_update(of=("self",), no_key=True)
            .filter(pk__in=[e.pk for e in programme_events(programme)])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if locked.imported_at is not None:
            raise RosterError(_("This file is imported already."), code="already")
        plan = roster_plan(programme=programme, roster=roster)
        _refuse_if_changed(plan.report, confirmed)
        created = _write(plan, programme=programme, by=by, now=now)
        report = dict(plan.report)
        report["done"] = {
            "enrolments": len(created),
            "updated": len(plan.updates),
            "registrations": len(plan.registrations),
        }
        report["imported_at"] = now.isoformat()
        if still_held is not None and not still_held():
            raise JobLeaseLost(f"roster import {roster_import.pk}: lease lost before commit")
        RosterImport.objects.filter(pk=locked.pk).update(imported_at=now, dry_run=report)
    roster_import.imported_at = now
    roster_import.dry_run = report
    return report


def _refuse_if_changed(report: dict, confirmed: dict) -> None:
    if report["problems"]:
        raise RosterError(" ".join(reason_text(p) for p in report["problems"]), code="problems")
    if _actions(report) != _actions(confirmed):
        raise RosterError(
            _(
                "The programme changed since the dry run (people enrolled, cohorts edited): "
                "nothing was imported. Upload the file again for a new dry run."
            ),
            code="changed",
        )


def _write(plan: Plan, *, programme: ProgrammePage, by, now) -> list[Enrolment]:
    enrolments = [
        Enrolment(
            programme=programme,
            cohort=clean["cohort"],
            status=EnrolmentStatus.ENROLLED,
            role=clean["role"],
            given_name=clean["given_name"],
            family_name=clean["family_name"],
            email=clean["email"],
            email_normalised=clean["email_normalised"],
            sex=clean["sex"],
            organisation=clean["organisation"],
            position=clean["position"],
            region=clean["region"],
            language=clean["language"],
        )
        for clean in plan.creates
    ]
    created = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    if plan.updates:
        changed: list[Enrolment] = []
        fields: set[str] = {"updated_at"}
        for enrolment, changes in plan.updates:
            for key, value in changes.items():
                setattr(enrolment, key, value)
            enrolment.updated_at = now
            fields.update(changes)
            changed.append(enrolment)
        Enrolment.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    version = privacy_notice_current().version
    registrations = []
    for index, event_id in plan.registrations:
        clean = plan.creates[index]
        registration = Registration(
            event_id=event_id,
            status=RegistrationStatus.CONFIRMED,
            given_name=clean["given_name"],
            family_name=clean["family_name"],
            email=clean["email"],
            email_normalised=clean["email_normalised"],
            organisation=clean["organisation"],
            organisation_type=OrganisationType.OTHER,
            position=clean["position"],
            country=clean["country"],
            sex=clean["sex"],
            role=REGISTRATION_ROLE.get(clean["role"], ParticipantRole.PARTICIPANT),
            language=clean["language"],
            consent_version=version,
            consent_at=now,
        )
        registration.search_text = search_document(registration)
        registrations.append(registration)
    made = Registration.objects.bulk_create(registrations, batch_size=BATCH)
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                registration=registration,
                from_status="",
                to_status=RegistrationStatus.CONFIRMED,
                by=by,
                note="roster import",
            )
            for registration in made
        ],
        batch_size=BATCH,
    )
    return created


# --- files for staff --------------------------------------------------------------------


def _report_result(roster_import: RosterImport, report: dict) -> JobResult:
    return JobResult(
        filename=f"roster-report-{roster_import.pk}.xlsx",
        content=roster_report_xlsx(report=report),
    )


def roster_report_xlsx(*, report: dict, out: IO[bytes] | None = None) -> bytes:
    """The dry run (or the import's result) as a workbook: one row per row of the file with
    its action and reasons, in the active language. Cells are text, never formulas (a
    formula in the roster is shown as the text it is). Side effects: writes ``out`` if given.
    """
    labels = {c.key: capfirst(str(c.label)) for c in COLUMNS}
    header = [
        _("Row"),
        _("Action"),
        _("Reasons"),
        labels["given_name"],
        labels["family_name"],
        labels["email"],
        labels["cohort"],
        _("Changes"),
    ]
    rows = (
        [
            row["row"],
            str(ACTION_LABELS.get(row["action"], row["action"])),
            " ".join(reason_text(r) for r in row["reasons"]),
            row["given_name"],
            row["family_name"],
            row["email"],
            row["cohort"],
            ", ".join(labels.get(k, k) for k in row.get("changes", ())),
        ]
        for row in report.get("rows", ())
    )
    summary = [
        [str(ACTION_LABELS[a]), report.get("counts", {}).get(a, 0)] for a in (CREATE, UPDATE, SKIP)
    ]
    summary += [[_("Problem"), reason_text(p)] for p in report.get("problems", ())]
    summary += [[_("Warning"), w] for w in report.get("warnings", ())]
    return xlsx_workbook(
        [
            XlsxSheet(title=_("Roster rows"), header=header, rows=rows),
            XlsxSheet(title=_("Summary"), header=[_("What"), _("How many")], rows=summary),
        ],
        out=out,
    )


def roster_template_xlsx(*, programme: ProgrammePage) -> bytes:
    """An empty roster with the column headers in the active language, and a second sheet
    with the values the columns accept (the programme's cohort codes and regions, sex, role,
    language). Side effects: none."""
    source = programme.source
    cohorts = list(Cohort.objects.filter(programme=source).order_by("code"))
    accepted = [[capfirst(str(_label_of("cohort"))), c.code, c.region] for c in cohorts]
    accepted += [[capfirst(str(_label_of("sex"))), v, str(label)] for v, label in Sex.choices]
    accepted += [
        [capfirst(str(_label_of("role"))), v, str(label)] for v, label in EnrolmentRole.choices
    ]
    accepted += [[capfirst(str(_label_of("language"))), c, n] for c, n in settings.LANGUAGES]
    return xlsx_workbook(
        [
            XlsxSheet(title=_("Roster"), header=template_headers(), rows=[]),
            XlsxSheet(
                title=_("Accepted values"),
                header=[_("Column"), _("Value"), _("Meaning")],
                rows=accepted,
            ),
        ]
    )


def _label_of(key: str):
    return next(c.label for c in COLUMNS if c.key == key)


__all__ = [
    "RosterError",
    "RosterFileError",
    "roster_dry_run_work",
    "roster_import_run",
    "roster_import_start",
    "roster_import_work",
    "roster_plan",
    "roster_report_xlsx",
    "roster_template_xlsx",
    "roster_upload",
]
