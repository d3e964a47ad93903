"""Every list page costs the same queries for one item as for five.

Each page is asked once (the staff idle timer is written at most once a minute, so the
count that follows is a steady page), then with every cache cleared, so what is counted
is the full work of drawing it, not a cached copy.
"""

import datetime

import pytest
from django.utils import timezone
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Status
from clients import progress
from clients.models import CheckIn, CoachAssignment, GoalKind, ProgressSettings, SubstanceUse
from bookings import notes
from tests.messaging_setup import send
from tests.factories import ClientFactory, CoachProfileFactory, CoachUserFactory, IntakeFactory, bookable_coach, demo_paid, local_time, past_session, sign_all_consents

pytestmark = pytest.mark.django_db

SHARED = {"summary": "We talked about evenings.", "homework": "One quiet evening.", "next_steps": "Same time next week."}


def queries_for(client, url):
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def one_then_five(client, url, add):
    """Queries with one item, then with five: `add(n)` adds n more items."""
    add(1)
    one = queries_for(client, url)
    add(4)
    return one, queries_for(client, url)


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def upcoming_bookings_of(client_user, carols, start_day=2):
    coach, session_type = carols
    made = []

    def add(count):
        for _ in range(count):
            made.append(local_time(coach, start_day + len(made), 10))
            from bookings import transitions

            demo_paid(transitions.place_hold(client_user, session_type, made[-1]))

    return add


def test_alices_bookings_cost_the_same_for_one_or_five(client, alice, carols):
    client.force_login(alice)
    one, five = one_then_five(client, reverse("bookings:mine"), upcoming_bookings_of(alice, carols))
    assert alice.bookings.count() == 5
    assert one == five


def test_carols_bookings_cost_the_same_for_one_or_five_clients(client, carol, carols):
    client.force_login(carol)

    def add(count):
        for _ in range(count):
            upcoming_bookings_of(ClientFactory(), carols, start_day=2 + carol.coach_profile.bookings.count())(1)

    one, five = one_then_five(client, reverse("bookings:mine"), add)
    assert carol.coach_profile.bookings.count() == 5
    assert one == five


def test_carols_sessions_and_notes_cost_the_same_for_one_or_five(client, carol, carols):
    client.force_login(carol)

    def add(count):
        for _ in range(count):
            session = past_session(*carols, ClientFactory(), days_ago=1 + carol.coach_profile.bookings.count(), status=Status.COMPLETED)
            notes.use_note(carol, session, notes.SIGN, **SHARED)

    one, five = one_then_five(client, reverse("coaching:sessions"), add)
    assert one == five


def test_the_admins_notes_list_costs_the_same_for_one_or_five(client, carol, carols, erin):
    client.force_login(erin)

    def add(count):
        for _ in range(count):
            session = past_session(*carols, ClientFactory(), days_ago=1 + carol.coach_profile.bookings.count(), status=Status.COMPLETED)
            notes.use_note(carol, session, notes.SIGN, **SHARED)

    one, five = one_then_five(client, reverse("coaching:admin_notes"), add)
    assert one == five


def test_the_review_queue_costs_the_same_for_one_or_five(client, erin):
    client.force_login(erin)
    one, five = one_then_five(client, reverse("clients:review_queue"), lambda n: IntakeFactory.create_batch(n))
    assert one == five


def test_the_admins_bookings_list_costs_the_same_for_one_or_five(client, erin, carols):
    client.force_login(erin)

    def add(count):
        for _ in range(count):
            upcoming_bookings_of(ClientFactory(), carols, start_day=2 + carols[0].bookings.count())(1)

    one, five = one_then_five(client, reverse("bookings:manage"), add)
    assert one == five


def test_carols_clients_cost_the_same_for_one_or_five(client, carol, erin):
    client.force_login(carol)

    def add(count):
        for _ in range(count):
            intake = IntakeFactory(status="approved")
            sign_all_consents(intake.client)
            CoachAssignment.objects.create(client=intake.client, coach=carol, assigned_by=erin)

    one, five = one_then_five(client, reverse("clients:coach_clients"), add)
    assert one == five


def test_alices_progress_costs_the_same_for_one_or_five_check_ins_and_goals(client, alice):
    ProgressSettings.objects.create(client=alice, substances=["alcohol"])
    client.force_login(alice)
    today = timezone.localdate(timezone=alice.zone)  # her day, as the pages count it

    def add(count):
        for _ in range(count):
            entry = CheckIn.objects.create(client=alice, day=today - datetime.timedelta(days=CheckIn.objects.count()), cravings=2, mood=3, note="ok")
            SubstanceUse.objects.create(check_in=entry, substance="alcohol", used=True, standard_drinks=2)
            progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=1 + CheckIn.objects.count() % 7)

    one, five = one_then_five(client, reverse("clients:progress"), add)
    assert one == five


DATA_PAGES = ["", "profile/", "intake/", "family/", "bookings/", "waitlists/", "payments/", "shared-summaries/", "messages/", "progress-log/"]


@pytest.mark.parametrize("part", DATA_PAGES)
def test_alices_data_pages_cost_the_same_with_one_or_five_of_everything(client, alice, carol, carols, erin, part):
    ProgressSettings.objects.create(client=alice, substances=["alcohol"])
    sign_all_consents(alice)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    client.force_login(alice)
    today = timezone.localdate(timezone=alice.zone)  # her day, as the pages count it
    book = upcoming_bookings_of(alice, carols)

    def add(count):
        for _ in range(count):
            entry = CheckIn.objects.create(client=alice, day=today - datetime.timedelta(days=CheckIn.objects.count()), cravings=2, mood=3, note="ok")
            SubstanceUse.objects.create(check_in=entry, substance="alcohol", used=False, standard_drinks=0)
            progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=1 + CheckIn.objects.count() % 7)
            book(1)
            session = past_session(*carols, alice, days_ago=1 + CheckIn.objects.count(), status=Status.COMPLETED)
            notes.use_note(carol, session, notes.SIGN, **SHARED)
            send(alice, carol, "A message")

    one, five = one_then_five(client, reverse("clients:my_data") + part, add)
    assert one == five


def test_the_directory_costs_the_same_for_one_or_five_coaches(client):
    one, five = one_then_five(
        client, reverse("coaching:directory"), lambda n: [CoachProfileFactory(user=CoachUserFactory()) for _ in range(n)]
    )
    assert one == five


def test_carols_calendar_costs_the_same_for_one_or_five_sessions(client, carol, carols):
    coach, session_type = carols
    client.force_login(carol)
    made = []

    def add(count):
        from bookings import transitions

        for _ in range(count):
            made.append(local_time(coach, 1, 9 + len(made)))
            demo_paid(transitions.place_hold(ClientFactory(), session_type, made[-1]))

    one, five = one_then_five(client, reverse("coaching:calendar"), add)
    assert one == five
