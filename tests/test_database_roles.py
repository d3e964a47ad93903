"""The application cannot switch off its own safeguards. Connected as the application
role (what web, workers and beat run as), each of these is refused by PostgreSQL itself:
disabling a trigger, emptying the audit trail, changing a signed note, and opening the
maintenance window; the maintenance role may open it, and migrations run as the owner.

The suite itself connects as the owner (it creates its test database); these tests open
their own connections as the other roles, after `migrate` has granted them their rights."""

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connection
from psycopg2 import errors

from bookings.models import Status
from bookings import notes
from bookings.models import SessionNote
from config.management.commands.migrate import as_owner
from core import roles
from tests.factories import bookable_coach, past_session

pytestmark = pytest.mark.django_db(transaction=True)

# The development roles scripts/roles.sql makes (`make test` runs it through scripts/services.sh).
PASSWORDS = {"waypoint_app": "waypoint-app-dev", "waypoint_maintenance": "waypoint-maintenance-dev", "waypoint_owner": "waypoint-owner-dev"}


def connect_as(role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            pytest.fail(f"the database role {role} is missing: run `bash scripts/services.sh` (make test does)")
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=role, password=PASSWORDS[role]
    )


@pytest.fixture
def as_app():
    roles.grant()
    conn = connect_as(settings.DATABASE_APP_ROLE)
    yield conn
    conn.close()


@pytest.fixture
def as_maintenance():
    roles.grant()
    conn = connect_as(settings.DATABASE_MAINTENANCE_ROLE)
    yield conn
    conn.close()


@pytest.fixture
def signed_note(alice, carol):
    coach, session_type = bookable_coach(carol)
    session = past_session(coach, session_type, alice, status=Status.COMPLETED)
    notes.use_note(carol, session, notes.SIGN, private={"data": "Talked about evenings."}, summary="Keep the diary.")
    return SessionNote.objects.get(booking=session)


def refused(conn, sql, params=()):
    """Run `sql` in its own transaction; the error PostgreSQL answered (rolled back), or None."""
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
    except psycopg2.Error as error:
        return type(error), error.pgerror.splitlines()[0]
    return None


def test_the_app_role_owns_no_table_and_may_read_and_write_rows(as_app, alice):
    with as_app, as_app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT email FROM accounts_user")
        assert cursor.fetchall() == [("alice@example.com",)]
        cursor.execute("INSERT INTO accounts_auditevent (at, actor_email, action, object_type, object_id, details) "
                       "VALUES (now(), '', 'role.checked', '', '', '{}') RETURNING action")
        assert cursor.fetchone() == ("role.checked",)


def test_the_app_role_cannot_disable_a_trigger(as_app):
    for table, trigger in (("accounts_auditevent", "accounts_auditevent_append_only"), ("coaching_sessionnote", "ALL")):
        assert refused(as_app, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}") == (
            errors.InsufficientPrivilege, f"ERROR:  must be owner of table {table}"
        )
    assert refused(as_app, "DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent") == (
        errors.InsufficientPrivilege, "ERROR:  must be owner of relation accounts_auditevent"
    )


def test_the_app_role_cannot_empty_or_change_the_audit_trail(as_app, alice):
    from accounts import audit

    event = audit.record("login", actor=alice)
    assert refused(as_app, "TRUNCATE accounts_auditevent") == (
        errors.InsufficientPrivilege, "ERROR:  permission denied for table accounts_auditevent"
    )
    for sql in ("UPDATE accounts_auditevent SET action = 'nothing' WHERE id = %s", "DELETE FROM accounts_auditevent WHERE id = %s"):
        assert refused(as_app, sql, [event.pk]) == (
            errors.InsufficientPrivilege, "ERROR:  permission denied for table accounts_auditevent"
        )


def test_the_app_role_cannot_change_a_signed_note_even_with_the_old_flag(as_app, signed_note):
    locked = (errors.InsufficientPrivilege, "ERROR:  a signed session note is locked: add an addendum instead")
    assert refused(as_app, "UPDATE coaching_sessionnote SET summary = 'rewritten' WHERE id = %s", [signed_note.pk]) == locked
    assert refused(
        as_app, "SET LOCAL waypoint.maintenance = 'on'; UPDATE coaching_sessionnote SET summary = 'rewritten' WHERE id = %s",
        [signed_note.pk],
    ) == locked
    assert refused(as_app, "DELETE FROM coaching_sessionnote WHERE id = %s", [signed_note.pk]) == (
        errors.InsufficientPrivilege, "ERROR:  a signed session note is locked: DELETE refused"
    )


