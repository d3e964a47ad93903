"""Stripe's webhook: signed payloads only, each event once, any order, and a payment
that lands after its hold ended is kept if the time is free and refunded if it is not.

Payloads are real PaymentIntents from localstripe, signed here with the test secret
exactly as Stripe signs them."""

import hashlib
import hmac
import json
import random
import time

import pytest
from django.conf import settings
from django.utils import timezone

from bookings import payments, transitions
from bookings.models import Booking, Payment, PaymentStatus, Refund, RefundStatus, Status, StripeEvent
from bookings.notices import CoachNoticeKind, NoticeKind
from coaching.models import TimeOff
from core.models import OwedWork
from tests.factories import bookable_coach, local_time

URL = "/bookings/stripe/webhook/"



def sign(body, *, secret=None, at=None):
    at = int(time.time()) if at is None else at
    digest = hmac.new((secret or settings.STRIPE_WEBHOOK_SECRET).encode(), f"{at}.{body}".encode(), hashlib.sha256)
    return f"t={at},v1={digest.hexdigest()}"


def deliver(client, event, **signing):
    body = json.dumps(event)
    return client.post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, **signing))


def event(event_id, kind, intent):
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": kind,
        "livemode": False,
        "data": {"object": intent.to_dict()},
    }


def paid_intent(payment, card="pm_card_visa"):
    """What happens in Stripe when the client pays: an intent for `payment`, confirmed."""
    s = payments.api()
    customer = s.Customer.create(email=payment.booking.client.email)
    intent = s.PaymentIntent.create(
        amount=payment.amount_cents,
        currency=payment.currency,
        customer=customer.id,
        payment_method=card,
        payment_method_types=["card"],
        metadata=payments.metadata(payment.booking, payment),
    )
    Payment.objects.filter(pk=payment.pk).update(
        stripe_payment_intent_id=intent.id, stripe_customer_id=customer.id, status=PaymentStatus.PROCESSING
    )
    try:
        return s.PaymentIntent.confirm(intent.id)
    except Exception:  # a declined card: Stripe now holds the failed intent
        return s.PaymentIntent.retrieve(intent.id)


@pytest.fixture
def alices_hold(db, alice, carol):
    coach, session_type = bookable_coach(carol)
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    return booking


def new_payment(booking):
    return Payment.objects.create(booking=booking, amount_cents=booking.price_cents, currency=booking.currency)


def test_every_event_three_times_in_shuffled_order_confirms_once_and_sends_one_receipt(
    client, alices_hold, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    declined = paid_intent(new_payment(alices_hold), card="pm_card_chargeCustomerFail")
    paid = paid_intent(new_payment(alices_hold))
    events = [
        event("evt_declined", "payment_intent.payment_failed", declined),
        event("evt_paid", "payment_intent.succeeded", paid),
        event("evt_ignored", "customer.created", paid),
    ]
    deliveries = events * 3
    random.Random(4).shuffle(deliveries)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, delivered).status_code for delivered in deliveries]

    assert answers == [200] * 9
    booking = Booking.objects.get(pk=alices_hold.pk)
    assert booking.status == Status.CONFIRMED
    assert list(booking.payments.order_by("pk").values_list("status", "captured_cents", "card_last4")) == [
        (PaymentStatus.FAILED, 0, ""),
        (PaymentStatus.SUCCEEDED, 6000, "4242"),
    ]
    assert sorted(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_declined", "evt_ignored", "evt_paid"]
    assert [m.subject.split(" on ")[0] for m in mailoutbox if m.to == ["carol@example.com"]] == ["New session"]
    assert [m.subject for m in mailoutbox if m.to == ["alice@example.com"]] == [
        f"Your session on {booking.starts_at.astimezone(alice_zone()):%A} {booking.starts_at.astimezone(alice_zone()).day} "
        f"{booking.starts_at.astimezone(alice_zone()):%B}",
        f"Your receipt for {booking.starts_at.astimezone(alice_zone()):%A} {booking.starts_at.astimezone(alice_zone()).day} "
        f"{booking.starts_at.astimezone(alice_zone()):%B}",
    ]
    receipt = mailoutbox[1]
    assert "Amount: $60.00" in receipt.body
    assert "Card: ending 4242" in receipt.body
    assert mailoutbox[0].attachments[0][0] == "session.ics"


def test_a_redelivered_event_is_recorded_once_and_applied_once(client, alices_hold, localstripe, monkeypatch):
    paid = paid_intent(new_payment(alices_hold))
    applied = []
    apply_intent = payments.apply_intent

    def counting(intent):
        applied.append(intent["id"])
        return apply_intent(intent)

    monkeypatch.setattr(payments, "apply_intent", counting)
    succeeded = event("evt_paid", "payment_intent.succeeded", paid)

    answers = [deliver(client, succeeded).status_code for _ in range(2)]

    # Stripe hears 200 both times, so it stops retrying; the intent was applied once.
    assert answers == [200, 200]
    assert applied == [paid.id]
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.processed_at is not None) == ("evt_paid", True)
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.CONFIRMED


