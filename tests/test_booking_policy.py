"""The cancellation and rescheduling policy, with the money as localstripe records it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.audit import history
from bookings import cancellation, policy, transitions
from bookings.errors import NotAllowed, RefundRefused, SlotTaken
from bookings.models import Booking, CancelledBy, PaymentStatus, Refund, Status
from bookings.payments.refunds import REFUND
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time
from tests.bookings_setup import pay_for, stripe_refunds



@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def alices_session(alice, carols, localstripe):
    coach, session_type = carols
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    payment = pay_for(booking)
    assert payment.status == PaymentStatus.SUCCEEDED
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    return booking


def test_the_policy_reads_in_plain_words(carols):
    _coach, session_type = carols

    assert policy.session_type_policy(session_type) == [
        "Cancel up to 1 day before the session starts and you get all your money back.",
        "If you cancel later than that, the session is not refunded.",
        "You can move the session to another time up to 1 day before it starts, twice at most.",
        "If your coach has to cancel, you always get all your money back.",
    ]


def test_alice_cancels_three_days_ahead_and_gets_everything_back(
    alice, alices_session, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund = cancellation.cancel_by_client(alices_session, actor=alice)

    booking = Booking.objects.get(pk=alices_session.pk)
    assert (booking.status, booking.cancelled_by) == (Status.CANCELLED, CancelledBy.CLIENT)
    assert refund.amount_cents == 6000
    assert stripe_refunds(refund.payment) == [6000]
    assert [(m.to[0], m.subject.split(" on ")[0] if " on " in m.subject else m.subject) for m in mailoutbox] == [
        ("carol@example.com", "A session"),
        ("alice@example.com", "Your session"),
        ("alice@example.com", "Your refund from Waypoint"),
    ]
    assert "We have refunded $60.00 to your card ending 4242." in mailoutbox[2].body


def test_alice_cancels_two_hours_before_and_nothing_is_refunded(alice, alices_session):
    two_hours_before = alices_session.starts_at - timedelta(hours=2)

    refund = cancellation.cancel_by_client(alices_session, actor=alice, now=two_hours_before)

    assert refund is None
    assert Booking.objects.get(pk=alices_session.pk).status == Status.CANCELLED
    assert Refund.objects.count() == 0
    assert stripe_refunds(alices_session.payments.get()) == []


def test_carol_cancels_an_hour_before_and_alice_gets_everything_back_with_an_apology(
    carol, alices_session, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund = cancellation.cancel_by_coach(
            alices_session, actor=carol, reason="I am unwell.", now=alices_session.starts_at - timedelta(hours=1)
        )

    assert Booking.objects.get(pk=alices_session.pk).cancelled_by == CancelledBy.COACH
    assert stripe_refunds(refund.payment) == [6000]
    apology = mailoutbox[0]
    assert apology.to == ["alice@example.com"]
    assert apology.subject.endswith(" is cancelled")
    assert "We are sorry: Carol Rivera had to cancel your session" in apology.body
    assert "Carol Rivera wrote: I am unwell." in apology.body
    assert [entry.action for entry in history(alices_session)][:1] == ["booking.cancelled"]


def test_a_cancelled_session_cannot_be_cancelled_into_a_second_refund(
    alice, alices_session, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancellation.cancel_by_client(alices_session, actor=alice)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        cancellation.cancel_by_client(Booking.objects.get(pk=alices_session.pk), actor=alice)
    assert stripe_refunds(alices_session.payments.get()) == [6000]
    assert list(OwedWork.objects.filter(kind=REFUND).values_list("about", "status")) == [
        (f"booking:{alices_session.pk}", OwedStatus.DONE)
    ]


def test_alice_moves_her_session_twice_and_then_no_more(alice, alices_session):
    first = alices_session.starts_at
    payment = alices_session.payments.get()

    cancellation.reschedule_by_client(alices_session, first + timedelta(hours=2), actor=alice)
    moved = cancellation.reschedule_by_client(Booking.objects.get(pk=alices_session.pk), first + timedelta(hours=4), actor=alice)
    with pytest.raises(NotAllowed, match="already been moved twice"):
        cancellation.reschedule_by_client(moved, first + timedelta(hours=5), actor=alice)

    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at, moved.reschedule_count) == (
        first + timedelta(hours=4),
        first + timedelta(hours=4, minutes=50),
        2,
    )
    assert list(moved.payments.values_list("pk", "status", "refunded_cents")) == [(payment.pk, PaymentStatus.SUCCEEDED, 0)]


def test_alice_cannot_move_her_session_inside_the_notice_or_onto_a_taken_time(alice, bob, alices_session, localstripe):
    bobs = transitions.place_hold(bob, alices_session.session_type, alices_session.starts_at + timedelta(hours=3))

    with pytest.raises(SlotTaken):
        cancellation.reschedule_by_client(alices_session, bobs.starts_at + timedelta(minutes=15), actor=alice)
    with pytest.raises(NotAllowed, match="up to 1 day before"):
        cancellation.reschedule_by_client(
            alices_session, alices_session.starts_at + timedelta(hours=5), actor=alice, now=alices_session.starts_at - timedelta(hours=3)
        )
    assert Booking.objects.get(pk=alices_session.pk).starts_at == alices_session.starts_at


def test_erin_refunds_part_then_the_rest_and_never_more_than_was_paid(
    client, erin, alices_session, eager_tasks, django_capture_on_commit_callbacks
):
    payment = alices_session.payments.get()
    client.force_login(erin)
    url = f"/bookings/manage/payments/{payment.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"amount": "25.00", "reason": "Connection problems in the session", "confirmed": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"amount": "35.00", "reason": "Goodwill", "confirmed": "yes"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        over = client.post(url, {"amount": "0.01", "reason": "One cent too many", "confirmed": "yes"})

    payment.refresh_from_db()
    assert (payment.captured_cents, payment.refunded_cents) == (6000, 6000)
    assert sorted(stripe_refunds(payment)) == [2500, 3500]
    assert (over.status_code, callbacks) == (200, [])
    assert "At most $0.00 can still be refunded." in over.content.decode()
    assert list(Refund.objects.values_list("amount_cents", "created_by__email", "status")) == [
        (2500, "erin@example.com", "succeeded"),
        (3500, "erin@example.com", "succeeded"),
    ]


def test_the_refund_guard_holds_even_when_the_form_is_bypassed(
    erin, alices_session, eager_tasks, django_capture_on_commit_callbacks
):
    from bookings import payments

    payment = alices_session.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund(payment, 4000, actor=erin, reason="part")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RefundRefused, match=r"At most \$20.00"):
        payments.refund(payment, 2001, actor=erin, reason="too much")
    assert stripe_refunds(payment) == [4000]
    assert list(Refund.objects.values_list("amount_cents", "status")) == [(4000, "succeeded")]
    assert list(OwedWork.objects.filter(kind=REFUND).values_list("payload__refund_id", "status")) == [
        (Refund.objects.get().pk, OwedStatus.DONE)
    ]


def test_a_refund_that_passed_the_form_but_not_the_rule_is_refused_in_words_not_a_server_error(
    client, erin, alices_session, monkeypatch
):
    from bookings import payments
    from bookings.web.forms import RefundForm

    payment = alices_session.payments.get()
    form_check = RefundForm.clean_amount

    def carol_cancels_meanwhile(form):
        # Erin's $25.00 passes the form's check; before it reaches the rule, Carol's
        # cancellation gives Alice everything back.
        cents = form_check(form)
        payments.refund(payment, 6000, reason="cancelled by the coach")
        return cents

    monkeypatch.setattr(RefundForm, "clean_amount", carol_cancels_meanwhile)
    client.force_login(erin)
    url = f"/bookings/manage/payments/{payment.pk}/"

    answer = client.post(url, {"amount": "25.00", "reason": "Connection problems", "confirmed": "yes"}, follow=True)

    assert answer.redirect_chain == [(url, 302)]
    assert "At most $0.00 of this payment can still be refunded." in answer.content.decode()
    payment.refresh_from_db()
    assert (payment.captured_cents, payment.refunded_cents) == (6000, 6000)
    # The one refund owed (Carol's) is made; Erin's never was.
    from core import outbox
    from core.models import OwedWork

    assert [outbox.deliver(work.pk) for work in OwedWork.objects.filter(kind="payment.refund")] == ["done"]
    assert stripe_refunds(payment) == [6000]
    assert [(refund.amount_cents, refund.reason.reveal()) for refund in Refund.objects.all()] == [(6000, "cancelled by the coach")]


def test_the_database_still_refuses_a_refund_above_what_was_captured(alices_session):
    payment = alices_session.payments.get()

    with pytest.raises(IntegrityError, match="payment_refund_at_most_captured"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE bookings_payment SET refunded_cents = 6001 WHERE id = %s", [payment.pk])

    payment.refresh_from_db()
    assert (payment.captured_cents, payment.refunded_cents) == (6000, 0)


def test_only_admins_reach_the_payment_pages_and_others_bookings_are_hidden(client, alice, bob, carol, alices_session):
    payment = alices_session.payments.get()
    client.force_login(alice)
    assert client.get(f"/bookings/manage/payments/{payment.pk}/").status_code == 403
    client.force_login(bob)
    assert client.get(f"/bookings/{alices_session.pk}/").status_code == 404
    assert client.get(f"/bookings/{alices_session.pk}/cancel/").status_code == 404
    assert client.post(f"/bookings/{alices_session.pk}/cancel/").status_code == 404
    assert Booking.objects.get(pk=alices_session.pk).status == Status.CONFIRMED
