"""The new code's half of the upgrade check, run after ``manage.py migrate`` on a database the
old code made (``old_side.py``): does everything the old release left still work?

Checks, in this order (nothing writes to the database before the first two):

1. tables: every table of the snapshot still exists with the same row count and the same
   hash of its sorted primary keys (``GROW_ONLY`` tables — migrations, content types,
   permissions and the staff groups' permissions — may only grow); new tables are listed;
2. content types: each old row keeps its id; a model that moved app has its row relabelled
   (found by the model's table), none is left pointing at a model that no longer exists;
3. django-q2: every Schedule.func and every queued task's func (read with django-q2's
   signing, as a worker reads it) imports; ``setup_schedules`` again leaves one schedule
   per name, manages every name, and no two schedules run the same function;
4. HTTP as the demo organiser (force_login): the admin dashboard, every admin screen of the
   registration package that takes no argument or only an event id, the snippet listings of
   its models; anonymously, the public event page and a participant's page by signed link;
5. a report exported to XLSX through the admin's export view;
6. the outbox sender task once (locmem e-mail backend), then every task the old code queued,
   as a worker would run it, and the jobs they ran.

Usage: python .ci/upgrade/smoke.py [--migrate] SNAPSHOT.json   (exit status 1 on any failure;
``--migrate`` runs ``manage.py migrate`` in this process first)
"""

from __future__ import annotations

import io
import json
import logging
import os
import pydoc
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

import django

django.setup()

import dbstate  # noqa: E402 -- beside this file
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

STARTED = time.monotonic()
#: Tables an upgrade may add rows to (never remove): its own migrations, the content types
#: and permissions of models it adds, and the staff groups' permissions that
#: ``roles_sync_groups`` (run after every migrate) adds: since organisers edit their events
#: with Wagtail page permissions, each event gets an "Organisers of event <id>" group with
#: its members and page permissions, and the organisers' group its collection permissions.
GROW_ONLY = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "auth_user_groups",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_grouppagepermission",
}
#: Where the restructure moves models (model name → new app label); checked only when the
#: new code has these apps.
EXPECTED_MOVES = {
    **dict.fromkeys(
        ("message", "eventcalendar", "calendarinvite", "organisermessage", "outboxwakeup"),
        "messaging",
    ),
    **dict.fromkeys(("checkin", "badgebatch"), "checkin"),
    **dict.fromkeys(
        ("recommendation", "reportexport", "survey", "question", "surveyresponse", "answer"),
        "reports",
    ),
}
#: App labels whose models' admin listings are GET: the registration package's apps.
PACKAGE_LABELS = ("registration", "messaging", "checkin", "reports")
#: Where the outbox sender task lives (the new layout first).
OUTBOX_SENDER = (
    "registration.messaging.tasks.send_due_messages",
    "registration.tasks.send_due_messages",
)


class Result:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passed = 0
        self.section = ""

    def start(self, section: str) -> None:
        self.section = section
        say(f"--- {section}")

    def ok(self, text: str) -> None:
        self.passed += 1
        say(f"  ok    {text}")

    def fail(self, text: str) -> None:
        self.failures.append(f"[{self.section}] {text}")
        say(f"  FAIL  {text}")

    def check(self, condition: bool, text: str, detail: str = "") -> bool:
        if condition:
            self.ok(text)
        else:
            self.fail(f"{text}: {detail}" if detail else text)
        return condition


def say(text: str) -> None:
    sys.stdout.write(f"[new {time.monotonic() - STARTED:5.1f}s] {text}\n")
    sys.stdout.flush()


def short(items, limit: int = 8) -> str:
    items = list(items)
    more = f" … (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(str(i) for i in items[:limit]) + more


def locate(path: str):
    """The callable at ``path`` as django-q2's worker finds it (``pydoc.locate``), and the
    error when there is none."""
    try:
        found = pydoc.locate(path)
    except Exception as exc:  # noqa: BLE001 -- the import error is the finding
        return None, f"{type(exc).__name__}: {exc}"
    if found is None:
        return None, "pydoc.locate finds nothing there"
    if not callable(found):
        return None, "not callable"
    return found, ""


def model_named(object_name: str):
    """The model class called ``object_name`` in the registration package, wherever it is."""
    for label in PACKAGE_LABELS:
        try:
            return apps.get_model(label, object_name)
        except LookupError:
            continue
    raise LookupError(object_name)


# --- 1. tables -------------------------------------------------------------------------------


