"""Side effects are owed work: recorded with the change that causes them, delivered once
the service they need is back, and never with a subject that says what sessions are about."""

import pytest
from django.core import mail
from django.urls import reverse

from bookings import cancellation, payments, transitions
from bookings.models import Booking, Payment, PaymentStatus, RefundStatus, Status
from bookings.payments.stripe_api import api
from clients import review
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import IntakeFactory, bookable_coach, local_time
from tests.bookings_setup import pay_for, stripe_refunds
from tests.outbox_setup import broker_down
from tests.smtp_sink import free_port



def owed(kind):
    return list(OwedWork.objects.filter(kind=kind).values_list("status", "attempts"))


def test_an_intake_decision_made_while_redis_is_down_is_emailed_once_it_is_back(
    transactional_db, eager_tasks, alice, carol, erin
):
    intake = IntakeFactory(client=alice)
    with broker_down():
        review.approve(intake, coaches=[carol], by=erin)
    # Nothing reached a worker, and nothing was lost: the e-mail is owed in the database.
    assert (mail.outbox, owed("intake.review_decision")) == ([], [(OwedStatus.PENDING, 0)])

    outbox.scan()
    outbox.scan()

    assert [(m.subject, m.to) for m in mail.outbox] == [("Waypoint: your next step is ready", ["alice@example.com"])]
    assert owed("intake.review_decision") == [(OwedStatus.DONE, 1)]


def test_a_cancellation_while_stripe_is_unreachable_refunds_the_client_once_it_is_back(
    transactional_db, eager_tasks, settings, localstripe, client, alice, carol, erin
):
    """Stripe "stopped" is Stripe unreachable: the SDK is pointed at a closed port while
    Alice cancels (localstripe itself forgets every intent when it restarts)."""
    coach, session_type = bookable_coach(carol)
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    payment = pay_for(booking)
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    reachable = settings.STRIPE_API_BASE

    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    refund = cancellation.cancel_by_client(Booking.objects.get(pk=booking.pk), actor=alice)

    # The session is cancelled and the money reserved for the refund; the refund waits.
    refund.refresh_from_db()
    payment.refresh_from_db()
    work = OwedWork.objects.get(kind="payment.refund")
    assert (Booking.objects.get(pk=booking.pk).status, refund.status, payment.refunded_cents) == (
        Status.CANCELLED, RefundStatus.PENDING, 6000
    )
    assert (work.status, work.attempts, work.last_error) == (
        OwedStatus.PENDING, 1, "TryLater: Stripe is unavailable: APIConnectionError"
    )
    # Admins see it waiting, on the deliveries page and on the payment.
    client.force_login(erin)
    assert "Refund" in client.get(reverse("deliveries")).content.decode()
    assert "Being refunded" in client.get(reverse("bookings:manage_payment", args=[payment.pk])).content.decode()

    settings.STRIPE_API_BASE = reachable
    outbox.scan()
    outbox.scan()

    refund.refresh_from_db()
    assert (stripe_refunds(payment), refund.status, owed("payment.refund")) == (
        [6000], RefundStatus.SUCCEEDED, [(OwedStatus.DONE, 2)]
    )
    assert owed("booking.refund") == [(OwedStatus.DONE, 1)]


def test_an_expired_holds_open_intent_is_cancelled_by_the_scan_when_its_enqueue_failed(
    transactional_db, eager_tasks, localstripe, alice, carol
):
    coach, session_type = bookable_coach(carol)
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    payment, _secret = payments.start_payment(booking)
    # A charge cut short between creating the intent and confirming it: an open intent.
    intent = api().PaymentIntent.create(
        amount=6000, currency="usd", customer=payment.stripe_customer_id, payment_method="pm_card_visa",
        payment_method_types=["card"],
    )
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id, status=PaymentStatus.PROCESSING)
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=booking.created_at)

    with broker_down():
        transitions.expire(booking)
    assert owed("payment.cancel_open_intents") == [(OwedStatus.PENDING, 0)]
    assert api().PaymentIntent.retrieve(intent.id).status == "requires_confirmation"

    outbox.scan()

    payment.refresh_from_db()
    assert (api().PaymentIntent.retrieve(intent.id).status, payment.status) == ("canceled", PaymentStatus.CANCELED)
    assert owed("payment.cancel_open_intents") == [(OwedStatus.DONE, 1)]


EMAIL_KINDS = sorted(kind for kind, handler in outbox.kinds().items() if handler.is_email)


def test_every_kind_of_email_is_known():
    assert EMAIL_KINDS == [
        "accounts.invitation", "booking.cancellation", "booking.coach_booked", "booking.coach_cancellation",
        "booking.coach_cancelled", "booking.coach_held", "booking.coach_moved", "booking.confirmation",
        "booking.late_payment_refunded", "booking.receipt", "booking.refund", "booking.reminder", "booking.reschedule",
        "booking.summary_shared", "booking.team_cancellation", "coach.agenda", "family.review_decision", "family.urgent_alert",
        "intake.review_decision", "intake.urgent_alert", "message.new", "payment.problem_alert", "waitlist.offer",
    ]


@pytest.mark.parametrize("kind", EMAIL_KINDS)
def test_every_kind_of_email_refuses_an_indiscreet_subject_at_send_time(kind, db, monkeypatch, alice):
    """Whatever a handler writes, the outbox checks the subject before anything is sent."""
    handler = outbox.handler_for(kind)
    monkeypatch.setitem(
        outbox._handlers,
        kind,
        outbox.Handler(kind, handler.label, lambda work: mail.EmailMessage("Your alcohol check-in", "Hi", to=[alice.email]), True),
    )
    work = OwedWork.objects.create(kind=kind, key=f"test:{kind}", due_at=alice.date_joined, available_at=alice.date_joined)

    assert outbox.deliver(work.pk) == OwedStatus.FAILED

    work.refresh_from_db()
    assert (mail.outbox, work.status, work.last_error) == (
        [], OwedStatus.FAILED, "could not be written: an e-mail subject or preview would name ['alcohol']"
    )
