"""Who may book which session type, and how much of the coaches' time one client may
hold at once. Without the limits, one person could fill a coach's weeks with free intro
calls or unpaid holds and shut everyone else out."""

from django.conf import settings

from clients.eligibility import intake_status
from clients.models import Intake
from families.eligibility import approvals, family_intake_status
from core.wording import when_in_words
from core.zones import UTC

from .errors import LimitReached
from .models import Booking, Status

NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def may_book(client, session_type):
    """Free intro sessions are open to every client; paid ones once an admin has approved
    the client's intake (for a family session, their family intake). The booking function
    asks this before it holds any time."""
    return approvals(client).cover(session_type)


def waits_for_review(client, session_type):
    """A paid session the client may not book yet only because the intake it needs (their
    own, or the family one) is sent and waiting for our team: nothing for them to do."""
    if session_type.is_free or not getattr(client, "is_authenticated", False):
        return False
    status = family_intake_status(client) if session_type.for_families else intake_status(client)
    return status == Intake.Status.SUBMITTED


def _sessions(count, what="session"):
    return f"{NUMBERS.get(count, count)} {what}{'' if count == 1 else 's'}"


def upcoming(client, now):
    """The client's sessions still to come that hold a coach's time: confirmed ones and
    holds that have not run out."""
    return (
        Booking.objects.filter(client=client, starts_at__gt=now)
        .live_now(now)
        .select_related("coach")
        .order_by("starts_at")
    )


def hold_limit(client, session_type, *, now):
    """The LimitReached that holding `session_type` would break, or None. `place_hold`
    asks under the coach's and the client's locks, so two requests at once cannot both
    slip under a limit."""
    zone = client.zone or UTC
    coming = list(upcoming(client, now))
    if not session_type.is_free:
        unpaid = [b for b in coming if b.status == Status.PENDING_PAYMENT]
        if len(unpaid) >= settings.BOOKING_MAX_UNPAID_HOLDS:
            held = unpaid[0]
            return LimitReached(
                f"You are already holding {when_in_words(held.starts_at, zone)} with {held.coach.display_name}. "
                "Please pay for that session, or let it go with \u201cChoose another time\u201d on its payment page, "
                "and then pick this one.",
                rule="unpaid_holds",
                booking=held,
            )
    if session_type.is_free:
        free = [b for b in coming if b.price_cents == 0]
        with_coach = [b for b in free if b.coach_id == session_type.coach_id]
        if len(with_coach) >= settings.BOOKING_MAX_FREE_CALLS_PER_COACH:
            booked = with_coach[0]
            return LimitReached(
                f"You already have a free intro call with {booked.coach.display_name} on "
                f"{when_in_words(booked.starts_at, zone)}. If that time no longer suits you, you can move or "
                "cancel it from your sessions, and then pick this one.",
                rule="free_calls_per_coach",
                booking=booked,
            )
        if len(free) >= settings.BOOKING_MAX_FREE_CALLS:
            return LimitReached(
                f"You already have {_sessions(len(free), 'free intro call')} coming up, the most we can offer at once. "
                "Once one of them has taken place, or if you cancel one from your sessions, you can book another.",
                rule="free_calls",
            )
    if not approvals(client).either and len(coming) >= settings.BOOKING_MAX_BEFORE_APPROVAL:
        return LimitReached(
            f"You can have {_sessions(settings.BOOKING_MAX_BEFORE_APPROVAL)} booked while our team has not yet "
            "approved your intake, and you have that many coming up. Finish your intake, or wait for our reply "
            "if you have sent it, and then you can book more.",
            rule="before_intake_approved",
        )
    return None