def check_tables(r: Result, snapshot: dict) -> None:
    r.start("tables: rows kept (count and hash of sorted primary keys)")
    now = dbstate.tables_state()
    same = 0
    for table, old in snapshot["tables"].items():
        new = now.get(table)
        if new is None:
            r.fail(f"table {table} ({old['count']} rows) is gone")
            continue
        old_keys = {json.dumps(k) for k in old["keys"]}
        new_keys = {json.dumps(k) for k in new["keys"]}
        if table in GROW_ONLY:
            lost = old_keys - new_keys
            r.check(
                not lost,
                f"{table}: {old['count']} → {new['count']} rows, none lost",
                f"rows lost (keys {short(sorted(lost))})",
            )
            continue
        if new["count"] == old["count"] and new["hash"] == old["hash"]:
            same += 1
            continue
        r.fail(
            f"table {table}: {old['count']} rows before, {new['count']} after; keys gone: "
            f"[{short(sorted(old_keys - new_keys))}], keys new: "
            f"[{short(sorted(new_keys - old_keys))}]"
        )
    r.check(True, f"{same} tables with the same rows (count and key hash)")
    added = sorted(set(now) - set(snapshot["tables"]))
    say(f"  info  new tables: {short(added, 20) if added else 'none'}")


# --- 2. content types ------------------------------------------------------------------------


def check_content_types(r: Result, snapshot: dict) -> None:
    r.start("content types: same ids, new app labels for moved models")
    now = {row["id"]: row for row in dbstate.content_types_state()}
    by_table = defaultdict(list)
    for m in apps.get_models():
        by_table[m._meta.db_table, m._meta.model_name].append(m)
    old_ids = set()
    moved, kept = [], 0
    for old in snapshot["content_types"]:
        old_ids.add(old["id"])
        name = f"{old['app_label']}.{old['model']} (id {old['id']})"
        new = now.get(old["id"])
        if new is None:
            r.fail(f"content type {name} was deleted")
            continue
        if old["db_table"] is None:
            say(f"  info  {name} pointed at no model already before the upgrade")
            continue
        try:
            model = apps.get_model(old["app_label"], old["model"])
        except LookupError:
            # Moved: the model of the same name on the same table, in another app.
            found = by_table.get((old["db_table"], old["model"]), [])
            if len(found) != 1:
                r.fail(
                    f"content type {name}: {len(found)} models of the new code are called "
                    f"{old['model']} on its table {old['db_table']}; the row is now "
                    f"{new['app_label']}.{new['model']}"
                )
                continue
            model = found[0]
        want = (model._meta.app_label, model._meta.model_name)
        if (new["app_label"], new["model"]) != want:
            r.fail(
                f"content type {name}: the model of table {old['db_table']} is now "
                f"{want[0]}.{want[1]}, but the row with that id says "
                f"{new['app_label']}.{new['model']}"
            )
        elif want != (old["app_label"], old["model"]):
            moved.append(
                f"{old['app_label']}.{old['model']} → {want[0]}.{want[1]} (id {old['id']})"
            )
        else:
            kept += 1
    r.check(True, f"{kept} content types unchanged")
    for line in moved:
        r.ok(f"moved, same id: {line}")
    for ct_id, row in sorted(now.items()):
        if row["db_table"] is None and ct_id not in old_ids:
            r.fail(
                f"content type {row['app_label']}.{row['model']} (id {ct_id}) is new and "
                "points at no model"
            )
        elif row["db_table"] is None:
            old = next(o for o in snapshot["content_types"] if o["id"] == ct_id)
            if old["db_table"] is not None:
                r.fail(
                    f"content type {row['app_label']}.{row['model']} (id {ct_id}) points at "
                    "a model that no longer exists"
                )
    # Two rows for one table: a content type made afresh instead of moving the old one.
    tables = defaultdict(list)
    for ct_id, row in now.items():
        if row["db_table"] and not row["proxy"]:
            tables[row["db_table"]].append(f"{row['app_label']}.{row['model']} (id {ct_id})")
    for table, rows in tables.items():
        if len(rows) > 1:
            r.fail(f"table {table} has {len(rows)} content types: {', '.join(rows)}")
    labels = {config.label for config in apps.get_app_configs()}
    if {"messaging", "checkin", "reports"} <= labels:
        old_by_model = {
            o["model"]: o["id"]
            for o in snapshot["content_types"]
            if o["app_label"] == "registration"
        }
        for model_name, label in EXPECTED_MOVES.items():
            if model_name not in old_by_model:
                continue
            row = now.get(old_by_model[model_name])
            got = f"{row['app_label']}.{row['model']}" if row else "deleted"
            r.check(
                row is not None and (row["app_label"], row["model"]) == (label, model_name),
                f"registration.{model_name} is now {label}.{model_name}, same id",
                f"id {old_by_model[model_name]} is {got}",
            )


