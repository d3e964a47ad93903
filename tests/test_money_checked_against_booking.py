"""Money is checked against the booking: an intent is matched to a payment only when
everything agrees, acted on only as Stripe says it is now (the event's body is a hint),
and confirms a booking only when Stripe took exactly what the booking costs. Refunds
made in Stripe's dashboard and disputes reach our records and the admins.

Events are built here and signed with the test secret exactly as Stripe signs them;
the objects they name are real ones in localstripe."""

import random
import time

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from bookings import payments, transitions
from bookings.models import Booking, Payment, PaymentStatus, Refund, RefundStatus, Status
from bookings.notices import NoticeKind
from bookings.payments import alerts
from core.encryption import reveal
from core.models import OwedWork
from tests.factories import bookable_coach, local_time
from tests.test_stripe_webhook import deliver


def signed_event(event_id, kind, obj, *, livemode=False):
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": kind,
        "livemode": livemode,
        "data": {"object": obj if isinstance(obj, dict) else obj.to_dict()},
    }


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def alices_hold(alice, carols):
    coach, session_type = carols
    return transitions.place_hold(alice, session_type, local_time(coach, 3, 10))


def card_saved(booking):
    """A payment as the pay page leaves it: Stripe knows the client as a customer."""
    customer = payments.api().Customer.create(email=booking.client.email)
    return Payment.objects.create(
        booking=booking, amount_cents=booking.price_cents, currency=booking.currency, stripe_customer_id=customer.id
    )


def intent_for(payment, *, amount=None, currency=None, customer=None, metadata=None, confirm=True, store=True):
    """What Stripe holds for `payment`: an intent (paid, unless `confirm` is off). `store`
    off is the moment between creating the intent and storing its id."""
    s = payments.api()
    intent = s.PaymentIntent.create(
        amount=amount or payment.amount_cents,
        currency=currency or payment.currency,
        customer=customer or payment.stripe_customer_id,
        payment_method="pm_card_visa",
        payment_method_types=["card"],
        metadata=metadata if metadata is not None else payments.metadata(payment.booking, payment),
    )
    # Our charge call claims the payment (processing) before it creates the intent.
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PROCESSING)
    if store:
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
    return s.PaymentIntent.confirm(intent.id) if confirm else intent


def statuses(booking, payment):
    booking.refresh_from_db()
    payment.refresh_from_db()
    return booking.status, payment.status


# --- matching an intent to a payment ---------------------------------------------------


def test_an_intent_with_no_id_matches_no_payment(client, alices_hold, localstripe):
    # Stripe was out of reach when this payment's intent was to be made: it has no intent id.
    waiting = card_saved(alices_hold)
    payments.payment_states.start_charging(waiting)
    payments.payment_states.fail(waiting, "We could not reach the payment service, so nothing was charged.")
    no_id = {
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 6000,
        "amount_received": 6000,
        "currency": "usd",
        "livemode": False,
        "metadata": {},
    }

    assert payments.apply_intent({**no_id, "id": None}) is None
    assert payments.apply_intent({**no_id, "id": ""}) is None
    assert deliver(client, signed_event("evt_no_id", "payment_intent.succeeded", {**no_id, "id": ""})).status_code == 200

    assert statuses(alices_hold, waiting) == (Status.PENDING_PAYMENT, PaymentStatus.FAILED)


@pytest.mark.parametrize("whose", ["bobs_booking", "bobs_client_id", "another_customer"])
def test_an_intent_found_by_its_metadata_must_agree_with_the_payment_in_every_id(
    client, alices_hold, bob, carols, localstripe, whose
):
    coach, session_type = carols
    bobs = transitions.place_hold(bob, session_type, local_time(coach, 3, 14))
    payment = card_saved(alices_hold)
    metadata = payments.metadata(alices_hold, payment)
    customer = None
    if whose == "bobs_booking":
        metadata["booking_id"] = str(bobs.pk)
    elif whose == "bobs_client_id":
        metadata["client_id"] = str(bob.pk)
    else:
        customer = payments.api().Customer.create(email="bob@example.com").id
    paid = intent_for(payment, metadata=metadata, customer=customer, store=False)

    assert deliver(client, signed_event("evt_paid", "payment_intent.succeeded", paid)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.PROCESSING)
    assert payment.stripe_payment_intent_id is None
    assert list(AuditEvent.objects.filter(action="payment.intent_refused").values_list("object_id", flat=True)) == [
        str(payment.pk)
    ]


def test_an_intent_whose_id_was_not_stored_yet_is_found_when_everything_agrees(client, alices_hold, localstripe):
    payment = card_saved(alices_hold)
    paid = intent_for(payment, store=False)

    assert deliver(client, signed_event("evt_paid", "payment_intent.succeeded", paid)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.CONFIRMED, PaymentStatus.SUCCEEDED)
    assert payment.stripe_payment_intent_id == paid.id


# --- Stripe's word, not the event's ------------------------------------------------------


