"""Every e-mail a booking sends, rendered for alice's booking with carol: no subject,
preview or sender names a substance, a diagnosis or "addiction"."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from bookings import reminders
from bookings.models import Booking, Refund
from bookings.notices import NoticeKind
from bookings.reminders.emails import agenda_context, agenda_message, reminder_context, reminder_message
from core import outbox
from core.discretion import indiscreet_words, require_discreet
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, demo_paid, local_time



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
    # The coach's words reach the apology's body, so they are in its preview too.
    Booking.objects.filter(pk=booking.pk).update(cancel_reason="I am unwell today.")
    payloads = {
        NoticeKind.RECEIPT: {"payment_id": payment.pk},
        NoticeKind.REFUND: {"refund_id": refund.pk},
        NoticeKind.RESCHEDULE: {"old_start": (booking.starts_at - timedelta(days=1)).isoformat()},
    }
    out = []
    for kind in NoticeKind.values:
        work = OwedWork(kind=kind, key=f"test-{kind}", payload={"booking_id": booking.pk, **payloads.get(kind, {})})
        message = outbox.handler_for(kind).run(work)
        out.append((kind, message.subject, preview_of(message.body), message.from_email))
    reminder = OwedWork.objects.filter(kind=reminders.REMINDER, about=f"booking:{booking.pk}").first()
    now = reminder.due_at
    message = reminder_message(reminder, booking, now=now)
    preview = reminder_context(booking, reminder.payload["offset_minutes"], now=now)["preview"]
    out.append(("reminder", message.subject, preview, message.from_email))
    out.append(("reminder-text", message.subject, preview_of(message.body), message.from_email))
    day = booking.starts_at.astimezone(reminders.coach_zone(coach)).date()
    agenda = outbox.owe(reminders.AGENDA, key=f"agenda:{coach.pk}:{day}", coach_id=coach.pk, day=day.isoformat())
    sessions = reminders.agenda_sessions(coach, day)
    message = agenda_message(agenda, coach, day, sessions, now=now)
    out.append(("agenda", message.subject, agenda_context(coach, day, sessions, now=now)["preview"], message.from_email))
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
    reminder = OwedWork.objects.get(
        kind=reminders.REMINDER, about=f"booking:{booking.pk}", payload__offset_minutes=60
    )

    assert outbox.deliver(reminder.pk, now=reminder.due_at) == OwedStatus.FAILED

    reminder.refresh_from_db()
    assert mail.outbox == []
    assert reminder.last_error == "could not be written: an e-mail subject or preview would name ['sober']"
    assert list(outbox.failures()) == [reminder]


def test_the_sender_is_neutral():
    assert indiscreet_words(settings.DEFAULT_FROM_EMAIL) == []
