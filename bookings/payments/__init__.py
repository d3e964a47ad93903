"""Money, through Stripe, with our own records always in step.

The flow runs the same against real Stripe and against localstripe (see STACK.md):
a SetupIntent saves the card in the browser, then the server creates a PaymentIntent
for the saved card and confirms it; 3-D Secure, when asked for, happens in the browser.
Every Stripe object that moves money is created with our ids in its metadata and an
idempotency key built from our ids. The state of an intent is applied by one
idempotent function, `apply_intent`, whether it comes from the webhook, from the
answer to our own confirm call, or from the page after 3-D Secure.

Refunds are guarded here, from our own records: localstripe refunds more than was
paid and sends no refund events, so we never ask for more than captured minus refunded.
"""

import logging

import stripe
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import audit
from core import outbox
from core.wording import money

from .. import notices, transitions
from ..errors import BookingRefused, NotAllowed, SlotTaken
from ..models import Payment, PaymentStatus, Status, StripeEvent
from . import alerts, customers, refunds  # noqa: F401  (customers: the outbox learns its handler)
from . import states as payment_states
from .stripe_api import api, field as _field, idempotency_key, live_mode, metadata, object_id, passing

log = logging.getLogger(__name__)

DESCRIPTOR = "Waypoint session"
INTENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.requires_action",
    "payment_intent.canceled",
    "payment_intent.processing",
}
HANDLED_EVENTS = INTENT_EVENTS | {"charge.refunded", "charge.dispute.created"}


class PaymentProblem(BookingRefused):
    """The card or the payment did not go through; the message is for the client."""


# --- paying -----------------------------------------------------------------------


HOLD_ENDED = "This hold has ended, so the time is no longer kept for you. Please pick a time again."


def hold_open(booking, now=None):
    now = now or timezone.now()
    return booking.status == Status.PENDING_PAYMENT and bool(booking.hold_expires_at) and booking.hold_expires_at > now