# --- 3. django-q2 ------------------------------------------------------------------------------


def check_schedules_and_queue(r: Result, snapshot: dict) -> None:
    r.start("django-q2: schedules and queued tasks import")
    for row in dbstate.schedules_state():
        _func, error = locate(row["func"])
        r.check(not error, f"schedule {row['name']!r}: {row['func']} imports", error)
    queued = dbstate.queued_tasks()
    r.check(bool(queued), f"{len(queued)} tasks in the ORM broker", "the queue is empty")
    for task in queued:
        if "error" in task:
            r.fail(f"queued task {task['id']}: the payload does not load: {task['error']}")
            continue
        _func, error = locate(task["func"])
        r.check(not error, f"queued task {task['id']}: {task['func']} imports", error)

    r.start("django-q2: setup_schedules again")
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    said = out.getvalue()
    rows = dbstate.schedules_state()
    names = defaultdict(list)
    for row in rows:
        names[row["name"]].append(row)
    for name, same_name in names.items():
        r.check(
            len(same_name) == 1,
            f"one schedule named {name!r}",
            f"{len(same_name)} rows: {short(s['func'] for s in same_name)}",
        )
        if name not in said:
            r.fail(
                f"schedule {name!r} ({same_name[0]['func']}) is left from the old code: "
                "setup_schedules no longer manages it, so it runs besides the new ones"
            )
    by_callable = defaultdict(list)
    for row in rows:
        func, error = locate(row["func"])
        r.check(not error, f"schedule {row['name']!r}: {row['func']} imports", error)
        if func is not None:
            by_callable[func].append(f"{row['name']!r} ({row['func']})")
    for using in by_callable.values():
        if len(using) > 1:
            r.fail(f"{len(using)} schedules run the same function: {', '.join(using)}")
    renamed = {s["name"]: s["func"] for s in snapshot["schedules"]}
    for row in rows:
        if row["name"] in renamed and renamed[row["name"]] != row["func"]:
            say(f"  info  schedule {row['name']!r}: {renamed[row['name']]} → {row['func']}")


# --- 4. HTTP -----------------------------------------------------------------------------------


def url_patterns():
    """(name, route, kwargs, positional, callback) of every URL pattern (the resolver walk of
    tests/registration/test_role_matrix.py)."""
    found = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name:
                regex = entry.pattern.regex
                found.append(
                    (
                        ":".join((*namespaces, entry.name)),
                        prefix + str(entry.pattern),
                        set(regex.groupindex),
                        regex.groups - len(regex.groupindex),
                        entry.callback,
                    )
                )

    walk(get_resolver(), "", ())
    return found


