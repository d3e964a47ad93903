"""Twenty people press "Book" at the same instant: one wins, everyone else hears
"that time was just taken", and the database never holds a double booking."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from bookings import transitions
from bookings.errors import SlotTaken
from bookings.models import Booking, Status
from tests.factories import ClientFactory, bookable_coach, local_time

pytestmark = [pytest.mark.django_db(transaction=True)]

THREADS = 20


def race(attempts):
    """Run each (client, session_type, starts_at) in its own thread and DB connection, all at once."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(index, client, session_type, starts_at):
        try:
            barrier.wait()
            transitions.place_hold(client, session_type, starts_at)
            outcomes[index] = "booked"
        except SlotTaken as exc:
            outcomes[index] = "taken" if "just taken" in str(exc) or "already have" in str(exc) else repr(exc)
        except Exception as exc:  # noqa: BLE001 - any other answer is a failure the test must show
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def carols_hour(carol):
    coach, session_type = bookable_coach(carol)
    return coach, session_type, local_time(coach, 3, 10)


def test_twenty_clients_race_for_one_slot_and_one_wins(carols_hour):
    coach, session_type, ten_am = carols_hour
    clients = [ClientFactory() for _ in range(THREADS)]

    started = time.monotonic()
    outcomes = race([(client, session_type, ten_am) for client in clients])
    print(f"20 attempts on one slot settled in {time.monotonic() - started:.2f} s")

    assert outcomes == ["booked"] + ["taken"] * (THREADS - 1)
    assert Booking.objects.filter(coach=coach).count() == 1
    assert Booking.objects.get(coach=coach).status == Status.PENDING_PAYMENT


def test_twenty_clients_race_for_overlapping_slots_and_one_wins(carols_hour):
    coach, session_type, ten_am = carols_hour
    clients = [ClientFactory() for _ in range(THREADS)]
    # 10:00, 10:15, 10:30 and 10:45: every pair of these 50-minute sessions overlaps.
    starts = [ten_am + timedelta(minutes=15 * (i % 4)) for i in range(THREADS)]

    outcomes = race([(client, session_type, start) for client, start in zip(clients, starts, strict=True)])

    assert outcomes == ["booked"] + ["taken"] * (THREADS - 1)
    assert Booking.objects.filter(coach=coach).count() == 1


def test_one_client_racing_two_coaches_at_the_same_time_gets_one_session(alice, carol, dave):
    carols, carols_type = bookable_coach(carol)
    daves, daves_type = bookable_coach(dave, zone="America/New_York")
    ten_am = local_time(carols, 3, 10)
    attempts = [(alice, carols_type if i % 2 else daves_type, ten_am) for i in range(THREADS)]

    outcomes = race(attempts)

    assert outcomes == ["booked"] + ["taken"] * (THREADS - 1)
    assert Booking.objects.filter(client=alice).count() == 1


def test_buffers_count_as_taken_time_but_back_to_back_sessions_fit(alice, bob, carol, dave):
    coach, session_type = bookable_coach(carol, buffer_after_minutes=10, slot_step_minutes=5)
    ten_am = local_time(coach, 3, 10)
    transitions.place_hold(alice, session_type, ten_am)

    with pytest.raises(SlotTaken):
        transitions.place_hold(bob, session_type, ten_am + timedelta(minutes=55))
    after_buffer = transitions.place_hold(bob, session_type, ten_am + timedelta(minutes=60))

    assert after_buffer.status == Status.PENDING_PAYMENT
    assert list(Booking.objects.order_by("starts_at").values_list("client__email", "starts_at")) == [
        ("alice@example.com", ten_am),
        ("bob@example.com", ten_am + timedelta(minutes=60)),
    ]
