"""Each dashboard says what is next: Alice's next session and intake step, Carol's day,
Erin's queue and what needs a look; each greets by the name people chose, and costs the
same queries for one item as for five."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import notes
from bookings.models import Payment, PaymentStatus, Status
from clients.models import Intake
from core.models import OwedStatus, OwedWork
from tests.factories import ClientFactory, IntakeFactory, bookable_coach, past_session
from tests.test_list_query_counts import one_then_five

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Noon in New York: sessions at 9 am and 3 pm are both today.
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=NEW_YORK)
SHARED = {"summary": "We talked about evenings.", "homework": "One quiet evening.", "next_steps": "Same time next week."}


@pytest.fixture
def frozen_noon(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON)
    return NOON


@pytest.fixture
def carols(carol):
    carol.time_zone = "America/New_York"
    carol.save()
    return bookable_coach(carol)


def session_in(carols, client, minutes, status=Status.CONFIRMED):
    """A session of `client` with Carol starting `minutes` from now (negative: in the past)."""
    return past_session(*carols, client, hours=-minutes / 60, status=status)


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("minutes, joinable", [(11, False), (9, True), (-20, True)])
def test_alices_join_button_is_live_from_ten_minutes_before(client, alice, carols, frozen_noon, minutes, joinable):
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    session_in(carols, alice, minutes)
    html = dashboard(client, alice)
    assert ('<a class="button" href="https://meet.example.org/room" rel="noreferrer">Join the session</a>' in html) is joinable
    assert ("The join button appears here at" in html) is not joinable


def test_alices_next_session_is_the_soonest_confirmed_one(client, alice, carols, frozen_noon):
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    session_in(carols, alice, 60 * 24 * 3)
    session_in(carols, alice, 60 * 3, status=Status.CANCELLED)
    soonest = session_in(carols, alice, 60 * 24)
    client.force_login(alice)
    response = client.get(reverse("dashboard"))
    assert response.context["next_session"].booking == soonest


@pytest.mark.parametrize(
    "status, step",
    [
        (None, "Start your intake"),
        (Intake.Status.DRAFT, "Continue your intake"),
        (Intake.Status.MORE_INFO, "Answer our team&#x27;s question"),
        (Intake.Status.SUBMITTED, "Read what you sent"),
        (Intake.Status.APPROVED, "Book a session"),
        (Intake.Status.DECLINED, "See what we suggested"),
    ],
)
def test_alices_intake_shows_its_one_next_step(client, alice, status, step):
    if status:
        IntakeFactory(client=alice, status=status)
    html = dashboard(client, alice)
    section = html[html.index('id="your-intake"') : html.index('id="waiting-for-you"')]
    assert section.count('class="button') == 1
    assert f">{step}</a>" in section


def test_alice_is_greeted_by_her_preferred_name(client, alice):
    IntakeFactory(client=alice, preferred_name="Ali")
    assert "<h1>Welcome, Ali</h1>" in dashboard(client, alice)


def test_carol_is_greeted_by_the_name_clients_see(client, carol, carols):
    carols[0].display_name = "Coach Carol"
    carols[0].save()
    assert "<h1>Today, Coach Carol</h1>" in dashboard(client, carol)


def test_alices_unread_summaries_count_until_she_opens_one(client, alice, carol, carols):
    for days_ago in (1, 2):
        notes.use_note(carol, past_session(*carols, alice, days_ago=days_ago, status=Status.COMPLETED), notes.SIGN, **SHARED)
    assert "2 new session summaries from your coach" in dashboard(client, alice)
    opened = alice.bookings.order_by("starts_at").first()
    assert client.get(reverse("coaching:summary", args=[opened.pk])).status_code == 200
    assert "1 new session summary from your coach" in dashboard(client, alice)


def test_carols_day_her_notes_to_write_and_new_bookings(client, carol, carols, frozen_noon):
    alice, bob = ClientFactory(name="Alice Moreno"), ClientFactory(name="Bob Lee")
    session_in(carols, alice, -180)  # 9 am, still needs an outcome
    session_in(carols, bob, 180)  # 3 pm
    tomorrow = session_in(carols, bob, 60 * 24)
    done = past_session(*carols, alice, days_ago=2, status=Status.COMPLETED)
    notes.use_note(carol, done, notes.SIGN, **SHARED)
    past_session(*carols, bob, days_ago=3, status=Status.COMPLETED)  # no note yet
    client.force_login(carol)
    response = client.get(reverse("dashboard"))
    today = [(s.booking.client.name, s.booking.starts_at) for s in response.context["todays_sessions"]]
    assert today == [("Alice Moreno", NOON - timedelta(hours=3)), ("Bob Lee", NOON + timedelta(hours=3))]
    html = response.content.decode()
    assert "2 past sessions still need an outcome or a signed note" in html
    # Every booking above was confirmed just now; the new ones are those still to come.
    assert [b.pk for b in response.context["new_bookings"]] == sorted(
        [b.pk for b in carol.coach_profile.bookings.filter(starts_at__gt=NOON)], reverse=True
    )
    assert tomorrow.pk in [b.pk for b in response.context["new_bookings"]]


def test_erins_urgent_intakes_queue_failed_deliveries_and_payments(client, erin, carols, frozen_noon):
    urgent = IntakeFactory(is_urgent=True, submitted_at=NOON - timedelta(hours=2), client=ClientFactory(name="Bob Lee"))
    IntakeFactory(submitted_at=NOON - timedelta(days=1))
    IntakeFactory(status=Intake.Status.DRAFT, submitted_at=None)
    OwedWork.objects.create(kind="booking.confirmation", key="k1", due_at=NOON, available_at=NOON, status=OwedStatus.FAILED)
    booking = session_in(carols, ClientFactory(), 60 * 24)
    Payment.objects.create(booking=booking, amount_cents=100, currency="usd", status=PaymentStatus.SUCCEEDED, mismatch="amount")
    html = dashboard(client, erin)
    assert f'<a href="{reverse("clients:review_detail", args=[urgent.pk])}">Bob Lee</a>, waiting 2\xa0hours' in html
    assert "2 intakes waiting</a>; the oldest was sent 1\xa0day ago" in html
    assert "1 e-mail or refund could not go out" in html
    assert "1 payment did not match its session or was disputed" in html


def test_a_quiet_day_says_so(client, erin):
    html = dashboard(client, erin)
    assert "No urgent intake is waiting." in html and "No intake is waiting for review." in html
    assert "Every e-mail and refund went out." in html and "No payment needs a look." in html


# --- the same queries for one item as for five ---------------------------------------------


def test_alices_dashboard_costs_the_same_for_one_or_five(client, alice, carol, carols):
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    client.force_login(alice)

    def add(count):
        for _ in range(count):
            days = alice.bookings.count() + 1
            session_in(carols, alice, 60 * 24 * days)
            notes.use_note(carol, past_session(*carols, alice, days_ago=days, status=Status.COMPLETED), notes.SIGN, **SHARED)

    one, five = one_then_five(client, reverse("dashboard"), add)
    assert one == five


def test_carols_dashboard_costs_the_same_for_one_or_five(client, carol, carols, frozen_noon):
    client.force_login(carol)

    def add(count):
        for _ in range(count):
            n = carol.coach_profile.bookings.count()
            session_in(carols, ClientFactory(), -300 + n * 60)
            session_in(carols, ClientFactory(), 60 * 24 * (n + 1))

    one, five = one_then_five(client, reverse("dashboard"), add)
    assert one == five


def test_erins_dashboard_costs_the_same_for_one_or_five(client, erin):
    client.force_login(erin)

    def add(count):
        IntakeFactory.create_batch(count, is_urgent=True)
        IntakeFactory.create_batch(count)

    one, five = one_then_five(client, reverse("dashboard"), add)
    assert one == five


def test_alices_dashboard_opens_none_of_her_intakes_sealed_answers_but_her_name(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.prepared import statement_sql

    IntakeFactory(client=alice, preferred_name="Ali", status=Intake.Status.APPROVED)
    client.force_login(alice)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert "Ali" in client.get(reverse("dashboard")).content.decode()
    sent = [statement_sql(q["sql"]) for q in queries.captured_queries]
    intake_reads = [sql for sql in sent if 'FROM "clients_intake"' in sql]
    assert intake_reads and not any('"clients_intake"."pronouns"' in sql or '"clients_intake"."goal"' in sql for sql in intake_reads)
