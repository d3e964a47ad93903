"""A payment's states and the only ways between them, as pretix keeps them: a table of
allowed moves and one function per move, each locking the row. A move that is not in
the table, or to where the payment already is, changes nothing and says so."""

from django.db import transaction
from django.utils import timezone

from accounts import audit

from ..models import Payment, PaymentStatus

S = PaymentStatus
ALLOWED = {
    # The card is being charged, or the attempt is dropped.
    S.AWAITING_CARD: {S.PROCESSING, S.CANCELED},
    # Stripe's answer; back to the card when it was not saved yet.
    S.PROCESSING: {S.REQUIRES_ACTION, S.SUCCEEDED, S.FAILED, S.CANCELED, S.AWAITING_CARD},
    S.REQUIRES_ACTION: {S.SUCCEEDED, S.FAILED, S.CANCELED},
    # Stripe is the source of truth: a success it reports wins over what we last saw.
    S.FAILED: {S.SUCCEEDED},
    S.CANCELED: {S.SUCCEEDED},
    S.SUCCEEDED: set(),
}


def may_move(source, target):
    return target in ALLOWED[source]


@transaction.atomic
def _move(payment, target, **fields):
    """Lock the row and move it; returns True only for the call that moved it."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    moved = locked.status != target and may_move(locked.status, target)
    if moved:
        locked.status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *fields])
    payment.refresh_from_db()
    return moved


def start_charging(payment):
    """awaiting_card → processing: a double click or a replayed request charges once."""
    return _move(payment, S.PROCESSING)


def card_not_saved(payment):
    return _move(payment, S.AWAITING_CARD)


def needs_authentication(payment):
    return _move(payment, S.REQUIRES_ACTION)


def succeed(payment, *, amount_cents, brand="", last4=""):
    now = timezone.now()
    moved = _move(
        payment,
        S.SUCCEEDED,
        captured_cents=amount_cents,
        card_brand=brand,
        card_last4=last4,
        succeeded_at=now,
        failure_message="",
    )
    if moved:
        audit.record("payment.succeeded", obj=payment, amount_cents=amount_cents, intent=payment.stripe_payment_intent_id)
    return moved


def fail(payment, message):
    moved = _move(payment, S.FAILED, failure_message=message[:300])
    if moved:
        audit.record("payment.failed", obj=payment)
    return moved


def cancel(payment, message=""):
    fields = {"failure_message": message[:300]} if message else {}
    return _move(payment, S.CANCELED, **fields)