def _module_of(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__ or ""


def admin_urls(event_id: int) -> list[tuple[str, str]]:
    """The admin screens of the registration package that take no argument or only an event
    id, and the snippet listings of its models: (name, URL)."""
    chosen = []
    snippet_prefixes = tuple(f"wagtailsnippets_{label}_" for label in PACKAGE_LABELS)
    for name, route, kwargs, positional, callback in url_patterns():
        if not route.startswith("admin/") or positional or not kwargs <= {"event_id"}:
            continue
        ours = _module_of(callback).split(".")[0] == "registration"
        snippet_list = name.startswith(snippet_prefixes) and name.endswith(":list")
        if not (ours or snippet_list):
            continue
        url = reverse(name, kwargs={"event_id": event_id} if kwargs else None)
        chosen.append((name, url))
    return sorted(set(chosen))


def _login_path(url: str) -> bool:
    return url.split("?")[0].startswith((reverse("wagtailadmin_login"), "/admin/otp/"))


#: Screens the demo organiser is refused on purpose (Wagtail then redirects to the dashboard).
EXPECTED_DENIED = {"event_roles:add": "only administrators give staff roles"}


def get(r: Result, client: Client, what: str, url: str, *, must_contain: str = "") -> None:
    try:
        response = client.get(url, follow=True)
    except Exception:  # noqa: BLE001 -- the traceback is the finding
        r.fail(f"{what} GET {url} raised:\n{traceback.format_exc(limit=-4)}")
        return
    hops = [hop for hop, _status in response.redirect_chain]
    if any(_login_path(hop) for hop in hops):
        r.fail(f"{what} GET {url} sends the signed-in organiser to sign in: {' → '.join(hops)}")
        return
    home = reverse("wagtailadmin_home")
    if hops and hops[-1] == home and url != home:
        if what in EXPECTED_DENIED:
            say(f"  skip  {what} {url}: refused as expected ({EXPECTED_DENIED[what]})")
        else:
            r.fail(f"{what} GET {url} refuses the organiser (redirected to the dashboard)")
        return
    if response.status_code == 405:
        say(f"  skip  {what} {url}: 405 (not a GET screen)")
        return
    body = b""
    if response.status_code < 400 and must_contain:
        body = (
            b"".join(response.streaming_content)
            if getattr(response, "streaming", False)
            else response.content
        )
    via = f" (via {' → '.join(hops)})" if hops else ""
    r.check(
        response.status_code < 400 and must_contain.encode() in body,
        f"{what} {url}{via}: {response.status_code}",
        f"status {response.status_code}"
        + (f", text {must_contain!r} missing" if response.status_code < 400 else ""),
    )


def host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*", "["))]
    return hosts[0] if hosts else "127.0.0.1"


def check_http(r: Result, event_id: int) -> None:
    r.start("HTTP: admin screens as the demo organiser")
    event_page = apps.get_model("cms", "EventPage")
    event = event_page.objects.get(pk=event_id)
    organiser = get_user_model().objects.get(username="organiser")
    staff = Client(HTTP_HOST=host())
    staff.force_login(organiser)
    get(r, staff, "admin dashboard", reverse("wagtailadmin_home"))
    urls = admin_urls(event.pk)
    r.check(len(urls) > 5, f"{len(urls)} admin URLs found by the resolver", short(urls))
    for name, url in urls:
        get(r, staff, name, url)

    r.start("HTTP: public pages")
    visitor = Client(HTTP_HOST=host())
    get(r, visitor, "public event page", event.get_url(), must_contain=event.title)
    registration_model = apps.get_model("registration", "Registration")
    participant = (
        registration_model.objects.filter(event=event, status="confirmed").order_by("pk").first()
    )
    if participant is None:
        r.fail(f"event {event.pk} has no confirmed participant for the personal page")
        return
    from registration.links import manage_url

    get(
        r,
        Client(HTTP_HOST=host()),
        f"personal page of registration {participant.pk} (signed link)",
        manage_url(participant, absolute=False),
        must_contain=participant.given_name,
    )


# --- 5. report ---------------------------------------------------------------------------------


def check_report(r: Result, event_id: int) -> None:
    r.start("report: XLSX through the admin's export view")
    staff = Client(HTTP_HOST=host())
    staff.force_login(get_user_model().objects.get(username="organiser"))
    names = [
        name
        for name, route, kwargs, positional, _callback in url_patterns()
        if route.startswith("admin/")
        and kwargs == {"event_id"}
        and not positional
        and "report" in name
        and name.split(":")[-1] in ("report_export", "export")
    ]
    if not names:
        r.fail("no admin URL named report_export or reports…:export takes an event id")
        return
    url = reverse(names[0], kwargs={"event_id": event_id})
    try:
        response = staff.post(url, {"format": "xlsx", "language": "en"})
    except Exception:  # noqa: BLE001 -- the traceback is the finding
        r.fail(f"POST {url} raised:\n{traceback.format_exc(limit=-4)}")
        return
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    r.check(
        response.status_code == 200 and body[:2] == b"PK",
        f"POST {url} gives an XLSX file ({len(body)} bytes, {response.get('Content-Type')})",
        f"status {response.status_code}, {response.get('Content-Type')}, "
        f"Location {response.get('Location')}, starts {body[:20]!r}",
    )


# --- 6. tasks ----------------------------------------------------------------------------------


def check_tasks(r: Result, old_queue: set[int]) -> None:
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    r.start("tasks: the outbox sender once (locmem e-mail)")
    message = model_named("Message")
    pending = message.objects.filter(status="pending")
    ours = list(
        pending.filter(dedupe_key__startswith="upgrade-check:").values_list("pk", flat=True)
    )
    say(f"  info  {pending.count()} pending outbox rows, {len(ours)} queued by the old code")
    mail.outbox = []
    sender_path = next((p for p in OUTBOX_SENDER if locate(p)[0] is not None), None)
    if sender_path is None:
        r.fail(f"no outbox sender task at {' or '.join(OUTBOX_SENDER)}")
    else:
        try:
            sent = locate(sender_path)[0]()
        except Exception:  # noqa: BLE001 -- the traceback is the finding
            r.fail(f"{sender_path}() raised:\n{traceback.format_exc(limit=-4)}")
        else:
            r.check(
                not ours or (sent >= 1 and len(mail.outbox) >= 1),
                f"{sender_path}() sent {sent}, {len(mail.outbox)} e-mails in the locmem outbox",
                "the old code's pending row was not sent",
            )
            left = message.objects.filter(pk__in=ours).exclude(status="sent")
            r.check(
                not left.exists(),
                "the old code's pending rows are sent",
                short(left.values_list("pk", "status", "last_error")),
            )

    r.start("tasks: every task the old code queued, run as a worker runs it")
    for row in OrmQ.objects.filter(pk__in=old_queue).order_by("pk"):
        try:
            task = SignedPackage.loads(row.payload)
        except Exception as exc:  # noqa: BLE001 -- reported in section 3 already
            r.fail(f"queued task {row.pk}: payload does not load: {exc}")
            continue
        func, error = locate(task["func"]) if isinstance(task["func"], str) else (task["func"], "")
        if func is None:
            r.fail(f"queued task {row.pk} {task['func']}: {error}")
            continue
        try:
            result = func(*task.get("args", ()), **task.get("kwargs", {}))
        except Exception:  # noqa: BLE001 -- the traceback is the finding
            r.fail(
                f"queued task {row.pk} {task['func']}{tuple(task.get('args', ()))} raised:\n"
                f"{traceback.format_exc(limit=-4)}"
            )
            continue
        r.ok(f"queued task {row.pk} {task['func']}{tuple(task.get('args', ()))} → {result!r}")
    job_model = apps.get_model("conference", "Job")
    for job in job_model.objects.order_by("pk"):
        r.check(
            job.status == "done",
            f"job {job.pk} ({job.kind}) is done ({job.filename or 'no file'})",
            f"status {job.status}, error {job.error[:300]!r}",
        )
    later = OrmQ.objects.exclude(pk__in=old_queue)
    bad = []
    for row in later:
        task = SignedPackage.loads(row.payload)
        if isinstance(task["func"], str) and locate(task["func"])[0] is None:
            bad.append(task["func"])
    r.check(not bad, f"{later.count()} tasks queued by the new code import", short(bad))


def migrate() -> bool:
    """``manage.py migrate``, in this process: one Django start-up less (the same command;
    the content type cache is emptied after it, as a fresh process would start)."""
    from django.contrib.contenttypes.models import ContentType

    say("manage.py migrate")
    try:
        call_command("migrate", interactive=False, verbosity=1)
    except Exception:  # noqa: BLE001 -- the traceback is the finding
        say(f"FAIL: migrate raised:\n{traceback.format_exc()}")
        return False
    ContentType.objects.clear_cache()
    return True


def main() -> int:
    # Each 405 of a POST-only screen would be logged twice (the summary says it once).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    args = sys.argv[1:]
    if "--migrate" in args:
        args.remove("--migrate")
        if not migrate():
            return 1
    snapshot = json.loads(Path(args[0]).read_text())
    r = Result()
    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    say(f"upgrade smoke on {backend}, event {snapshot['event_id']}")
    for line in snapshot.get("not_made", []):
        r.fail(f"the old code could not make this in-flight work: {line}")
    old_queue = {q["id"] for q in snapshot["queued"]}
    for step in (
        lambda: check_tables(r, snapshot),
        lambda: check_content_types(r, snapshot),
        lambda: check_schedules_and_queue(r, snapshot),
        lambda: check_http(r, snapshot["event_id"]),
        lambda: check_report(r, snapshot["event_id"]),
        lambda: check_tasks(r, old_queue),
    ):
        try:
            step()
        except Exception:  # noqa: BLE001 -- one broken section must not hide the others
            r.fail(f"the check itself stopped:\n{traceback.format_exc(limit=-6)}")
    say("")
    if r.failures:
        say(f"FAIL ({backend}): {len(r.failures)} failures, {r.passed} checks passed")
        for line in r.failures:
            say(f"  - {line}")
        return 1
    say(f"PASS ({backend}): {r.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
