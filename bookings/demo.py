"""Demo bookings for `manage.py seed_demo` (idempotent): alice has a confirmed, paid
session coming up with carol and a past one, and frank waits for a free intro call with
carol on weekday evenings.

The bookings go through the real rules (hold, confirm, complete). The money is real
Stripe records only when localstripe is answering at seeding time; otherwise (as in
`make run`, which seeds before it starts localstripe, and whose localstripe starts
empty each time) the payment is recorded in our tables only, marked `is_demo`, so no
page ever sends a Stripe id that Stripe does not know. Refunds of a demo payment are
recorded without calling Stripe.
"""

import socket
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from coaching.models import SessionType

from . import availability, payments, transitions, waitlist
from core.models import OwedStatus, OwedWork

from .models import Booking, Payment, PaymentStatus, Status

DEMO_SESSION = "Coaching session"
DEMO_WAIT_SESSION = "Free intro call"


def localstripe_answers():
    if not settings.STRIPE_API_BASE:
        return False  # real Stripe: demo data never creates real charges
    parts = urlsplit(settings.STRIPE_API_BASE)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        return False
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((parts.hostname, parts.port or 80)) == 0


def _demo_payment(booking, when):
    return Payment.objects.create(
        booking=booking,
        amount_cents=booking.price_cents,
        currency=booking.currency,
        status=PaymentStatus.SUCCEEDED,
        captured_cents=booking.price_cents,
        card_brand="visa",
        card_last4="4242",
        is_demo=True,
        succeeded_at=when,
    )


def _pay(booking, when, *, use_stripe):
    if use_stripe:
        payment, _secret = payments.start_payment(booking, now=when)
        payments.api().SetupIntent.confirm(payment.stripe_setup_intent_id, payment_method="pm_card_visa")
        return payments.charge(payment, now=when)
    payment = _demo_payment(booking, when)
    transitions.confirm(booking, payment=payment, now=when)
    return payment


def _first_open(coach, session_type, start, end, now):
    slots = availability.open_slots(coach, session_type, start, end, now=now)
    return slots[0] if slots else None


def seed(people):
    """`people` maps first names (alice, bob, carol, dave, erin) to demo users."""
    alice = people["alice"]
    session_type = SessionType.objects.select_related("coach").filter(coach__user=people["carol"], name=DEMO_SESSION).first()
    if session_type is None:
        return {}
    coach = session_type.coach
    now = timezone.now()
    seeded = {}
    mine = Booking.objects.filter(client=alice, coach=coach)

    upcoming = mine.filter(status=Status.CONFIRMED, starts_at__gt=now).first()
    if upcoming is None:
        start = _first_open(coach, session_type, now + timedelta(days=2), now + timedelta(days=16), now)
        if start is not None:
            upcoming = transitions.place_hold(alice, session_type, start, now=now)
            _pay(upcoming, now, use_stripe=localstripe_answers())
    seeded["upcoming"] = upcoming

    past = mine.filter(status=Status.COMPLETED).first()
    if past is None:
        # Booked three weeks ago for a time two weeks ago, paid, held, and finished.
        then = now - timedelta(days=21)
        start = _first_open(coach, session_type, now - timedelta(days=14), now - timedelta(days=7), then)
        if start is not None:
            past = transitions.place_hold(alice, session_type, start, now=then)
            _pay(past, then, use_stripe=False)
            past = transitions.complete(past, now=now)
    seeded["past"] = past

    seeded["waiting"] = _waitlist(people, coach, now)

    # Demo data e-mails nobody: what the seed owed until now counts as sent. The clock is
    # read again here, since the rows were owed after `now` was taken.
    abouts = [f"booking:{pk}" for pk in Booking.objects.filter(client=alice).values_list("pk", flat=True)]
    sent_at = timezone.now()
    OwedWork.objects.filter(about__in=abouts, status=OwedStatus.PENDING, due_at__lte=sent_at).update(
        status=OwedStatus.DONE, finished_at=sent_at
    )
    return seeded


def _waitlist(people, coach, now):
    """Frank (whose intake is a draft, so free calls only) waits for Carol's intro call."""
    frank = people.get("frank")
    intro = coach.session_types.filter(name=DEMO_WAIT_SESSION, is_active=True).first()
    if frank is None or intro is None:
        return None
    zone = frank.zone
    return waitlist.join(
        frank,
        intro,
        weekdays=range(5),
        parts_of_day=["evening"],
        until=waitlist.default_until(now, zone),
        zone=zone,
        now=now,
    )
