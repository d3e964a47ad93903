"""The cancellation and rescheduling policy: the rules only (the changes made under it
are in `cancellation.py`).

A client may cancel or move a session up to the session type's notice (24 hours by
default) before it starts: a cancellation then gets a full refund. Later, the client
can still cancel, without a refund, and can no longer move it. A session can be moved
a limited number of times (2 by default). A coach may cancel at any time before the
session starts, and the client then gets a full refund and an apology.
"""

from datetime import timedelta

from django.utils import timezone

from core.wording import how_many_times

from .models import PaymentStatus, Status


def _hours(hours):
    if hours and hours % 24 == 0:
        days = hours // 24
        return "1 day" if days == 1 else f"{days} days"
    return "1 hour" if hours == 1 else f"{hours} hours"


def policy_in_words(*, notice_hours, max_reschedules, is_free):
    """The policy as a client reads it before paying and on the booking page."""
    moves = how_many_times(max_reschedules)
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


def promise_before_paying(*, starts_at, notice_hours, is_free, now=None):
    """What the review and pay pages promise, before any money moves: the exact moment
    until which the session can be cancelled (with all the money back) or moved, and
    whether that moment has already passed. A coach's minimum notice can be shorter than
    the cancellation notice, so a time can be on sale that is already inside it."""
    deadline = starts_at - timedelta(hours=notice_hours)
    inside = (now or timezone.now()) > deadline
    if not inside:
        return {"refund_deadline": deadline, "inside_notice": False, "promise": "", "is_free": is_free}
    if is_free:
        promise = (
            f"This session starts in less than {_hours(notice_hours)}, so once it is booked it cannot be moved "
            "to another time."
        )
    else:
        promise = (
            f"This session starts in less than {_hours(notice_hours)}, so once it is paid for it cannot be refunded "
            "or moved to another time."
        )
    return {"refund_deadline": deadline, "inside_notice": True, "promise": promise, "is_free": is_free}


def within_notice(booking, now=None):
    """True while the client may still cancel with a refund, or move the session."""
    return (now or timezone.now()) <= change_deadline(booking)


def paid_payment(booking, payments=None):
    """The payment that paid for `booking`, or None (free sessions, unpaid holds). A payment
    that did not match the booking paid for nothing: admins settle it by hand. `payments`:
    all of the booking's payments when the caller has them already (no query then)."""
    if payments is None:
        return booking.payments.filter(status=PaymentStatus.SUCCEEDED, mismatch="").order_by("succeeded_at", "pk").first()
    paid = [p for p in payments if p.status == PaymentStatus.SUCCEEDED and p.mismatch == ""]
    # As the query orders: by when it succeeded (PostgreSQL puts NULL last), then by id.
    return min(paid, key=lambda p: (0, p.succeeded_at, p.pk) if p.succeeded_at else (1, p.pk), default=None)


def client_refund_cents(booking, now=None, payments=None):
    """What a client's cancellation gives back now: everything paid, or nothing."""
    payment = paid_payment(booking, payments)
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