def test_the_event_body_is_a_hint_and_stripe_is_asked_where_the_intent_stands(client, alices_hold, localstripe):
    payment = card_saved(alices_hold)
    unpaid = intent_for(payment, confirm=False)
    forged_body = {**unpaid.to_dict(), "status": "succeeded", "amount_received": 6000}

    assert deliver(client, signed_event("evt_claims_paid", "payment_intent.succeeded", forged_body)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.PROCESSING)
    assert payment.captured_cents == 0


def test_an_intent_of_the_other_mode_is_ignored(client, alices_hold, localstripe, settings):
    payment = card_saved(alices_hold)
    paid = intent_for(payment)
    # Our key is live now; localstripe's intent is a test-mode one, whatever the event says.
    settings.STRIPE_SECRET_KEY = "sk_live_waypoint_elsewhere"

    assert deliver(client, signed_event("evt_live", "payment_intent.succeeded", paid, livemode=True)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.PROCESSING)


def test_a_test_mode_event_is_ignored_by_a_live_site_before_stripe_is_asked(client, alices_hold, localstripe, settings):
    payment = card_saved(alices_hold)
    paid = intent_for(payment)
    settings.STRIPE_SECRET_KEY = "sk_live_waypoint_elsewhere"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # a call to Stripe would fail

    assert deliver(client, signed_event("evt_test", "payment_intent.succeeded", paid)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.PROCESSING)


def test_stripe_out_of_reach_leaves_the_event_for_stripe_to_send_again(client, alices_hold, localstripe, settings):
    payment = card_saved(alices_hold)
    paid = intent_for(payment)
    body = signed_event("evt_paid", "payment_intent.succeeded", paid)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    assert deliver(client, body).status_code == 503
    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.PROCESSING)

    settings.STRIPE_API_BASE = localstripe
    assert deliver(client, body).status_code == 200
    assert statuses(alices_hold, payment) == (Status.CONFIRMED, PaymentStatus.SUCCEEDED)


# --- the amount and the currency ---------------------------------------------------------


@pytest.mark.parametrize(
    "amount, currency, words",
    [
        (100, "usd", "$1.00 taken, $60.00 owed"),
        (6000, "eur", "paid in EUR, the booking is in USD; €60.00 taken, $60.00 owed"),
    ],
    ids=["amount", "currency"],
)
def test_money_that_does_not_match_the_booking_confirms_nothing_and_tells_the_admins(
    client, alices_hold, erin, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks, amount, currency, words
):
    payment = card_saved(alices_hold)
    paid = intent_for(payment, amount=amount, currency=currency)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, signed_event(f"evt_{n}", "payment_intent.succeeded", paid)).status_code for n in range(2)]

    assert answers == [200, 200]
    assert statuses(alices_hold, payment) == (Status.PENDING_PAYMENT, PaymentStatus.SUCCEEDED)
    assert (payment.captured_cents, payment.currency, payment.mismatch) == (amount, currency, words)
    assert Refund.objects.count() == 0
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: a payment needs a look", ["erin@example.com"])]
    assert f"What did not match: {words}" in mailoutbox[0].body
    assert f"/bookings/manage/payments/{payment.pk}/" in mailoutbox[0].body
    assert list(AuditEvent.objects.filter(action="payment.mismatch").values_list("object_id", "details")) == [
        (str(payment.pk), {"booking_id": alices_hold.pk})
    ]

    client.force_login(erin)
    page = client.get("/bookings/manage/").content.decode()
    assert "Payments that need a look" in page
    assert f'href="/bookings/manage/payments/{payment.pk}/">Did not match its booking: {words}' in page
    # Alice is told it is being looked at, and is not offered to pay again.
    client.force_login(alices_hold.client)
    page = client.get(f"/bookings/{alices_hold.pk}/").content.decode()
    assert "Your payment did not match this session, so it is not confirmed yet." in page
    assert "Finish paying" not in page


def test_the_exact_amount_confirms_and_the_admins_hear_nothing(
    client, alices_hold, erin, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = card_saved(alices_hold)
    paid = intent_for(payment)

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, signed_event("evt_paid", "payment_intent.succeeded", paid)).status_code == 200

    assert statuses(alices_hold, payment) == (Status.CONFIRMED, PaymentStatus.SUCCEEDED)
    assert (payment.captured_cents, payment.mismatch) == (6000, "")
    # Alice's confirmation and receipt, and the coach's news of a paid session; no admin.
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "alice@example.com", "carol@example.com"]
    client.force_login(erin)
    assert "Payments that need a look" not in client.get("/bookings/manage/").content.decode()


# --- two payments for one booking ---------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_when_two_tabs_both_pay_the_booking_keeps_one_and_the_other_goes_back_in_full(
    client, alices_hold, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks, seed
):
    first, second = card_saved(alices_hold), card_saved(alices_hold)
    events = [
        signed_event("evt_first", "payment_intent.succeeded", intent_for(first)),
        signed_event("evt_second", "payment_intent.succeeded", intent_for(second)),
    ] * 3
    random.Random(seed).shuffle(events)

    with django_capture_on_commit_callbacks(execute=True):
        assert [deliver(client, body).status_code for body in events] == [200] * 6

    alices_hold.refresh_from_db()
    assert alices_hold.status == Status.CONFIRMED
    kept = Payment.objects.get(pk=AuditEvent.objects.get(action="booking.confirmed").details["payment_id"])
    extra = second if kept == first else first
    assert [(r.payment_id, r.amount_cents, r.status, reveal(r.reason)) for r in Refund.objects.all()] == [
        (extra.pk, 6000, RefundStatus.SUCCEEDED, "paid twice for one session")
    ]
    assert [payments.api().Refund.list(payment_intent=p.stripe_payment_intent_id).data for p in (kept,)] == [[]]
    assert sorted(OwedWork.objects.filter(kind=NoticeKind.RECEIPT).values_list("payload__payment_id", flat=True)) == [kept.pk]