def start_payment(booking, *, now=None):
    """The Payment the pay page uses, with a SetupIntent's client secret to save the card.
    An attempt still waiting for a card is reused; a failed one is replaced. Called when
    the client presses Pay, never on loading the page: a page view creates nothing in Stripe."""
    now = now or timezone.now()
    if not hold_open(booking, now):
        raise NotAllowed(HOLD_ENDED)
    s = api()
    payment = booking.payments.filter(status=PaymentStatus.AWAITING_CARD).exclude(stripe_setup_intent_id="").first()
    if payment is not None:
        setup = s.SetupIntent.retrieve(payment.stripe_setup_intent_id)
        if setup.status in ("requires_payment_method", "requires_confirmation", "requires_action"):
            return payment, setup.client_secret
        # A setup that already went through (its charge never asked for) or was cancelled
        # cannot take a card again: start afresh.
        payment_states.cancel(payment)
    _drop_abandoned(booking)
    payment = Payment.objects.create(booking=booking, amount_cents=booking.price_cents, currency=booking.currency)
    customer_id = (
        Payment.objects.filter(booking__client=booking.client, is_demo=False)
        .exclude(stripe_customer_id="")
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    if not customer_id:
        customer = s.Customer.create(
            email=booking.client.email,
            metadata={"client_id": str(booking.client_id)},
            idempotency_key=idempotency_key(payment, "customer"),
        )
        customer_id = customer.id
    setup = s.SetupIntent.create(
        customer=customer_id,
        payment_method_types=["card"],
        usage="on_session",
        metadata=metadata(booking, payment),
        idempotency_key=idempotency_key(payment, "setup"),
    )
    payment.stripe_customer_id = customer_id
    payment.stripe_setup_intent_id = setup.id
    payment.save(update_fields=["stripe_customer_id", "stripe_setup_intent_id", "updated_at"])
    audit.record("payment.started", actor=booking.client, obj=payment, booking_id=booking.pk)
    return payment, setup.client_secret


def last_failure(booking):
    """Why the latest attempt did not go through, for the pay page; "" when it did not fail."""
    latest = booking.payments.order_by("-created_at", "-pk").first()
    if latest is None or latest.status not in (PaymentStatus.FAILED, PaymentStatus.CANCELED):
        return ""
    return latest.failure_message or "The payment did not go through, so nothing was charged. You can try again."


def _drop_abandoned(booking):
    """A new attempt replaces any earlier one left waiting for the bank's check (the page
    was closed or reloaded in the middle of 3-D Secure): each is stopped in Stripe by the
    outbox, so it can neither be charged later nor linger as an unfinished payment."""
    for payment_id in booking.payments.filter(status=PaymentStatus.REQUIRES_ACTION, is_demo=False).values_list("pk", flat=True):
        outbox.owe(
            CANCEL_OPEN_INTENTS,
            key=f"cancel-attempt:{payment_id}",
            about=f"booking:{booking.pk}",
            booking_id=booking.pk,
            payment_id=payment_id,
        )


def charge(payment, *, now=None):
    """Charge the card the browser just saved. Returns the Payment, whose status says
    what happens next (`requires_action` sends the browser to 3-D Secure)."""
    now = now or timezone.now()
    # Claim the attempt: a double click or a replayed request charges once.
    if not payment_states.start_charging(payment):
        return payment
    booking = payment.booking
    if not hold_open(booking, now):
        _fail(payment, "This hold ended before the payment, so nothing was charged. Please pick a time again.")
        raise NotAllowed(payment.failure_message)
    s = api()
    setup = s.SetupIntent.retrieve(payment.stripe_setup_intent_id)
    if setup.status != "succeeded" or not setup.payment_method:
        payment_states.card_not_saved(payment)
        raise PaymentProblem("Your card details were not saved yet. Please check them and try again.")
    payment_method = _field(setup.payment_method, "id", setup.payment_method)
    try:
        intent = s.PaymentIntent.create(
            amount=payment.amount_cents,
            currency=payment.currency,
            customer=payment.stripe_customer_id,
            payment_method=payment_method,
            payment_method_types=["card"],
            metadata=metadata(booking, payment),
            idempotency_key=idempotency_key(payment, "intent"),
        )
    except stripe.StripeError:
        log.exception("creating the payment intent of payment %s failed", payment.pk)
        _fail(payment, "We could not reach the payment service, so nothing was charged. Please try again.")
        return payment
    # Stored before confirming: localstripe's decline body lacks the intent's id.
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
    payment.stripe_payment_intent_id = intent.id
    audit.record("payment.intent_created", actor=booking.client, obj=payment, intent=intent.id)
    try:
        intent = s.PaymentIntent.confirm(intent.id, idempotency_key=idempotency_key(payment, "confirm"))
    except stripe.CardError as exc:
        _fail(payment, decline_message(exc))
        return payment
    except stripe.StripeError:
        # We cannot tell whether the confirmation went through: ask, else the webhook will say.
        log.exception("confirming %s failed", intent.id)
        try:
            intent = s.PaymentIntent.retrieve(intent.id)
        except stripe.StripeError:
            payment.refresh_from_db()
            return payment
    return apply_intent(intent)


def finish(payment):
    """After 3-D Secure in the browser: ask Stripe where the intent stands and apply it."""
    if not payment.stripe_payment_intent_id:
        return payment
    intent = api().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    return apply_intent(intent)


def cancel_unauthenticated(payment):
    """The browser's card check ended without the bank's yes: stop the intent."""
    try:
        intent = api().PaymentIntent.cancel(payment.stripe_payment_intent_id)
    except stripe.StripeError:
        intent = api().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    payment = apply_intent(intent)
    if payment.status == PaymentStatus.CANCELED:
        Payment.objects.filter(pk=payment.pk).update(
            failure_message="The card check with your bank was not completed, so nothing was charged. You can try again."
        )
        payment.refresh_from_db()
    return payment


def decline_message(exc):
    """Words for a decline, from a CardError or an intent's `last_payment_error`."""
    code = (exc.get("code") if isinstance(exc, dict) else getattr(exc, "code", "")) or ""
    if code in ("card_declined", "insufficient_funds", "generic_decline"):
        return "Your card was declined, so nothing was charged. You can try another card."
    if code == "expired_card":
        return "That card has expired, so nothing was charged. You can try another card."
    if code in ("incorrect_cvc", "incorrect_number", "invalid_expiry_year", "invalid_expiry_month"):
        return "Some of the card details look wrong, so nothing was charged. Please check them."
    return "The payment did not go through, so nothing was charged. You can try again or use another card."


def _fail(payment, message):
    payment_states.fail(payment, message)


# --- applying Stripe's word ---------------------------------------------------------


def _refuse(intent, reason, payment=None):
    """An intent that names one of our payments but is not that payment's: nothing is done."""
    log.warning("payment intent %s refused: %s", _field(intent, "id"), reason)
    audit.record("payment.intent_refused", obj=payment, intent=_field(intent, "id"), because=reason)


def _payment_for(intent):
    """Our Payment for `intent`, or None. Found by the intent id we stored; else (an intent
    created just before its id could be stored) by the payment id in its metadata, and then
    only when the booking, the client and Stripe's customer all agree with that payment.
    An intent with no id matches nothing: an empty id would match every payment not yet charged."""
    intent_id = _field(intent, "id")
    if not intent_id or not isinstance(intent_id, str):
        return None
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is not None:
        return payment
    meta = _field(intent, "metadata") or {}
    payment_id = str(_field(meta, "payment_id") or "")
    if not (payment_id.isascii() and payment_id.isdigit() and len(payment_id) < 19):
        return None
    payment = Payment.objects.select_related("booking").filter(pk=int(payment_id), stripe_payment_intent_id=None).first()
    if payment is None:
        return None
    if str(_field(meta, "booking_id") or "") != str(payment.booking_id) or str(_field(meta, "client_id") or "") != str(
        payment.booking.client_id
    ):
        _refuse(intent, "booking_or_client_differs", payment)
        return None
    if not payment.stripe_customer_id or object_id(_field(intent, "customer")) != payment.stripe_customer_id:
        _refuse(intent, "customer_differs", payment)
        return None
    Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id=None).update(stripe_payment_intent_id=intent_id)
    payment.refresh_from_db()
    return payment if payment.stripe_payment_intent_id == intent_id else None


