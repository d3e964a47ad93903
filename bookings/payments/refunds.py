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
from core.encryption import reveal
from core.wording import money

from .. import notices
from ..errors import RefundRefused
from ..models import Payment, PaymentStatus, Refund, RefundStatus
from .stripe_api import api, idempotency_key, metadata, passing

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
    _reserve(locked, amount_cents)
    record = Refund.objects.create(
        payment=locked, amount_cents=amount_cents, status=RefundStatus.PENDING, reason=reason[:300], created_by=actor
    )
    audit.record(
        "payment.refund_owed", actor=actor, obj=locked, request=request, refund_id=record.pk, amount_cents=amount_cents
    )
    outbox.owe(REFUND, key=f"refund:{record.pk}", about=f"booking:{locked.booking_id}", refund_id=record.pk, notify=notify)
    payment.refresh_from_db()
    return record


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
def _refused(refund, error):
    """Stripe will not make this refund: give the reserved amount back to the payment."""
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(status=RefundStatus.FAILED)
    Payment.objects.filter(pk=refund.payment_id).update(refunded_cents=F("refunded_cents") - refund.amount_cents)
    audit.record("payment.refund_failed", obj=refund.payment, refund_id=refund.pk, error=error[:200])


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
            _refused(refund, str(exc))
            raise
        stripe_id = answer.id
    with transaction.atomic():
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.SUCCEEDED, stripe_refund_id=stripe_id)
        audit.record(
            "payment.refunded", actor=refund.created_by, obj=payment, amount_cents=refund.amount_cents, reason=reveal(refund.reason)[:200]
        )
        if work.payload.get("notify", True):
            notices.owe(payment.booking, notices.NoticeKind.REFUND, key=f"refund-{refund.pk}", refund_id=refund.pk)
