"""Carol takes one session a day. Twenty clients, each in a process of their own, press
"Book" at the same instant for twenty different times on the same day: the times do
not overlap, so the exclusion constraint has nothing to say, and only the lock on
Carol's row stands between her and twenty sessions."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from bookings.models import Booking, Status
from clients.models import Intake
from tests.factories import ClientFactory, IntakeFactory, bookable_coach, local_time
from tests.race_processes import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The children know nothing of the parent's patches: every client is really approved.
    pytest.mark.intake_gate,
]

CLIENTS = 20


def test_twenty_clients_book_twenty_different_times_on_carols_one_session_day_and_one_wins(carol):
    coach, session_type = bookable_coach(carol, duration=20, slot_step_minutes=20, daily_cap=1)
    nine_am = local_time(coach, 3, 9)
    # 9:00, 9:20, ... 15:20: back to back, never overlapping, all inside Carol's hours.
    starts = [nine_am + timedelta(minutes=20 * i) for i in range(CLIENTS)]
    clients = [ClientFactory() for _ in range(CLIENTS)]
    for client in clients:
        IntakeFactory(client=client, status=Intake.Status.APPROVED)

    outcomes = race(connection.settings_dict, list(zip(clients, [session_type] * CLIENTS, starts, strict=True)))

    assert Counter(outcomes) == {"booked": 1, "taken": CLIENTS - 1}
    assert list(Booking.objects.filter(coach=coach).values_list("status", flat=True)) == [Status.PENDING_PAYMENT]
    assert Booking.objects.get(coach=coach).starts_at in starts