def alice_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_someone_else"},
        {"at": int(time.time()) - 3600},
    ],
    ids=["forged", "stale"],
)
def test_a_forged_or_stale_signature_is_refused_and_changes_nothing(client, alices_hold, localstripe, signing):
    paid = paid_intent(new_payment(alices_hold))

    answer = deliver(client, event("evt_paid", "payment_intent.succeeded", paid), **signing)

    assert answer.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.PENDING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.PROCESSING


def test_an_unsigned_request_is_refused(client, alices_hold):
    answer = client.post(URL, "{}", content_type="application/json")

    assert answer.status_code == 400
    assert StripeEvent.objects.count() == 0


def expire_hold(booking):
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timezone.timedelta(minutes=1))
    # The expiry task's follow-up (cancelling the intent) has not run yet: the payment is in flight.
    transitions.expire(booking)


def test_a_payment_after_the_hold_expired_confirms_when_the_time_is_still_free(
    client, alices_hold, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = new_payment(alices_hold)
    paid = paid_intent(payment)
    expire_hold(alices_hold)
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.EXPIRED

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event("evt_late", "payment_intent.succeeded", paid)).status_code == 200

    assert Booking.objects.get(pk=alices_hold.pk).status == Status.CONFIRMED
    assert Refund.objects.count() == 0
    assert list(
        OwedWork.objects.filter(about=f"booking:{alices_hold.pk}", kind__in=NoticeKind.values)
        .order_by("pk")
        .values_list("kind", "status")
    ) == [(NoticeKind.CONFIRMATION, "done"), (NoticeKind.RECEIPT, "done")]
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "alice@example.com", "carol@example.com"]


def test_a_payment_after_the_hold_expired_is_refunded_when_the_time_was_taken(
    client, alices_hold, bob, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = new_payment(alices_hold)
    paid = paid_intent(payment)
    expire_hold(alices_hold)
    bobs = transitions.place_hold(bob, alices_hold.session_type, alices_hold.starts_at)

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event("evt_late", "payment_intent.succeeded", paid)).status_code == 200

    assert Booking.objects.get(pk=alices_hold.pk).status == Status.EXPIRED
    assert Booking.objects.get(pk=bobs.pk).status == Status.PENDING_PAYMENT
    payment.refresh_from_db()
    assert (payment.status, payment.captured_cents, payment.refunded_cents) == (PaymentStatus.SUCCEEDED, 6000, 6000)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    assert payments.api().Refund.retrieve(refund.stripe_refund_id).amount == 6000
    assert list(
        OwedWork.objects.filter(about=f"booking:{alices_hold.pk}")
        .exclude(kind__in=["payment.cancel_open_intents", *CoachNoticeKind.values])
        .order_by("pk")
        .values_list("kind", "status")
    ) == [("payment.refund", "done"), (NoticeKind.LATE_PAYMENT_REFUNDED, "done")]
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert mailoutbox[0].subject.startswith("About your session on ")
    assert "We have refunded it in full" in mailoutbox[0].body


@pytest.mark.parametrize("expired_by_the_task", [True, False], ids=["expired", "ran-out-not-yet-expired"])
def test_a_payment_after_the_hold_ran_out_is_refunded_when_the_coach_took_that_time_off(
    client, alices_hold, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks, expired_by_the_task
):
    payment = new_payment(alices_hold)
    paid = paid_intent(payment)
    if expired_by_the_task:
        expire_hold(alices_hold)
    else:
        Booking.objects.filter(pk=alices_hold.pk).update(hold_expires_at=timezone.now() - timezone.timedelta(minutes=1))
    # No booking holds the time, so the database would let it be confirmed; Carol is away though.
    TimeOff.objects.create(
        coach=alices_hold.coach,
        starts_at=alices_hold.starts_at - timezone.timedelta(hours=1),
        ends_at=alices_hold.ends_at + timezone.timedelta(hours=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, event("evt_late", "payment_intent.succeeded", paid)).status_code == 200

    booking = Booking.objects.get(pk=alices_hold.pk)
    assert booking.status == (Status.EXPIRED if expired_by_the_task else Status.PENDING_PAYMENT)
    assert list(Refund.objects.values_list("payment_id", "amount_cents", "status")) == [
        (payment.pk, 6000, RefundStatus.SUCCEEDED)
    ]
    assert [m.subject.startswith("About your session on ") for m in mailoutbox] == [True]