def test_the_app_role_cannot_set_the_maintenance_flag(as_app, signed_note):
    assert refused(as_app, "SELECT waypoint_begin_maintenance()") == (
        errors.InsufficientPrivilege, "ERROR:  permission denied for function waypoint_begin_maintenance"
    )
    assert refused(as_app, "INSERT INTO core_privileged_window (xact, purpose) VALUES (txid_current(), 'maintenance')") == (
        errors.InsufficientPrivilege, "ERROR:  permission denied for table core_privileged_window"
    )


def test_the_maintenance_role_may_reseal_a_signed_note_in_a_window_and_not_without(as_maintenance, signed_note):
    reseal = "UPDATE coaching_sessionnote SET summary = 'resealed' WHERE id = %s"
    assert refused(as_maintenance, reseal, [signed_note.pk]) == (
        errors.InsufficientPrivilege, "ERROR:  a signed session note is locked: add an addendum instead"
    )
    assert refused(as_maintenance, "SELECT waypoint_begin_maintenance(); " + reseal, [signed_note.pk]) is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM coaching_sessionnote WHERE id = %s", [signed_note.pk])
        assert cursor.fetchall() == [("resealed",)]
        # Each window stays on record: when, and which role opened it.
        cursor.execute("SELECT purpose FROM core_privileged_window WHERE opened_by = 'waypoint_maintenance'")
        assert cursor.fetchall() == [("maintenance",)]
    # Even in the window, what was signed (who, when) stays as it was.
    assert refused(
        as_maintenance, "SELECT waypoint_begin_maintenance(); UPDATE coaching_sessionnote SET signed_by_name = 'x' WHERE id = %s",
        [signed_note.pk],
    ) == (errors.InsufficientPrivilege, "ERROR:  a signed session note is locked: add an addendum instead")


def test_erasing_one_clients_notes_leaves_no_window_open_for_others(as_app, signed_note, bob, carol):
    coach = signed_note.booking.coach
    bobs = past_session(coach, signed_note.booking.session_type, bob, days_ago=2, status=Status.COMPLETED)
    notes.use_note(carol, bobs, notes.SIGN, summary="Bob's summary.")
    alice_id, bobs_note = signed_note.booking.client_id, SessionNote.objects.get(booking=bobs)

    assert refused(
        as_app, "SELECT coaching_erase_client_notes(%s); DELETE FROM coaching_sessionnote WHERE id = %s", [alice_id, bobs_note.pk]
    ) == (errors.InsufficientPrivilege, "ERROR:  a signed session note is locked: DELETE refused")
    assert refused(as_app, "SELECT coaching_erase_client_notes(%s)", [alice_id]) is None
    assert list(SessionNote.objects.values_list("pk", flat=True)) == [bobs_note.pk]


def test_migrate_connects_as_the_owner_given_by_migration_database_url(settings, monkeypatch):
    def current_user(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])

    seen = []
    monkeypatch.setattr(DjangoMigrate, "handle", current_user)
    settings.MIGRATION_DATABASE_URL = "postgres://waypoint_owner:waypoint-owner-dev@127.0.0.1:5432/ignored"
    connect_as("waypoint_owner").close()
    call_command("migrate", verbosity=0)
    current_user()
    assert seen == ["waypoint_owner", connection.settings_dict["USER"]]


def test_the_owner_url_keeps_the_database_name():
    app = {"NAME": "test_waypoint", "USER": "waypoint_app", "PASSWORD": "a", "HOST": "10.0.0.5", "PORT": 5432, "CONN_MAX_AGE": 60}
    assert as_owner(app, "postgres://owner:s3cret@db.internal:6432/waypoint") == {
        "NAME": "test_waypoint", "USER": "owner", "PASSWORD": "s3cret", "HOST": "db.internal", "PORT": 6432, "CONN_MAX_AGE": 60
    }
