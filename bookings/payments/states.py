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


def succeed(payment, *, amount_cents, currency="", brand="", last4=""):
    """Stripe took `amount_cents` in `currency`: recorded as taken, even when it is not what
    was asked (see `flag_mismatch`), since refunds are made of what was really taken."""
    now = timezone.now()
    fields = {"currency": currency.lower()[:3]} if currency else {}
    moved = _move(
        payment,
        S.SUCCEEDED,
        **fields,
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


# --- flags beside the status ---------------------------------------------------------
# A payment Stripe took stays `succeeded` whatever else is true of it: a flag marks what
# admins must look at, and every money rule that reads `succeeded` (refunds, receipts)
# keeps working for it.


@transaction.atomic
def flag_mismatch(payment, note):
    """Stripe took money that does not match the booking. Returns True only for the call
    that flagged it; the booking is not confirmed with such a payment."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.mismatch:
        payment.refresh_from_db()
        return False
    locked.mismatch = note[:300]
    locked.save(update_fields=["mismatch", "updated_at"])
    # The words stay on the payment (admins read them there); the trail holds ids only.
    audit.record("payment.mismatch", obj=locked, booking_id=locked.booking_id)
    payment.refresh_from_db()
    return True


@transaction.atomic
def flag_dispute(payment, *, reason, dispute_id):
    """The card holder's bank opened a dispute. Returns True only for the call that flagged it."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.disputed_at is not None:
        payment.refresh_from_db()
        return False
    locked.disputed_at = timezone.now()
    locked.dispute_reason = (reason or "")[:100]
    locked.save(update_fields=["disputed_at", "dispute_reason", "updated_at"])
    audit.record("payment.disputed", obj=locked, booking_id=locked.booking_id, dispute=dispute_id)
    payment.refresh_from_db()
    return True
