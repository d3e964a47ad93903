"""Refunds, guarded by our own records and made through the outbox.

The amount is fixed and reserved on the payment's row, under its lock, in the
transaction of the change that owes it (a cancellation, an admin's refund, a payment
that cannot be used). Stripe is asked afterwards, by the outbox, with an idempotency
key built from the refund's id: a Stripe that is down is asked again later, and never
for more than captured minus refunded (localstripe would refund more than was paid).
"""

import stripe
from django.db import transaction
from django.db.models import F

from accounts import audit
from core import outbox
from core.wording import money

from .. import notices
from ..errors import RefundRefused
from ..models import Payment, PaymentStatus, Refund, RefundStatus
from .stripe_api import api, field, idempotency_key, metadata, passing

REFUND = "payment.refund"


def _reserve(locked, amount_cents):
    if locked.status != PaymentStatus.SUCCEEDED:
        raise RefundRefused("Only a payment that went through can be refunded.")
    if amount_cents <= 0:
        raise RefundRefused("A refund must be more than zero.")
    if amount_cents > locked.refundable_cents:
        raise RefundRefused(
            f"At most {money(locked.refundable_cents, locked.currency)} of this payment can still be refunded."
        )
    Payment.objects.filter(pk=locked.pk).update(refunded_cents=F("refunded_cents") + amount_cents)


@transaction.atomic
def owe_refund(payment, amount_cents, *, actor=None, reason="", notify=True, request=None):
    """Reserve `amount_cents` of `payment` and owe its refund. Call it inside the change's
    transaction; raises RefundRefused (and reserves nothing) when it is not allowed."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    record = _owe_locked(locked, amount_cents, actor=actor, reason=reason, notify=notify, request=request)
    payment.refresh_from_db()
    return record


def _owe_locked(locked, amount_cents, *, actor, reason, notify, request):
    _reserve(locked, amount_cents)
    record = Refund.objects.create(
        payment=locked, amount_cents=amount_cents, status=RefundStatus.PENDING, reason=reason[:300], created_by=actor
    )
    audit.record(
        "payment.refund_owed", actor=actor, obj=locked, request=request, refund_id=record.pk, amount_cents=amount_cents
    )
    outbox.owe(REFUND, key=f"refund:{record.pk}", about=f"booking:{locked.booking_id}", refund_id=record.pk, notify=notify)
    return record


@transaction.atomic
def owe_full_refunds(payments, *, actor=None, reason="", request=None):
    """Owe each of `payments` back in full (what it still holds), as `owe_refund` does one,
    with the payments locked in one query. Returns the Refunds made."""
    made = []
    for locked in Payment.objects.select_for_update().filter(pk__in=[p.pk for p in payments]).order_by("pk"):
        if locked.status == PaymentStatus.SUCCEEDED and locked.refundable_cents > 0:
            made.append(_owe_locked(locked, locked.refundable_cents, actor=actor, reason=reason, notify=True, request=request))
    return made


@transaction.atomic
def _again_after_failure(refund):
    """An admin tries a refund that Stripe refused once more: reserve its amount again."""
    locked = Payment.objects.select_for_update().get(pk=refund.payment_id)
    try:
        _reserve(locked, refund.amount_cents)
    except RefundRefused as refusal:
        raise outbox.Skip(str(refusal)) from refusal
    Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.PENDING)


@transaction.atomic
def _refused(refund):
    """Stripe will not make this refund: give the reserved amount back to the payment. (Stripe's
    words stay on the owed work's row for the admins, not in the audit trail.)"""
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(status=RefundStatus.FAILED)
    Payment.objects.filter(pk=refund.payment_id).update(refunded_cents=F("refunded_cents") - refund.amount_cents)
    audit.record("payment.refund_failed", obj=refund.payment, refund_id=refund.pk)


@outbox.action(REFUND, label="Refund")
def make_refund(work):
    refund = Refund.objects.select_related("payment__booking").get(pk=work.payload["refund_id"])
    if refund.status == RefundStatus.SUCCEEDED:
        return
    if refund.status == RefundStatus.FAILED:
        _again_after_failure(refund)
    payment = refund.payment
    stripe_id = ""
    if not payment.is_demo:
        try:
            answer = api().Refund.create(
                payment_intent=payment.stripe_payment_intent_id,
                amount=refund.amount_cents,
                metadata={"refund_id": str(refund.pk), **metadata(payment.booking, payment)},
                idempotency_key=idempotency_key(refund, "refund"),
            )
        except stripe.StripeError as exc:
            later = passing(exc)
            if later is not None:
                raise later from exc
            _refused(refund)
            raise
        stripe_id = answer.id
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.SUCCEEDED, stripe_refund_id=stripe_id)
        audit.record(
            "payment.refunded", actor=refund.created_by, obj=payment, refund_id=refund.pk, amount_cents=refund.amount_cents
        )
        if work.payload.get("notify", True):
            notices.owe(payment.booking, notices.NoticeKind.REFUND, key=f"refund-{refund.pk}", refund_id=refund.pk)


def _is_ours(payment, stripe_refund):
    """A refund we asked for carries our refund's id in its metadata."""
    ours = str(field(field(stripe_refund, "metadata") or {}, "refund_id") or "")
    return ours.isdigit() and Refund.objects.filter(pk=int(ours), payment=payment).exists()


@transaction.atomic
def record_made_in_stripe(payment, stripe_refund):
    """A refund Stripe reports that was not asked for here (made in Stripe's dashboard):
    recorded once as a Refund, so our records say what the client got back. Returns the
    new Refund, or None when there was nothing to record."""
    stripe_id = field(stripe_refund, "id") or ""
    if not stripe_id or field(stripe_refund, "status") != "succeeded" or _is_ours(payment, stripe_refund):
        return None
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    # Checked under the payment's lock: two deliveries of the event record it once.
    if Refund.objects.filter(stripe_refund_id=stripe_id).exists():
        return None
    reported = int(field(stripe_refund, "amount") or 0)
    amount = min(reported, locked.refundable_cents)
    if amount <= 0:
        return None
    Payment.objects.filter(pk=locked.pk).update(refunded_cents=F("refunded_cents") + amount)
    record = Refund.objects.create(
        payment=locked,
        amount_cents=amount,
        status=RefundStatus.SUCCEEDED,
        stripe_refund_id=stripe_id,
        reason="made in Stripe's dashboard",
    )
    audit.record(
        "payment.refunded_in_stripe", obj=locked, refund_id=record.pk, amount_cents=amount, reported_cents=reported, stripe_refund=stripe_id
    )
    notices.owe(locked.booking, notices.NoticeKind.REFUND, key=f"refund-{record.pk}", refund_id=record.pk)
    payment.refresh_from_db()
    return record
