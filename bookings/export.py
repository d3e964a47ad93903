"""Bookings and payments in "Download my data" and "Delete my account" (accounts/export.py)."""

from django.utils import timezone

from accounts.export import USER, DeletionRefused, iso, register_eraser, register_section

from core.encryption import reveal
from core.models import OwedWork
from core.prepared import PreparedQuery

from . import notes, waitlist

from .models import Booking, Payment, Refund, ReminderPreference, SessionNote, StripeEvent, WaitlistEntry, WaitlistOffer
from .payments.customers import owe_customer_deletions


# Compiled once per process, like the other sections' queries (see accounts/export.py).
_BOOKINGS = PreparedQuery(lambda: Booking.objects.filter(client=USER).select_related("coach", "session_type").order_by("starts_at", "id"))
_WAITLISTS = PreparedQuery(lambda: WaitlistEntry.objects.filter(client=USER).select_related("coach", "session_type").order_by("joined_at", "id"))
_OFFERS = PreparedQuery(lambda: WaitlistOffer.objects.filter(entry__client=USER))
_PAYMENTS = PreparedQuery(lambda: Payment.objects.filter(booking__client=USER).order_by("created_at", "id"))
_REFUNDS = PreparedQuery(lambda: Refund.objects.filter(payment__booking__client=USER))


def _by(rows, key):
    grouped = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


@register_section("bookings", "Your sessions", order=30, counts=lambda user: [("session", "sessions", Booking.objects.filter(client=user))])
def bookings(user):
    rows = _BOOKINGS.objects(user=user.pk)
    return [
        {
            "id": b.pk,
            "coach": b.coach.display_name,
            "session": b.session_type.name,
            "starts_at": iso(b.starts_at),
            "ends_at": iso(b.ends_at),
            "status": b.get_status_display(),
            "price": f"{b.price_cents / 100:.2f} {b.currency.upper()}",
            "rescheduled": b.reschedule_count,
            "cancelled_at": iso(b.cancelled_at),
            "cancelled_by": b.cancelled_by,
            "cancel_reason": reveal(b.cancel_reason),
        }
        for b in rows
    ]


@register_section("waitlists", "Your waitlists", order=32, counts=lambda user: [("place on a waitlist", "places on waitlists", WaitlistEntry.objects.filter(client=user))])
def waitlists(user):
    rows = _WAITLISTS.objects(user=user.pk)
    offers = _by(_OFFERS.objects(user=user.pk) if rows else (), lambda offer: offer.entry_id)
    return [
        {
            "coach": e.coach.display_name,
            "session": e.session_type.name,
            "days": e.get_weekdays_display(),
            "times_of_day": e.get_parts_display(),
            "time_zone": e.time_zone,
            "until": e.until.isoformat(),
            "joined_at": iso(e.joined_at),
            "ended_at": iso(e.ended_at),
            "ended_because": e.get_end_reason_display(),
            "offers": [
                {"starts_at": iso(o.starts_at), "offered_at": iso(o.created_at), "answer": o.get_status_display()}
                for o in sorted(offers.get(e.pk, ()), key=lambda o: o.created_at)
            ],
        }
        for e in rows
    ]


@register_eraser("waitlists", order=31)
def erase_waitlists(user):
    """Entries and offers go; an offer the person held is passed on first."""
    waitlist.forget_client(user)


@register_section("payments", "Your payments", order=35, counts=lambda user: [("payment", "payments", Payment.objects.filter(booking__client=user))])
def payments(user):
    rows = _PAYMENTS.objects(user=user.pk)
    refunds = _by(_REFUNDS.objects(user=user.pk) if rows else (), lambda refund: refund.payment_id)
    return [
        {
            "id": p.pk,
            "booking_id": p.booking_id,
            "amount": f"{p.amount_cents / 100:.2f} {p.currency.upper()}",
            "status": p.get_status_display(),
            "card": f"{p.card_brand} ending {p.card_last4}" if p.card_last4 else "",
            "paid_at": iso(p.succeeded_at),
            "refunds": [
                {"amount": f"{r.amount_cents / 100:.2f} {p.currency.upper()}", "status": r.status, "at": iso(r.created_at)}
                for r in refunds.get(p.pk, ())
            ],
        }
        for p in rows
    ]


def _minimal_event(payload):
    """What reconciliation needs of a Stripe event, without billing names or addresses."""
    obj = (payload.get("data") or {}).get("object") or {}
    keep = ("id", "object", "amount", "amount_received", "currency", "status", "metadata", "created")
    return {"id": payload.get("id"), "type": payload.get("type"), "data": {"object": {k: obj[k] for k in keep if k in obj}}}


@register_eraser("bookings", order=30)
def erase_bookings(user):
    """Sessions stay as anonymous records behind the payments the law makes us keep."""
    now = timezone.now()
    live = Booking.objects.filter(client=user, ends_at__gt=now).live_now(now)
    if live.exists():
        raise DeletionRefused(
            "You still have an upcoming session. Please cancel it first (the cancellation policy applies), "
            "then come back to delete your account."
        )
    # Owed work about these sessions holds ids only; none of it is owed any more.
    booking_ids = Booking.objects.filter(client=user).values_list("pk", flat=True)
    OwedWork.objects.filter(about__in=[f"booking:{pk}" for pk in booking_ids]).delete()
    ReminderPreference.objects.filter(user=user).delete()
    Booking.objects.filter(client=user).update(cancel_reason="", meeting_link="")
    # Free text staff wrote may name the person; the amounts and ids are what must stay.
    Refund.objects.filter(payment__booking__client=user).update(reason="")
    Payment.objects.filter(booking__client=user).update(failure_message="")
    for event in StripeEvent.objects.filter(payload__data__object__metadata__client_id=str(user.pk)):
        event.payload = _minimal_event(event.payload)
        event.save(update_fields=["payload"])
    # Stripe's Customer holds the person's e-mail address: deleted there too, as owed work.
    owe_customer_deletions(user)


# Shared session summaries in "Download my data", and notes in "Delete my account".
@register_section(
    "shared_summaries",
    "Summaries your coach shared with you",
    order=40,
    counts=lambda user: [("summary", "summaries", SessionNote.objects.filter(booking__client=user, signed_at__isnull=False))],
)
def shared_summaries(user):
    return [
        {
            "booking_id": summary.booking_id,
            "coach": summary.coach_name,
            "signed_at": iso(summary.signed_at),
            **{label.lower().replace(" ", "_"): text for label, text in summary.parts},
            "added_later": [{"at": iso(a.written_at), "text": a.text} for a in summary.addenda],
        }
        for summary in notes.shared_summaries_for_export(user)
    ]


@register_eraser("session_notes", order=20)
def erase_session_notes(user):
    notes.erase_for_client(user)
