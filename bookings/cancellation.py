"""Cancelling and moving a session under the policy (`policy.py`). The booking's change,
the e-mail and the refund are one transaction: the refund's amount is fixed and reserved
under the payment's lock, and Stripe is asked by the outbox once it has committed."""

from django.db import transaction
from django.utils import timezone

from . import notices, transitions
from .payments import refunds
from .errors import NotAllowed
from .models import CancelledBy, Status
from .notices import NoticeKind
from .policy import _hours, client_refund_cents, may_cancel, paid_payment, within_notice


def cancel_by_client(booking, *, actor, now=None, request=None):
    """Cancel under the policy; returns the Refund made, or None."""
    now = now or timezone.now()
    if not may_cancel(booking, now):
        raise NotAllowed("This session can no longer be cancelled here. Please write to us if something is wrong.")
    with transaction.atomic():
        booking = transitions.cancel(booking, by=CancelledBy.CLIENT, actor=actor, now=now, request=request)
        notices.owe(booking, NoticeKind.CANCELLATION)
        amount = client_refund_cents(booking, now)
        if amount:
            return refunds.owe_refund(
                paid_payment(booking), amount, actor=actor, reason="cancelled by the client in time", request=request
            )
    return None


def cancel_by_coach(booking, *, actor, reason="", now=None, request=None):
    """The coach cancels: always a full refund, and an apology to the client."""
    now = now or timezone.now()
    if booking.status != Status.CONFIRMED:
        raise NotAllowed("Only a confirmed session can be cancelled.")
    if booking.starts_at <= now:
        # A session that has begun is marked completed or missed; it is not refunded by
        # calling it cancelled afterwards. An admin can still refund it on purpose.
        raise NotAllowed(
            "This session has already started, so it can no longer be cancelled. "
            "Mark it as completed or missed; if a refund is due, please ask an admin."
        )
    with transaction.atomic():
        booking = transitions.cancel(booking, by=CancelledBy.COACH, actor=actor, reason=reason, now=now, request=request)
        notices.owe(booking, NoticeKind.COACH_CANCELLATION)
        payment = paid_payment(booking)
        if payment is not None and payment.refundable_cents:
            return refunds.owe_refund(
                payment, payment.refundable_cents, actor=actor, reason="cancelled by the coach", request=request
            )
    return None


def reschedule_by_client(booking, new_start, *, actor, now=None, request=None):
    now = now or timezone.now()
    if booking.status != Status.CONFIRMED:
        raise NotAllowed("Only a confirmed session can be moved.")
    if not within_notice(booking, now):
        raise NotAllowed(
            f"Sessions can be moved up to {_hours(booking.cancellation_notice_hours)} before they start, "
            "and this one is closer than that."
        )
    return transitions.reschedule(booking, new_start, actor=actor, now=now, request=request)
