"""Every e-mail a booking sends, rendered for alice's booking with carol: no subject,
preview or sender names a substance, a diagnosis or "addiction"."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from bookings import emails, reminders
from core.discretion import indiscreet_words, require_discreet
from bookings.models import CoachAgenda, Notice, NoticeKind, Refund, Reminder
from bookings.reminder_emails import agenda_context, agenda_message, reminder_context, reminder_message
from tests.bookings_setup import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.usefixtures("quick_passwords")


def preview_of(body):
    """What an inbox shows under the subject: the start of the text."""
    return " ".join(body.split())[:140]


@pytest.fixture
def rendered(alice, carol):
    """(name, subject, preview) for every e-mail template a booking can send."""
    from bookings import transitions

    coach, session_type = bookable_coach(carol)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    payment = booking.payments.get()
    refund = Refund.objects.create(payment=payment, amount_cents=6000, status="succeeded")
    contexts = {
        NoticeKind.RECEIPT: {"payment_id": payment.pk},
        NoticeKind.REFUND: {"refund_id": refund.pk},
        NoticeKind.RESCHEDULE: {"old_start": (booking.starts_at - timedelta(days=1)).isoformat()},
        NoticeKind.COACH_CANCELLATION: {"reason": "I am unwell today."},
    }
    out = []
    for kind in NoticeKind.values:
        notice = Notice(booking=booking, kind=kind, key=f"test-{kind}", context=contexts.get(kind, {}))
        message = emails.build(notice)
        out.append((kind, message.subject, preview_of(message.body), message.from_email))
    reminder = Reminder.objects.filter(booking=booking).first()
    now = reminder.due_at
    message = reminder_message(reminder, now=now)
    out.append(("reminder", message.subject, reminder_context(reminder, now=now)["preview"], message.from_email))
    out.append(("reminder-text", message.subject, preview_of(message.body), message.from_email))
    agenda = CoachAgenda.objects.create(coach=coach, day=booking.starts_at.astimezone(reminders.coach_zone(coach)).date())
    sessions = reminders.agenda_sessions(coach, agenda.day)
    message = agenda_message(agenda, sessions, now=now)
    out.append(("agenda", message.subject, agenda_context(agenda, sessions, now=now)["preview"], message.from_email))
    out.append(("agenda-text", message.subject, preview_of(message.body), message.from_email))
    return out


def test_no_e_mail_subject_preview_or_sender_names_a_substance_or_diagnosis(rendered):
    assert sorted({name for name, *_ in rendered}) == sorted(
        [*NoticeKind.values, "reminder", "reminder-text", "agenda", "agenda-text"]
    )
    found = {name: indiscreet_words(" ".join(texts)) for name, *texts in rendered}
    assert found == {name: [] for name, *_ in rendered}


def test_the_word_list_catches_what_it_must(rendered):
    assert indiscreet_words("Your Alcohol check-in, Tuesday") == ["alcohol"]
    assert indiscreet_words("About your recovery plan and Suboxone") == ["recovery", "suboxone"]
    assert indiscreet_words("Your session on Tuesday 3 March, 3:30 pm") == []
    with pytest.raises(ValueError):
        require_discreet("Your session on Tuesday", "Addiction support starts soon")


def test_a_reminder_that_would_be_indiscreet_is_not_sent_and_is_shown_to_admins(alice, carol, settings):
    from bookings import transitions

    settings.DEFAULT_FROM_EMAIL = "Sober Steps <hello@waypoint.localhost>"
    coach, session_type = bookable_coach(carol, price_cents=0)
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    reminder = Reminder.objects.get(booking=booking, offset_minutes=60)

    assert reminders.deliver(reminder.pk, now=reminder.due_at) == "failed"

    reminder.refresh_from_db()
    assert mail.outbox == []
    assert reminder.last_error == "could not be written: an e-mail subject or preview would name ['sober']"
    assert list(reminders.failures()) == [reminder]


def test_the_sender_is_neutral():
    assert indiscreet_words(settings.DEFAULT_FROM_EMAIL) == []