def _card_details(intent):
    """(brand, last4) of the card that paid: from the charge when it says (Stripe), else
    from the payment method (localstripe's charges carry no card details)."""
    s = api()
    try:
        charge = _field(intent, "latest_charge")
        if isinstance(charge, str):
            charge = s.Charge.retrieve(charge)
        card = _field(_field(charge, "payment_method_details"), "card")
        if card is None and _field(intent, "payment_method"):
            method = _field(intent, "payment_method")
            method = s.PaymentMethod.retrieve(method) if isinstance(method, str) else method
            card = _field(method, "card")
    except stripe.StripeError:
        log.warning("could not read the card details of %s", _field(intent, "id"))
        return "", ""
    return (_field(card, "brand", "") or "")[:20], (_field(card, "last4", "") or "")[:4]


def _amount_received(intent):
    """What Stripe took for `intent`. localstripe has no `amount_received`: there its
    succeeded, captured charge says it."""
    received = _field(intent, "amount_received")
    if received is not None:
        return int(received)
    charge = _field(intent, "latest_charge")
    if isinstance(charge, str):
        charge = api().Charge.retrieve(charge)
    if _field(charge, "status") == "succeeded" and _field(charge, "captured", True):
        return int(_field(charge, "amount", 0) or 0)
    return 0


def mismatch(payment, booking):
    """What a payment Stripe took does not match in its booking, in words; "" when all does."""
    same_currency = payment.currency.lower() == booking.currency.lower()
    if same_currency and payment.captured_cents == booking.price_cents:
        return ""
    words = f"{money(payment.captured_cents, payment.currency)} taken, {money(booking.price_cents, booking.currency)} owed"
    if not same_currency:
        words = f"paid in {payment.currency.upper() or 'no currency'}, the booking is in {booking.currency.upper()}; {words}"
    return words


