"""`seed_demo` gives alice a confirmed, paid session coming up and a finished one."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking, Status, WaitlistEntry
from bookings.notices import NoticeKind
from core import outbox
from core.models import OwedStatus, OwedWork

pytestmark = [pytest.mark.django_db]


def alices_sessions():
    return list(
        Booking.objects.filter(client__email="alice@waypoint.test")
        .order_by("starts_at")
        .values_list("status", "coach__display_name", "payments__status", "payments__is_demo", "payments__captured_cents")
    )


def booking_e_mails():
    return sorted(OwedWork.objects.filter(kind__in=NoticeKind.values).values_list("kind", "status"))


def test_seeding_twice_gives_alice_one_past_and_one_paid_upcoming_session_recorded_as_demo(settings, eager_tasks):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # no localstripe answers there
    call_command("seed_demo")
    # Demo data e-mails nobody: the minute scan right after seeding finds nothing due.
    assert (outbox.scan(), mail.outbox) == ([], [])
    call_command("seed_demo")
    assert (outbox.scan(), mail.outbox) == ([], [])

    assert alices_sessions() == [
        (Status.COMPLETED, "Carol Rivera", "succeeded", True, 6000),
        (Status.CONFIRMED, "Carol Rivera", "succeeded", True, 6000),
    ]
    upcoming = Booking.objects.get(client__email="alice@waypoint.test", status=Status.CONFIRMED)
    assert upcoming.starts_at > timezone.now()
    assert upcoming.meeting_link.startswith("https://")
    assert booking_e_mails() == [
        (NoticeKind.CONFIRMATION, OwedStatus.DONE),
        (NoticeKind.CONFIRMATION, OwedStatus.DONE),
        (NoticeKind.RECEIPT, OwedStatus.DONE),
        (NoticeKind.RECEIPT, OwedStatus.DONE),
    ]
    assert list(outbox.waiting()) == []


def test_with_localstripe_running_the_upcoming_session_is_paid_through_stripe(localstripe):
    call_command("seed_demo")

    assert alices_sessions() == [
        (Status.COMPLETED, "Carol Rivera", "succeeded", True, 6000),
        (Status.CONFIRMED, "Carol Rivera", "succeeded", False, 6000),
    ]
    upcoming = Booking.objects.get(client__email="alice@waypoint.test", status=Status.CONFIRMED)
    assert upcoming.payments.get().stripe_payment_intent_id.startswith("pi_")


def test_seeding_twice_puts_frank_once_on_carols_waitlist_for_weekday_evenings(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    call_command("seed_demo")
    call_command("seed_demo")

    assert list(
        WaitlistEntry.objects.values_list("client__email", "coach__display_name", "session_type__name", "weekdays", "parts_of_day", "time_zone")
    ) == [("frank@waypoint.test", "Carol Rivera", "Free intro call", [0, 1, 2, 3, 4], ["evening"], "America/Denver")]
