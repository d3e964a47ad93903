import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from accounts import audit
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

REFUSED = (InternalError, ProgrammingError, IntegrityError)


def test_record_writes_who_what_which_and_where(rf, alice, carol):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = carol
    event = audit.record("intake.read", obj=alice, request=request, because="assigned_coach")
    assert (event.actor, event.actor_email, event.action, event.object_type, event.object_id, event.ip, event.details) == (
        carol,
        "carol@example.com",
        "intake.read",
        "accounts.user",
        str(alice.pk),
        "203.0.113.7",
        {"because": "assigned_coach"},
    )
    assert list(audit.history(alice)) == [event]


def test_database_refuses_to_update_an_audit_event(alice):
    event = audit.record("login", actor=alice)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_database_refuses_to_delete_an_audit_event(alice):
    event = audit.record("login", actor=alice)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1
