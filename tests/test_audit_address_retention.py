"""Audit lines keep the IP address they came from for AUDIT_IP_RETENTION_DAYS; then the
address goes and the rest of the line stays. Nothing else about a line can change."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.tasks import forget_audit_addresses

pytestmark = pytest.mark.django_db

REFUSED = (InternalError, ProgrammingError, IntegrityError)


def line(days_ago, ip="203.0.113.7", action="intake.read"):
    return AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=days_ago), actor_email="alice@example.com", action=action, ip=ip, details={"step": "safety"}
    )


def addresses():
    return list(AuditEvent.objects.order_by("at").values_list("action", "ip"))


def run(*args):
    out = StringIO()
    call_command("forget_audit_addresses", *args, stdout=out)
    return out.getvalue().strip()


def test_addresses_older_than_ninety_days_are_forgotten_and_the_lines_kept(alice):
    old, recent = line(91, action="consent.signed"), line(89)
    before = AuditEvent.objects.filter(pk=old.pk).values("at", "actor_email", "action", "details").get()

    assert run() == "Forgot the IP address of 1 audit line older than 90 days."

    assert addresses() == [("consent.signed", None), ("intake.read", "203.0.113.7")]
    assert AuditEvent.objects.filter(pk=old.pk).values("at", "actor_email", "action", "details").get() == before
    assert AuditEvent.objects.get(pk=recent.pk).ip == "203.0.113.7"
    assert run() == "Forgot the IP address of 0 audit lines older than 90 days."


def test_the_retention_period_is_a_setting(settings):
    settings.AUDIT_IP_RETENTION_DAYS = 30
    line(31), line(29)
    assert run() == "Forgot the IP address of 1 audit line older than 30 days."
    assert forget_audit_addresses() == 0
    assert run("--days", "7") == "Forgot the IP address of 1 audit line older than 7 days."


def test_less_than_a_day_is_refused_by_the_command_and_by_the_database():
    line(0)
    with pytest.raises(CommandError, match="kept for at least a day"):
        run("--days", "0")
    with pytest.raises(REFUSED, match="kept for at least a day"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT accounts_auditevent_forget_ips(now())")
    assert AuditEvent.objects.get().ip == "203.0.113.7"


def test_outside_the_function_even_forgetting_an_address_is_refused():
    old = line(200)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(ip=None)
    assert AuditEvent.objects.get().ip == "203.0.113.7"


def test_in_the_window_only_the_address_may_change():
    old = line(200)
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # As the owner could: open the window by hand, then try to change more than the address.
        cursor.execute("INSERT INTO core_privileged_window (xact, purpose) VALUES (txid_current(), 'forget audit addresses')")
        AuditEvent.objects.filter(pk=old.pk).update(ip=None, action="nothing.happened")
    assert addresses() == [("intake.read", "203.0.113.7")]
