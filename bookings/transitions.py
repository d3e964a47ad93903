"""Every change of a booking's status, one guarded function each.

Each one locks the row, returns early when the booking is already where it was asked
to go, refuses a state it may not leave, and writes the audit trail. Lock order is
always coach profile, then booking, so two transitions never wait on each other in a
circle. Money moves through the outbox, after these commit: no Stripe call is made
while a coach's row is locked.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import User
from coaching.models import CoachProfile
from coaching.rooms import meeting_link_for

from core import outbox
from core.wording import how_many_times

from . import availability, eligibility, notices, reminders, waitlist
from .errors import LimitReached, NotAllowed, SlotTaken
from .models import Booking, CancelledBy, Payment, PaymentStatus, Status
from .notices import CoachNoticeKind, NoticeKind

# Delivered by `payments.cancel_open_intents`; owed here by its name, since payments
# confirm bookings and so sit above this module.
CANCEL_OPEN_INTENTS = "payment.cancel_open_intents"

EXCLUSION_VIOLATION = "23P01"
DEADLOCK = "40P01"
CLIENT_CONSTRAINT = "booking_no_client_overlap"


def hold_minutes():
    return settings.BOOKING_HOLD_MINUTES


def taken_error(exc):
    """The SlotTaken that a lost race should read as, or None if `exc` is something else."""
    cause = getattr(exc, "__cause__", None)
    code = getattr(cause, "pgcode", None)
    if code == EXCLUSION_VIOLATION:
        constraint = getattr(getattr(cause, "diag", None), "constraint_name", "")
        if constraint == CLIENT_CONSTRAINT:
            return SlotTaken("You already have a session at that time. Here are the times that are still open.")
        return SlotTaken()
    if code == DEADLOCK:
        return SlotTaken()
    return None


def _lock_coach(coach_id):
    return CoachProfile.objects.select_for_update().get(pk=coach_id)


def _lock(booking):
    return Booking.objects.select_for_update().get(pk=booking.pk)


def lock_for_change(booking):
    """Lock `booking`'s coach, then the booking, in the order every transition takes them,
    for a caller that decides something before it calls one. Returns the locked booking."""
    _lock_coach(booking.coach_id)
    return _lock(booking)


def _freed(booking, *, cause):
    """The time `booking` blocked is open again: those waiting for the coach may get it."""
    waitlist.time_opened(booking.coach_id, booking.blocked_from, booking.blocked_until, cause=cause)


def _expire_stale(queryset, now):
    for booking in queryset.filter(status=Status.PENDING_PAYMENT, hold_expires_at__lte=now):
        expire(booking, now=now)


def place_hold(client, session_type, starts_at, *, now=None, request=None):
    """Hold `starts_at` with `session_type`'s coach for `client`: a pending booking for
    15 minutes, or a confirmed one straight away when the session is free.

    Raises SlotTaken when the time is not open (or was just taken in a race), NotAllowed
    when the client may not book this session type, and LimitReached (audited) when the
    client already holds as much of the coaches' time as one person may.
    """
    now = now or timezone.now()
    if not eligibility.may_book(client, session_type):
        raise NotAllowed("This session is not open to you yet. Your coach or our team will be in touch.")
    if not session_type.is_active:
        raise NotAllowed("This kind of session is no longer offered.")
    ends_at = starts_at + timedelta(minutes=session_type.duration_minutes)
    try:
        with transaction.atomic():
            coach = _lock_coach(session_type.coach_id)
            # The client's limits count bookings with every coach: lock the client too
            # (after the coach, as always), so two requests at once are counted in turn.
            User.objects.select_for_update(no_key=True).filter(pk=client.pk).first()
            # The constraints count pending holds as live whatever their age: clear the
            # stale ones first, in this transaction, so they free their time.
            _expire_stale(Booking.objects.filter(coach=coach), now)
            _expire_stale(Booking.objects.filter(client=client), now)
            if not availability.is_open_slot(coach, session_type, starts_at, now=now, for_client=client):
                raise SlotTaken()
            if Booking.objects.live().filter(client=client).overlapping(starts_at, ends_at).exists():
                raise SlotTaken("You already have a session at that time. Here are the times that are still open.")
            limit = eligibility.hold_limit(client, session_type, now=now)
            if limit is not None:
                raise limit
            booking = Booking.objects.create(
                coach=coach,
                client=client,
                session_type=session_type,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_from=starts_at - timedelta(minutes=coach.buffer_before_minutes),
                blocked_until=ends_at + timedelta(minutes=coach.buffer_after_minutes),
                price_cents=session_type.price_cents,
                currency=session_type.currency,
                cancellation_notice_hours=session_type.cancellation_notice_hours,
                max_reschedules=session_type.max_reschedules,
                status=Status.PENDING_PAYMENT,
                hold_expires_at=now + timedelta(minutes=hold_minutes()),
            )
            audit.record("booking.held", actor=client, obj=booking, request=request, starts_at=starts_at.isoformat())
            waitlist.hold_placed(booking)
            if session_type.is_free:
                booking = confirm(booking, now=now)
            else:
                notices.owe(booking, CoachNoticeKind.HELD)
            return booking
    except LimitReached as refusal:
        # Written after the rollback, so the refusal stays in the trail.
        audit.record(
            "booking.refused",
            actor=client,
            obj=session_type,
            request=request,
            rule=refusal.rule,
            starts_at=starts_at.isoformat(),
            in_the_way=getattr(refusal.booking, "pk", None),
        )
        raise
    except (IntegrityError, OperationalError) as exc:
        taken = taken_error(exc)
        if taken is None:
            raise
        raise taken from exc


@transaction.atomic
def confirm(booking, *, payment=None, now=None):
    """pending_payment → confirmed. A hold that ran out before its payment arrived is
    confirmed only when its time could still be booked now (the same check as a new
    booking: time off, hours, notice and the daily cap, not only other bookings);
    otherwise SlotTaken (the caller refunds)."""
    now = now or timezone.now()
    coach = _lock_coach(booking.coach_id)
    booking = _lock(booking)
    if booking.status == Status.CONFIRMED:
        return booking
    if booking.status not in (Status.PENDING_PAYMENT, Status.EXPIRED):
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot be confirmed.")
    revived = booking.status == Status.EXPIRED or (booking.hold_expires_at is not None and booking.hold_expires_at <= now)
    if revived and not availability.is_open_slot(
        coach, booking.session_type, booking.starts_at, now=now, for_client=booking.client_id
    ):
        raise SlotTaken()
    booking.status = Status.CONFIRMED
    booking.confirmed_at = now
    booking.meeting_link = booking.meeting_link or meeting_link_for(booking.coach)
    try:
        with transaction.atomic():
            booking.save(update_fields=["status", "confirmed_at", "meeting_link", "updated_at"])
    except IntegrityError as exc:
        taken = taken_error(exc)
        if taken is None:
            raise
        raise taken from exc
    audit.record(
        "booking.confirmed",
        actor=None,
        obj=booking,
        payment_id=getattr(payment, "pk", None),
        after_hold_expired=revived,
    )
    notices.owe(booking, NoticeKind.CONFIRMATION)
    reminders.schedule(booking, now=now)
    waitlist.booked(booking, now=now)
    if payment is not None:
        notices.owe(booking, NoticeKind.RECEIPT, key=f"payment-{payment.pk}", payment_id=payment.pk)
        notices.owe(booking, CoachNoticeKind.BOOKED, payment_id=payment.pk)
    else:
        notices.owe(booking, CoachNoticeKind.BOOKED)
    return booking


@transaction.atomic
def expire(booking, *, now=None):
    """pending_payment → expired, once the hold has run out. Cancelling its payment intents
    is owed work (a payment that still lands is handled by `payments`)."""
    now = now or timezone.now()
    booking = _lock(booking)
    if booking.status == Status.EXPIRED:
        return booking
    if booking.status != Status.PENDING_PAYMENT:
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot expire.")
    if booking.hold_expires_at and booking.hold_expires_at > now:
        raise NotAllowed("This hold has not run out yet.")
    booking.status = Status.EXPIRED
    booking.save(update_fields=["status", "updated_at"])
    audit.record("booking.expired", obj=booking)
    outbox.owe(CANCEL_OPEN_INTENTS, key=f"cancel-intents:{booking.pk}", about=f"booking:{booking.pk}", booking_id=booking.pk)
    _freed(booking, cause="hold_expired")
    return booking


CHARGING = "Your payment is going through right now. Please wait a moment and look again."


@transaction.atomic
def release(booking, *, actor=None, now=None, request=None):
    """pending_payment → expired now, before the hold runs out: the client chose another
    time (or an admin cleared the hold). Cancelling its payment intents is owed work, as
    at expiry. Refused while a charge is under way, which would otherwise land on a
    time the client has just let go."""
    booking = _lock(booking)
    charging = booking.payments.filter(status=PaymentStatus.PROCESSING).exists()
    return _release_locked(booking, charging=charging, actor=actor, now=now or timezone.now(), request=request)


def _release_locked(booking, *, charging, actor, now, request):
    if booking.status == Status.EXPIRED:
        return booking
    if booking.status != Status.PENDING_PAYMENT:
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} is not a hold to let go.")
    if charging:
        raise NotAllowed(CHARGING)
    booking.status = Status.EXPIRED
    booking.hold_expires_at = min(booking.hold_expires_at or now, now)
    booking.save(update_fields=["status", "hold_expires_at", "updated_at"])
    audit.record("booking.released", actor=actor, obj=booking, request=request)
    outbox.owe(CANCEL_OPEN_INTENTS, key=f"cancel-intents:{booking.pk}", about=f"booking:{booking.pk}", booking_id=booking.pk)
    _freed(booking, cause="hold_released")
    return booking


@transaction.atomic
def cancel(booking, *, by, actor=None, reason="", now=None, request=None):
    """confirmed → cancelled. The refund (if any) follows the policy and is owed by the
    caller in the same transaction; see `cancellation.py`."""
    return _cancel_locked(_lock(booking), by=by, actor=actor, reason=reason, now=now or timezone.now(), request=request)


def _cancel_locked(booking, *, by, actor, reason, now, request):
    if booking.status == Status.CANCELLED:
        return booking
    if booking.status != Status.CONFIRMED:
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot be cancelled.")
    if by not in CancelledBy.values:
        raise ValueError(f"unknown canceller {by!r}")
    booking.status = Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason[:300]
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    audit.record("booking.cancelled", actor=actor, obj=booking, request=request, by=by)
    reminders.drop(booking)
    if by != CancelledBy.COACH:
        notices.owe(booking, CoachNoticeKind.CANCELLED)
    _freed(booking, cause="cancelled")
    return booking


@transaction.atomic
def end_all_for_client(client, *, actor, reason="", now=None, request=None):
    """Every session `client` still has to come, ended by an admin in one go: confirmed ones
    cancelled, holds let go, by the same rules as one at a time. The rows are locked in one
    query, in time order, so two admins at once wait rather than deadlock. All or nothing:
    a hold whose payment is going through refuses, and nothing changes.
    Returns (cancelled, released)."""
    now = now or timezone.now()
    rows = list(
        Booking.objects.select_for_update()
        .filter(client=client, starts_at__gt=now, status__in=(Status.CONFIRMED, Status.PENDING_PAYMENT))
        .order_by("starts_at", "pk")
    )
    charging = set(
        Payment.objects.filter(booking__in=rows, status=PaymentStatus.PROCESSING).values_list("booking_id", flat=True)
    )
    cancelled, released = [], []
    for booking in rows:
        if booking.status == Status.PENDING_PAYMENT:
            released.append(
                _release_locked(booking, charging=booking.pk in charging, actor=actor, now=now, request=request)
            )
        else:
            cancelled.append(
                _cancel_locked(booking, by=CancelledBy.ADMIN, actor=actor, reason=reason, now=now, request=request)
            )
    return cancelled, released


@transaction.atomic
def reschedule(booking, new_start, *, actor=None, now=None, request=None):
    """Move a confirmed booking to `new_start`, keeping its payment. The new time goes
    through the same checks and constraints as a new booking."""
    now = now or timezone.now()
    coach = _lock_coach(booking.coach_id)
    booking = _lock(booking)
    if booking.status != Status.CONFIRMED:
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot be moved.")
    if booking.starts_at == new_start:
        return booking
    if booking.reschedule_count >= booking.max_reschedules:
        raise NotAllowed(
            f"This session has already been moved {how_many_times(booking.reschedule_count)}, the most we allow. "
            "You can still cancel it under the policy."
        )
    _expire_stale(Booking.objects.filter(coach=coach), now)
    # The booking's own length, not the session type's today: the coach may have changed it.
    duration = booking.ends_at - booking.starts_at
    if not availability.is_open_slot(
        coach,
        booking.session_type,
        new_start,
        now=now,
        duration_minutes=int(duration.total_seconds() // 60),
        for_client=booking.client_id,
    ):
        raise SlotTaken()
    old_start, old_blocked = booking.starts_at, (booking.blocked_from, booking.blocked_until)
    booking.starts_at = new_start
    booking.ends_at = new_start + duration
    booking.blocked_from = new_start - timedelta(minutes=coach.buffer_before_minutes)
    booking.blocked_until = booking.ends_at + timedelta(minutes=coach.buffer_after_minutes)
    booking.reschedule_count += 1
    try:
        with transaction.atomic():
            booking.save(
                update_fields=["starts_at", "ends_at", "blocked_from", "blocked_until", "reschedule_count", "updated_at"]
            )
    except (IntegrityError, OperationalError) as exc:
        taken = taken_error(exc)
        if taken is None:
            raise
        raise taken from exc
    audit.record(
        "booking.rescheduled",
        actor=actor,
        obj=booking,
        request=request,
        old_start=old_start.isoformat(),
        new_start=new_start.isoformat(),
    )
    waitlist.time_opened(booking.coach_id, *old_blocked, cause="moved")
    reminders.schedule(booking, now=now)
    notices.owe(
        booking,
        NoticeKind.RESCHEDULE,
        key=f"{booking.reschedule_count}",
        old_start=old_start.isoformat(),
    )
    notices.owe(booking, CoachNoticeKind.MOVED, key=f"{booking.reschedule_count}", old_start=old_start.isoformat())
    return booking


@transaction.atomic
def complete(booking, *, now=None):
    """confirmed → completed, once the session has ended."""
    now = now or timezone.now()
    booking = _lock(booking)
    if booking.status == Status.COMPLETED:
        return booking
    if booking.status != Status.CONFIRMED:
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot be completed.")
    if booking.ends_at > now:
        raise NotAllowed("This session has not ended yet.")
    booking.status = Status.COMPLETED
    booking.save(update_fields=["status", "updated_at"])
    audit.record("booking.completed", obj=booking)
    return booking


# A coach often learns of a no-show only when writing up the day, after the clock has
# marked the session completed: the outcome stays open this long after the end.
NO_SHOW_WINDOW = timedelta(days=7)


def may_mark_no_show(booking, now):
    """Whether `booking` may be marked missed at `now`: confirmed or completed (perhaps by
    the clock), from its start until NO_SHOW_WINDOW after its end."""
    return (
        booking.status in (Status.CONFIRMED, Status.COMPLETED)
        and booking.starts_at <= now <= booking.ends_at + NO_SHOW_WINDOW
    )


@transaction.atomic
def mark_no_show(booking, *, actor, now=None, request=None):
    """confirmed (or completed, by the coach or the clock) → no_show, by the coach from the
    session's start until a week after its end."""
    now = now or timezone.now()
    booking = _lock(booking)
    if booking.status == Status.NO_SHOW:
        return booking
    if booking.status not in (Status.CONFIRMED, Status.COMPLETED):
        raise NotAllowed(f"A booking that is {booking.get_status_display().lower()} cannot be marked as missed.")
    if booking.starts_at > now:
        raise NotAllowed("This session has not started yet.")
    if not may_mark_no_show(booking, now):
        raise NotAllowed("A session can be marked as missed up to 7 days after it ended, and this one ended earlier.")
    booking.status = Status.NO_SHOW
    booking.save(update_fields=["status", "updated_at"])
    audit.record("booking.no_show", actor=actor, obj=booking, request=request)
    return booking