def apply_intent(intent):
    """Bring our Payment (and its booking) to where Stripe says the intent is. Safe to
    call any number of times, in any order: a success is final, and nothing undoes it.
    `intent` comes from Stripe itself (the answer to our own call, or fetched again by id):
    a webhook's body is only a hint of which intent to fetch."""
    if bool(_field(intent, "livemode", False)) != live_mode():
        log.warning("payment intent %s is not of our key's mode; ignored", _field(intent, "id"))
        return None
    payment = _payment_for(intent)
    if payment is None:
        log.info("payment intent %s is not one of ours", _field(intent, "id"))
        return None
    status = _field(intent, "status")
    if status == "succeeded":
        return _succeeded(payment, intent)
    if status == "requires_action":
        payment_states.needs_authentication(payment)
    elif status in ("requires_payment_method", "canceled"):
        error = _field(intent, "last_payment_error")
        if status == "canceled":
            payment_states.cancel(payment)
        elif payment.status != PaymentStatus.FAILED:
            _fail(payment, decline_message(error) if error else "The payment did not go through, so nothing was charged.")
    payment.refresh_from_db()
    return payment


def _another_payment_holds(booking, payment):
    """Another payment of `booking` that went through, matched it, and still holds its money."""
    return (
        booking.payments.filter(status=PaymentStatus.SUCCEEDED, mismatch="", refunded_cents__lt=F("captured_cents"))
        .exclude(pk=payment.pk)
        .exists()
    )


def _succeeded(payment, intent):
    now = timezone.now()
    brand, last4 = _card_details(intent)
    received = _amount_received(intent)
    currency = str(_field(intent, "currency") or "").lower()
    payment_states.succeed(payment, amount_cents=received, currency=currency, brand=brand, last4=last4)
    if payment.status != PaymentStatus.SUCCEEDED:
        log.warning("payment %s cannot succeed from %s", payment.pk, payment.status)
        return payment
    with transaction.atomic():
        # Coach, then booking, as every transition locks them: two payments of one booking
        # landing at once decide one after the other which of them keeps it.
        booking = transitions.lock_for_change(payment.booking)
        problem = mismatch(payment, booking)
        if problem:
            # Money we did not ask for (or in another currency) never confirms a booking:
            # admins look at it and decide.
            if payment_states.flag_mismatch(payment, problem):
                alerts.owe(payment, alerts.MISMATCH)
        elif booking.status == Status.CONFIRMED and _another_payment_holds(booking, payment):
            # Two tabs paid for one booking: the one that confirmed it keeps it; this goes back in full.
            _refund_unusable(payment, "paid twice for one session")
        else:
            try:
                transitions.confirm(booking, payment=payment, now=now)
            except SlotTaken:
                # The hold ran out before the money arrived and the time is no longer open.
                _refund_unusable(payment, "time taken after the hold ended")
                notices.owe(
                    booking, notices.NoticeKind.LATE_PAYMENT_REFUNDED, key=f"payment-{payment.pk}", payment_id=payment.pk
                )
            except NotAllowed:
                _refund_unusable(payment, f"booking was {booking.status} when the payment arrived")
    payment.refresh_from_db()
    return payment


def _refund_unusable(payment, reason):
    payment.refresh_from_db()
    if payment.refundable_cents > 0:
        refunds.owe_refund(payment, payment.refundable_cents, actor=None, reason=reason, notify=False)


def refund(payment, amount_cents, *, actor=None, reason="", request=None):
    """An admin gives `amount_cents` of `payment` back: reserved now, made by the outbox."""
    return refunds.owe_refund(payment, amount_cents, actor=actor, reason=reason, request=request)


# --- stopping what a hold no longer needs ----------------------------------------------

CANCEL_OPEN_INTENTS = "payment.cancel_open_intents"
OPEN = (PaymentStatus.AWAITING_CARD, PaymentStatus.PROCESSING, PaymentStatus.REQUIRES_ACTION)


@outbox.action(CANCEL_OPEN_INTENTS, label="Stop unfinished payments")
def cancel_open_intents(work):
    """When a hold ends, stop its unfinished payments (or only `payment_id`, an attempt a
    newer one replaced). One that Stripe says already succeeded is applied instead (and
    confirms or refunds as `apply_intent` decides)."""
    s = api()
    unfinished = Payment.objects.filter(booking_id=work.payload["booking_id"], status__in=OPEN, is_demo=False)
    if "payment_id" in work.payload:
        unfinished = unfinished.filter(pk=work.payload["payment_id"])
    for payment in unfinished:
        if not payment.stripe_payment_intent_id:
            payment_states.cancel(payment)
            continue
        try:
            try:
                intent = s.PaymentIntent.cancel(payment.stripe_payment_intent_id)
            except stripe.InvalidRequestError:
                # Already finished one way or the other: ask where it stands.
                intent = s.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
        except stripe.StripeError as exc:
            later = passing(exc)
            if later is not None:
                raise later from exc
            raise
        apply_intent(intent)


