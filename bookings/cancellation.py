"""Cancelling and moving a session under the policy (`policy.py`). The booking's change,
the e-mail and the refund are one transaction: the refund's amount is fixed and reserved
under the payment's lock, and Stripe is asked by the outbox once it has committed."""

from django.db import transaction
from django.utils import timezone

from accounts import audit
from coaching import time_off

from . import notices, transitions
from .payments import refunds
from .errors import NotAllowed
from .models import Booking, CancelledBy, Payment, PaymentStatus, Status
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


def cancel_all_for_client(client, *, actor, reason="", now=None, request=None):
    """An admin cancels every session `client` still has to come, in one go: each
    confirmed one as a coach's cancellation is (a full refund and an e-mail to the
    client), each hold let go. All or nothing: a hold whose payment is going through
    stops the whole action, which the admin can try again a moment later.
    Returns (cancelled bookings, released holds, refunds)."""
    now = now or timezone.now()
    with transaction.atomic():
        cancelled, released = transitions.end_all_for_client(client, actor=actor, reason=reason, now=now, request=request)
        for booking in cancelled:
            notices.owe(booking, NoticeKind.TEAM_CANCELLATION)
        paid = Payment.objects.filter(booking__in=cancelled, status=PaymentStatus.SUCCEEDED, mismatch="")
        made = refunds.owe_full_refunds(list(paid), actor=actor, reason="cancelled by our team", request=request)
        audit.record(
            "booking.client_cancelled_by_team",
            actor=actor,
            obj=client,
            request=request,
            cancelled=[booking.pk for booking in cancelled],
            released=[booking.pk for booking in released],
            refunds=[refund.pk for refund in made],
        )
    return cancelled, released, made


def sessions_during(coach, starts_at, ends_at, *, now=None):
    """The sessions of `coach` still to begin in [starts_at, ends_at), in time order:
    confirmed ones and holds a client is paying for. Time off over them needs a decision."""
    now = now or timezone.now()
    return list(
        Booking.objects.live_now(now)
        .filter(coach=coach, starts_at__gt=now)
        .overlapping(starts_at, ends_at)
        .select_related("client", "session_type")
        .order_by("starts_at", "pk")
    )


def take_time_off(coach, first_day, last_day, start_time=None, end_time=None, note="", *, cancel=(), actor, reason="",
                  now=None, request=None):
    """Add time off and, in the same transaction, cancel the sessions in `cancel` (bookings
    the coach was shown and chose to cancel): each confirmed one as a coach's cancellation
    (a full refund and an apology), each hold let go. The rest are kept. A hold whose
    payment is going through refuses (NotAllowed), and nothing changes.
    Returns (the TimeOff, the bookings cancelled or let go)."""
    now = now or timezone.now()
    with transaction.atomic():
        away = time_off.add_time_off(coach, first_day, last_day, start_time, end_time, note)
        ended = []
        for booking in cancel:
            if booking.status == Status.PENDING_PAYMENT:
                ended.append(transitions.release(booking, actor=actor, now=now, request=request))
            else:
                cancel_by_coach(booking, actor=actor, reason=reason, now=now, request=request)
                ended.append(booking)
        audit.record(
            "coach.time_off_added", actor=actor, obj=away, request=request, cancelled=[booking.pk for booking in ended]
        )
    return away, ended
