"""The cancellation and rescheduling policy, and the changes made under it.

A client may cancel or move a session up to the session type's notice (24 hours by
default) before it starts: a cancellation then gets a full refund. Later, the client
can still cancel, without a refund, and can no longer move it. A session can be moved
a limited number of times (2 by default). A coach may cancel at any time before the
session starts, and the client then gets a full refund and an apology.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import notices, payments, transitions
from .errors import NotAllowed
from .models import CancelledBy, NoticeKind, Status


def _hours(hours):
    if hours and hours % 24 == 0:
        days = hours // 24
        return "1 day" if days == 1 else f"{days} days"
    return "1 hour" if hours == 1 else f"{hours} hours"


def policy_in_words(*, notice_hours, max_reschedules, is_free):
    """The policy as a client reads it before paying and on the booking page."""
    moves = "once" if max_reschedules == 1 else ("twice" if max_reschedules == 2 else f"{max_reschedules} times")
    lines = []
    if is_free:
        lines.append(f"You can cancel up to {_hours(notice_hours)} before the session starts.")
    else:
        lines.append(
            f"Cancel up to {_hours(notice_hours)} before the session starts and you get all your money back."
        )
        lines.append("If you cancel later than that, the session is not refunded.")
    if max_reschedules:
        lines.append(f"You can move the session to another time up to {_hours(notice_hours)} before it starts, {moves} at most.")
    else:
        lines.append("This session cannot be moved to another time.")
    lines.append("If your coach has to cancel, you always get all your money back.")
    return lines


def booking_policy(booking):
    return policy_in_words(
        notice_hours=booking.cancellation_notice_hours,
        max_reschedules=booking.max_reschedules,
        is_free=booking.is_free,
    )


def session_type_policy(session_type):
    return policy_in_words(
        notice_hours=session_type.cancellation_notice_hours,
        max_reschedules=session_type.max_reschedules,
        is_free=session_type.is_free,
    )


def change_deadline(booking):
    return booking.starts_at - timedelta(hours=booking.cancellation_notice_hours)


def within_notice(booking, now=None):
    """True while the client may still cancel with a refund, or move the session."""
    return (now or timezone.now()) <= change_deadline(booking)


def client_refund_cents(booking, now=None):
    """What a client's cancellation gives back now: everything paid, or nothing."""
    payment = payments.paid_payment(booking)
    if payment is None or not within_notice(booking, now):
        return 0
    return payment.refundable_cents


def may_reschedule(booking, now=None):
    return (
        booking.status == Status.CONFIRMED
        and booking.reschedule_count < booking.max_reschedules
        and within_notice(booking, now)
    )


def may_cancel(booking, now=None):
    return booking.status == Status.CONFIRMED and booking.starts_at > (now or timezone.now())


def cancel_by_client(booking, *, actor, now=None, request=None):
    """Cancel under the policy; returns the Refund made, or None."""
    now = now or timezone.now()
    if not may_cancel(booking, now):
        raise NotAllowed("This session can no longer be cancelled here. Please write to us if something is wrong.")
    amount = client_refund_cents(booking, now)
    with transaction.atomic():
        booking = transitions.cancel(booking, by=CancelledBy.CLIENT, actor=actor, now=now, request=request)
        notices.owe(booking, NoticeKind.CANCELLATION)
    if amount:
        return payments.refund(
            payments.paid_payment(booking), amount, actor=actor, reason="cancelled by the client in time", request=request
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
        notices.owe(booking, NoticeKind.COACH_CANCELLATION, reason=reason[:300])
    payment = payments.paid_payment(booking)
    if payment is not None and payment.refundable_cents:
        return payments.refund(payment, payment.refundable_cents, actor=actor, reason="cancelled by the coach", request=request)
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