def test_the_second_payment_is_refunded_even_when_the_servers_clocks_disagree(
    alices_hold, localstripe, eager_tasks, django_capture_on_commit_callbacks
):
    first, second = card_saved(alices_hold), card_saved(alices_hold)
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply_intent(intent_for(first))
    # The server that took the first payment runs a minute fast.
    Payment.objects.filter(pk=first.pk).update(succeeded_at=timezone.now() + timezone.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        payments.apply_intent(intent_for(second))

    assert Booking.objects.get(pk=alices_hold.pk).status == Status.CONFIRMED
    assert list(Refund.objects.values_list("payment_id", "amount_cents")) == [(second.pk, 6000)]


# --- refunds made in Stripe's dashboard ----------------------------------------------------


def test_a_refund_made_in_stripes_dashboard_is_recorded_once_beside_our_own(
    client, alices_hold, erin, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = card_saved(alices_hold)
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply_intent(intent_for(payment))
        payment.refresh_from_db()
        ours = payments.refund(payment, 1000, actor=erin, reason="Late start")
    charge_id = payments.api().PaymentIntent.retrieve(payment.stripe_payment_intent_id).latest_charge.id
    dashboard = payments.api().Refund.create(payment_intent=payment.stripe_payment_intent_id, amount=2000)
    charge = payments.api().Charge.retrieve(charge_id)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            deliver(client, signed_event(f"evt_refunded_{n}", "charge.refunded", charge)).status_code for n in range(2)
        ]

    assert answers == [200, 200]
    assert list(Refund.objects.order_by("pk").values_list("pk", "amount_cents", "status", "stripe_refund_id", "created_by")) == [
        (ours.pk, 1000, RefundStatus.SUCCEEDED, Refund.objects.get(pk=ours.pk).stripe_refund_id, erin.pk),
        (Refund.objects.latest("pk").pk, 2000, RefundStatus.SUCCEEDED, dashboard.id, None),
    ]
    payment.refresh_from_db()
    assert (payment.captured_cents, payment.refunded_cents) == (6000, 3000)
    assert [(m.to, m.subject) for m in mailoutbox] == [(["alice@example.com"], "Your refund from Waypoint")]
    assert "We have refunded $20.00" in mailoutbox[0].body
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.CONFIRMED


# --- disputes -------------------------------------------------------------------------------


def dispute_of(payment, dispute_id="dp_1"):
    payment.refresh_from_db()
    intent = payments.api().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": payment.captured_cents,
        "currency": payment.currency,
        "charge": intent.latest_charge.id,
        "payment_intent": intent.id,
        "reason": "fraudulent",
        "status": "needs_response",
        "livemode": False,
    }


def test_a_dispute_flags_the_payment_and_tells_the_admins_once(
    client, alices_hold, erin, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = card_saved(alices_hold)
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply_intent(intent_for(payment))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            deliver(client, signed_event(f"evt_dispute_{n}", "charge.dispute.created", dispute_of(payment))).status_code
            for n in range(2)
        ]

    assert answers == [200, 200]
    payment.refresh_from_db()
    assert (payment.disputed_at is not None, payment.dispute_reason, payment.status) == (True, "fraudulent", PaymentStatus.SUCCEEDED)
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: a payment needs a look", ["erin@example.com"])]
    assert "The card holder's bank has opened a dispute about a payment ($60.00)." in mailoutbox[0].body
    assert list(AuditEvent.objects.filter(action="payment.disputed").values_list("object_id", "details")) == [
        (str(payment.pk), {"booking_id": alices_hold.pk, "dispute": "dp_1"})
    ]
    client.force_login(erin)
    page = client.get("/bookings/manage/").content.decode()
    assert f"href=\"/bookings/manage/payments/{payment.pk}/\">Disputed by the card holder's bank (fraudulent)" in page


def test_a_dispute_about_an_intent_that_is_not_ours_changes_nothing(
    client, alices_hold, erin, localstripe, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    payment = card_saved(alices_hold)
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply_intent(intent_for(payment))
    elsewhere = payments.api().PaymentIntent.create(amount=500, currency="usd", payment_method_types=["card"])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        body = {**dispute_of(payment), "payment_intent": elsewhere.id, "charge": None}
        assert deliver(client, signed_event("evt_dispute", "charge.dispute.created", body)).status_code == 200

    payment.refresh_from_db()
    assert payment.disputed_at is None
    assert mailoutbox == []
    assert OwedWork.objects.filter(kind=alerts.PAYMENT_PROBLEM).count() == 0