# --- the webhook ---------------------------------------------------------------------


class StripeUnavailable(Exception):
    """Stripe could not be asked about an event: it stays unapplied, and Stripe sends it again."""


def _fetch(kind, object_id):
    """A Stripe object as Stripe has it now, or None when Stripe does not know that id."""
    if not object_id or not isinstance(object_id, str):
        return None
    try:
        return getattr(api(), kind).retrieve(object_id)
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as exc:
        raise StripeUnavailable(f"{kind} {object_id}: {type(exc).__name__}") from exc


def _ours(obj):
    """Whether a Stripe object is of our key's mode; logged when it is not."""
    if obj is None:
        return False
    if bool(_field(obj, "livemode", False)) != live_mode():
        log.warning("%s is not of our key's mode; ignored", _field(obj, "id"))
        return False
    return True


def _refunded_in_stripe(hint):
    """`charge.refunded`: refunds made in Stripe's dashboard are recorded as ours."""
    charge = _fetch("Charge", _field(hint, "id"))
    if not _ours(charge):
        return
    intent_id = object_id(_field(charge, "payment_intent"))
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
    if payment is None:
        return
    try:
        listed = list(api().Refund.list(charge=charge.id, limit=100).auto_paging_iter())
    except stripe.StripeError as exc:
        raise StripeUnavailable(f"refunds of {charge.id}: {type(exc).__name__}") from exc
    for stripe_refund in listed:
        refunds.record_made_in_stripe(payment, stripe_refund)


def _disputed(hint):
    """`charge.dispute.created`: flag the payment and tell the admins. The dispute's
    intent (or its charge's) is fetched from Stripe; an intent we do not know is ignored."""
    intent_id = object_id(_field(hint, "payment_intent"))
    if not intent_id:
        charge = _fetch("Charge", object_id(_field(hint, "charge")))
        intent_id = object_id(_field(charge, "payment_intent")) if _ours(charge) else None
    intent = _fetch("PaymentIntent", intent_id)
    if not _ours(intent):
        return
    payment = Payment.objects.filter(stripe_payment_intent_id=intent.id).first()
    if payment is None:
        log.info("dispute %s is about intent %s, not one of ours", _field(hint, "id"), intent.id)
        return
    with transaction.atomic():
        if payment_states.flag_dispute(payment, reason=str(_field(hint, "reason") or ""), dispute_id=str(_field(hint, "id") or "")):
            alerts.owe(payment, alerts.DISPUTE)


def _apply_event(kind, data):
    if bool(data.get("livemode")) != live_mode():
        log.warning("event %s is not of our key's mode; ignored", data.get("id"))
        return
    hint = (data.get("data") or {}).get("object") or {}
    if kind in INTENT_EVENTS:
        # The event's body only says which intent: what Stripe says now is what we act on.
        intent = _fetch("PaymentIntent", _field(hint, "id"))
        if intent is not None:
            apply_intent(intent)
    elif kind == "charge.refunded":
        _refunded_in_stripe(hint)
    elif kind == "charge.dispute.created":
        _disputed(hint)


def handle_event(event):
    """Record a verified event once and apply it. Returns True if it was applied now.
    Raises StripeUnavailable, leaving the event unapplied, when Stripe could not be asked."""
    data = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    stored, _ = StripeEvent.objects.get_or_create(
        event_id=data["id"], defaults={"type": data.get("type", ""), "payload": data}
    )
    if stored.processed_at is not None:
        return False
    if stored.type in HANDLED_EVENTS:
        _apply_event(stored.type, data)
    StripeEvent.objects.filter(pk=stored.pk, processed_at=None).update(processed_at=timezone.now())
    return True
