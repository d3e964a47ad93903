"""Holds run out and free their time; their payments are stopped; e-mails go out once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import payments, tasks, transitions
from bookings.errors import NotAllowed
from bookings.models import Booking, PaymentStatus, Status
from bookings.notices import CoachNoticeKind, NoticeKind
from core import outbox
from core import tasks as outbox_tasks
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time
from tests.bookings_setup import pay_for



@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def run_out(booking):
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))


def test_the_beat_task_expires_only_holds_that_ran_out_and_stops_their_payment(
    alice, bob, carols, localstripe, eager_tasks, django_capture_on_commit_callbacks
):
    coach, session_type = carols
    alices = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    payment, _secret = payments.start_payment(alices)
    bobs = transitions.place_hold(bob, session_type, local_time(coach, 3, 14))
    run_out(alices)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_holds() == 1
        assert tasks.expire_holds() == 0

    assert list(Booking.objects.order_by("pk").values_list("status", flat=True)) == [Status.EXPIRED, Status.PENDING_PAYMENT]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELED
    assert list(OwedWork.objects.filter(kind=transitions.CANCEL_OPEN_INTENTS).values_list("about", "status")) == [
        (f"booking:{alices.pk}", OwedStatus.DONE)
    ]
    assert Booking.objects.get(pk=bobs.pk).status == Status.PENDING_PAYMENT


def test_a_hold_that_ran_out_frees_the_time_for_the_next_client_even_before_the_task(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    alices = transitions.place_hold(alice, session_type, ten_am)
    run_out(alices)

    bobs = transitions.place_hold(bob, session_type, ten_am)

    assert Booking.objects.get(pk=alices.pk).status == Status.EXPIRED
    assert bobs.status == Status.PENDING_PAYMENT


def test_a_hold_that_has_not_run_out_cannot_be_expired(alice, carols):
    coach, session_type = carols
    alices = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))

    with pytest.raises(NotAllowed):
        transitions.expire(alices)
    assert Booking.objects.get(pk=alices.pk).status == Status.PENDING_PAYMENT


def test_a_stopped_hold_cannot_be_paid_and_nothing_is_charged(alice, carols, localstripe):
    coach, session_type = carols
    alices = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    payment, _secret = payments.start_payment(alices)
    payments.api().SetupIntent.confirm(payment.stripe_setup_intent_id, payment_method="pm_card_visa")
    run_out(alices)

    with pytest.raises(NotAllowed, match="hold ended before the payment"):
        payments.charge(payment)
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_payment_intent_id) == (PaymentStatus.FAILED, None)


def test_a_free_session_is_confirmed_at_once_and_sends_one_confirmation(
    alice, carol, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    coach, session_type = bookable_coach(carol, price_cents=0)
    with django_capture_on_commit_callbacks(execute=True):
        booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))

    assert booking.status == Status.CONFIRMED
    assert booking.meeting_link.startswith("https://meet.jit.si/waypoint-")
    assert [(m.to[0], m.subject.split(" on ")[0]) for m in mailoutbox] == [
        ("alice@example.com", "Your session"),
        ("carol@example.com", "New session"),
    ]
    name, ics, mimetype = mailoutbox[0].attachments[0]
    assert (name, mimetype) == ("session.ics", "text/calendar")
    assert "SUMMARY:Waypoint session with Carol Rivera" in ics
    assert f"DTSTART:{booking.starts_at:%Y%m%dT%H%M%S}Z" in ics
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_a_notice_task_run_twice_sends_one_e_mail(alice, carols, localstripe, mailoutbox):
    coach, session_type = carols
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    pay_for(booking)
    receipt = OwedWork.objects.get(kind=NoticeKind.RECEIPT)

    outbox_tasks.deliver_owed.apply(kwargs={"work_ids": [receipt.pk]}).get()
    outbox_tasks.deliver_owed.apply(kwargs={"work_ids": [receipt.pk]}).get()

    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (OwedStatus.DONE, 1)
    assert [m.subject.split(" for ")[0] for m in mailoutbox] == ["Your receipt"]
    assert "Description: Waypoint session on " in mailoutbox[0].body


def test_no_subject_names_more_than_a_day(alice, carols, localstripe, mailoutbox):
    coach, session_type = carols
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    pay_for(booking)
    for work in OwedWork.objects.filter(kind__in=NoticeKind.values):
        outbox_tasks.deliver_owed.apply(kwargs={"work_ids": [work.pk]})

    day = booking.starts_at.astimezone(alice.zone)
    assert sorted(m.subject for m in mailoutbox) == [
        f"Your receipt for {day:%A} {day.day} {day:%B}",
        f"Your session on {day:%A} {day.day} {day:%B}",
    ]


@pytest.mark.django_db
def test_a_notice_whose_worker_died_mid_send_goes_out_once_after_its_lease(alice, carol, mailoutbox, eager_tasks, settings):
    coach, intro = bookable_coach(carol, price_cents=0)
    booking = transitions.place_hold(alice, intro, local_time(coach, 3, 10))
    work = OwedWork.objects.get(kind=NoticeKind.CONFIRMATION, about=f"booking:{booking.pk}")
    # Carol's own e-mail about the booking is not this story's: delivered and out of the way.
    coach_news = OwedWork.objects.get(kind=CoachNoticeKind.BOOKED, about=f"booking:{booking.pk}")
    outbox.deliver(coach_news.pk)
    mailoutbox.clear()
    # A worker claimed it and was killed before sending: claimed, never finished.
    claimed_at = timezone.now() - timedelta(minutes=settings.OUTBOX_CLAIM_LEASE_MINUTES - 1)
    OwedWork.objects.filter(pk=work.pk).update(status=OwedStatus.SENDING, claimed_at=claimed_at, attempts=1)

    # Inside the lease nobody else takes it: the first worker may still be sending.
    assert outbox.scan() == []
    assert outbox.deliver(work.pk) is None
    assert mailoutbox == []

    # Once the lease has run out, the scan hands it over and it goes out exactly once.
    OwedWork.objects.filter(pk=work.pk).update(claimed_at=claimed_at - timedelta(minutes=2))
    assert outbox.scan() == [work.pk]
    assert outbox.scan() == []
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Your session on ")
    assert mailoutbox[0].to == [alice.email]
    work.refresh_from_db()
    assert (work.status, work.attempts) == (OwedStatus.DONE, 2)
