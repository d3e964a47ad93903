"""A mail server's refusal is kept for the admins without the address it names: owed work
outlives the account it was about."""

import smtplib
from datetime import timedelta

import pytest

from bookings import reminders
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.reminders_setup import confirmed_sessions
from tests.test_reminder_scheduling import deliver_at, reminder_of

pytestmark = pytest.mark.django_db


def test_describe_removes_every_address_and_keeps_the_outcome():
    refused = smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"5.1.1 <alice@example.com>: Recipient address rejected")})
    assert outbox.describe(refused) == (
        "550 SMTPRecipientsRefused: {'[address]': (550, b'5.1.1 <[address]>: Recipient address rejected')}"
    )
    assert outbox.without_addresses("bounce from bob.lee+x@mail.example.org, try later") == "bounce from [address], try later"


@pytest.mark.parametrize(
    "answer, status",
    [
        ("550 5.1.1 <alice@example.com>: Recipient address rejected", OwedStatus.FAILED),
        ("450 4.2.0 <alice@example.com>: Recipient address rejected: greylisted", OwedStatus.PENDING),
    ],
)
def test_a_refused_reminder_is_kept_without_alices_address(smtp_sink, alice, carol, answer, status):
    reminders.set_preferences(alice, offsets_minutes=[60])
    _coach, [booking] = confirmed_sessions(alice, carol, [3])
    reminder = reminder_of(booking, 60)
    smtp_sink.answers = [answer]

    assert deliver_at(reminder, booking.starts_at - timedelta(minutes=59)) == status

    code, text = answer.split(" ", 1)
    stored = OwedWork.objects.get(pk=reminder.pk).last_error
    assert stored == f"{code} SMTPDataError: ({code}, b'{text.replace('<alice@example.com>', '<[address]>')}')"
    assert "alice" not in stored
