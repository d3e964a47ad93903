"""Two cancellations at once, each in its own process with its own connection, while two
more processes run the same passes again (a retry, a second worker): the freed times are
offered once each, never overlapping, to the first in line. Then the offered client and
five others press "Book" on the offered time at once: the offered client gets it."""

from collections import Counter
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings import transitions, waitlist
from bookings.models import Booking, OfferStatus, Status, WaitlistOffer
from clients.models import Intake
from coaching.models import WeeklyHours
from tests.factories import ClientFactory, IntakeFactory, bookable_coach, demo_paid, local_time
from tests.race_processes import race_calls

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The children know nothing of the parent's patches: every client is really approved.
    pytest.mark.intake_gate,
]

STEPS = "tests.waitlist_race_steps"


def approved_client():
    client = ClientFactory()
    IntakeFactory(client=client, status=Intake.Status.APPROVED)
    return client


@pytest.fixture
def two_sessions_and_four_waiting(carol):
    """Carol works 10 to 12. Two sessions fill that morning (10:00 and 11:00); four people wait."""
    coach, session_type = bookable_coach(carol)
    WeeklyHours.objects.filter(coach=coach).update(start_time=time(10), end_time=time(12))
    ten, eleven = local_time(coach, 3, 10), local_time(coach, 3, 11)
    sessions = [demo_paid(transitions.place_hold(approved_client(), session_type, start)) for start in (ten, eleven)]
    waiting = []
    for n in range(4):
        client = approved_client()
        entry = waitlist.join(client, session_type, weekdays=range(7), parts_of_day=["morning", "afternoon", "evening"],
                              until=timezone.localdate() + timedelta(days=30))
        entry.joined_at = timezone.now() - timedelta(minutes=60 - n)
        entry.save(update_fields=["joined_at"])
        waiting.append(client)
    return coach, session_type, sessions, waiting


def live_offers(coach):
    return list(WaitlistOffer.objects.filter(coach=coach, status=OfferStatus.OPEN).order_by("starts_at"))


def test_two_cancellations_racing_make_one_live_offer_per_freed_time(two_sessions_and_four_waiting):
    coach, session_type, (first, second), waiting = two_sessions_and_four_waiting

    outcomes = race_calls(
        connection.settings_dict,
        [
            (f"{STEPS}:cancel_and_pass", (first.pk,)),
            (f"{STEPS}:cancel_and_pass", (second.pk,)),
            (f"{STEPS}:pass_over", (coach.pk, first.blocked_from, first.blocked_until)),
            (f"{STEPS}:pass_over", (coach.pk, second.blocked_from, second.blocked_until)),
        ],
    )

    assert outcomes[:2] == ["cancelled, pass done", "cancelled, pass done"]
    assert all(outcome.startswith("offered ") for outcome in outcomes[2:]), outcomes
    offers = live_offers(coach)
    # Two hours, 50-minute sessions: two times to offer, each to one person, first in line first.
    assert len(offers) == 2
    assert offers[0].ends_at <= offers[1].starts_at
    assert sorted(o.client_id for o in offers) == sorted(c.pk for c in waiting[:2])
    assert WaitlistOffer.objects.filter(coach=coach).count() == 2  # nothing offered and taken back
    assert all(local_time(coach, 3, 10) <= o.starts_at and o.ends_at <= local_time(coach, 3, 12) for o in offers)


def test_the_offered_client_wins_the_race_to_book_the_offered_time(two_sessions_and_four_waiting):
    coach, session_type, (first, second), waiting = two_sessions_and_four_waiting
    for booking in (first, second):
        transitions.cancel(booking, by="client")
    [offer] = waitlist.offer_open_times(coach.pk, first.blocked_from, first.blocked_until)
    assert (offer.client_id, offer.starts_at) == (waiting[0].pk, first.starts_at)
    others = [approved_client() for _ in range(4)] + [waiting[2]]

    outcomes = race_calls(
        connection.settings_dict,
        [(f"{STEPS}:hold", (client.pk, session_type.pk, offer.starts_at)) for client in [waiting[0], *others]]
        + [(f"{STEPS}:pass_over", (coach.pk, first.blocked_from, first.blocked_until))],
    )

    assert outcomes[0] == "held"
    assert Counter(outcomes[1:-1]) == {"taken": 5}
    assert outcomes[-1] in ("offered 0", "offered 1")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN
    held = Booking.objects.get(coach=coach, status=Status.PENDING_PAYMENT)
    assert (held.client_id, held.starts_at, offer.booking_id) == (waiting[0].pk, offer.starts_at, held.pk)
    # Whatever else the pass offered lies clear of the held time.
    assert [o for o in live_offers(coach) if o.starts_at < held.ends_at and o.ends_at > held.starts_at] == []
