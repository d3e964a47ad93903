"""Smaller rules: a coach cancels with a refund only before the session starts; account
changes are e-mailed and need the password again; only an active coach is listed and
has a live feed; a saved intake step never undoes a decision; a moved session keeps its
own length."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from bookings import availability, cancellation, transitions
from bookings.errors import NotAllowed, SlotTaken
from bookings.models import Booking, Payment, PaymentStatus, Refund, Status
from bookings.web.views import open_times_for_move
from clients import intake as flow
from clients.forms import AboutForm
from clients.models import Intake
from coaching.models import SessionType
from core.encryption import reveal
from tests.factories import IntakeFactory, PASSWORD, bookable_coach, demo_paid, local_time, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def paid_past_session(carol_coach, session_type, alice, minutes_ago):
    """A confirmed, paid session of Alice's with Carol that began `minutes_ago` minutes ago."""
    booking = past_session(carol_coach, session_type, alice, hours=minutes_ago / 60)
    starts_at = booking.starts_at
    Payment.objects.create(
        booking=booking, amount_cents=6000, currency="usd", status=PaymentStatus.SUCCEEDED, captured_cents=6000, is_demo=True,
        succeeded_at=starts_at - timedelta(days=1),
    )
    return booking


# --- a coach's cancellation -----------------------------------------------------------


def test_carol_cannot_cancel_into_a_refund_once_the_session_has_started(alice, carol, carols):
    coach, session_type = carols
    booking = paid_past_session(coach, session_type, alice, minutes_ago=10)
    with pytest.raises(NotAllowed, match="already started"):
        cancellation.cancel_by_coach(booking, actor=carol, reason="Oops")
    booking.refresh_from_db()
    assert (booking.status, Refund.objects.count()) == (Status.CONFIRMED, 0)


def test_the_cancel_page_says_so_when_carol_tries_after_the_start(client, alice, carol, carols):
    coach, session_type = carols
    booking = paid_past_session(coach, session_type, alice, minutes_ago=10)
    client.force_login(carol)
    response = client.post(reverse("bookings:cancel", args=[booking.pk]), {"reason": "Oops"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This session has already started, so it can no longer be cancelled. "
        "Mark it as completed or missed; if a refund is due, please ask an admin."
    ]
    assert Refund.objects.count() == 0


def test_carol_still_cancels_with_a_full_refund_a_minute_before(alice, carol, carols, eager_tasks):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 2, 10)))
    refund = cancellation.cancel_by_coach(booking, actor=carol, now=booking.starts_at - timedelta(minutes=1))
    assert refund.amount_cents == 6000


# --- account changes ---------------------------------------------------------------------


def test_account_changes_are_emailed_and_need_the_password_again(client, alice, mailoutbox):
    assert (settings.ACCOUNT_EMAIL_NOTIFICATIONS, settings.ACCOUNT_REAUTHENTICATION_REQUIRED) == (True, True)
    client.force_login(alice)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.com"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    new = "a-brand-new-password-2026"
    client.post(reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert [(m.to, m.subject) for m in mailoutbox] == [(["alice@example.com"], "Waypoint: Password Changed")]


# --- only an active coach is listed -------------------------------------------------------


def test_a_coach_who_became_an_admin_leaves_the_directory_and_her_feed_stops(client, alice, carol, carols):
    coach, session_type = carols
    feed = reverse("coaching:feed", args=[coach.feed_token])
    assert client.get(feed).status_code == 200
    assert [card.coach.pk for card in Client().get(reverse("coaching:directory")).context["coaches"]] == [coach.pk]

    carol.role = Role.ADMIN
    carol.save()

    assert client.get(feed).status_code == 404
    assert list(Client().get(reverse("coaching:directory")).context["coaches"]) == []
    assert Client().get(reverse("coaching:coach", args=[coach.pk])).status_code == 404
    assert availability.first_available(session_type, timezone.now(), timezone.now() + timedelta(days=7)) == []
    client.force_login(alice)
    query = {"coach": coach.pk, "type": session_type.pk, "start": local_time(coach, 2, 10).isoformat()}
    assert client.get(reverse("bookings:new"), query).status_code == 404


@pytest.mark.parametrize("name", ["clients:coach_clients", "coaching:calendar", "coaching:sessions"])
def test_the_coaches_own_pages_need_the_role_coach(client, alice, erin, name):
    for person in (alice, erin):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 403


# --- intake steps ---------------------------------------------------------------------------


def test_a_step_saved_from_a_page_opened_before_a_decision_does_not_undo_it(alice):
    intake = IntakeFactory(client=alice, status=Intake.Status.MORE_INFO)
    opened_earlier = Intake.objects.get(pk=intake.pk)
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.APPROVED)  # an admin decides meanwhile

    form = AboutForm({"preferred_name": "Ali", "time_zone": "America/Chicago", "language": "English"}, intake=opened_earlier)
    assert form.is_valid()
    with pytest.raises(Exception, match="can no longer be changed"):
        flow.save_step(opened_earlier, "about", form, complete=True)
    intake.refresh_from_db()
    assert (intake.status, reveal(intake.preferred_name)) == (Intake.Status.APPROVED, "Alice")


def test_saving_a_step_writes_the_answers_and_never_the_status(alice):
    intake = IntakeFactory(client=alice, status=Intake.Status.DRAFT, steps_done=[])
    form = AboutForm({"preferred_name": "Ali", "time_zone": "America/Chicago", "language": "English"}, intake=intake)
    assert form.is_valid()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        saved = flow.save_step(intake, "about", form, complete=True)
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("FOR UPDATE" in statement for statement in sql)
    update = next(statement for statement in sql if statement.startswith('UPDATE "clients_intake"'))
    assert '"status"' not in update and '"submitted_at"' not in update and '"reviewed_at"' not in update
    assert (reveal(saved.preferred_name), saved.steps_done, saved.status) == ("Ali", ["about"], Intake.Status.DRAFT)


# --- rescheduling -------------------------------------------------------------------------


def test_a_moved_session_keeps_its_own_length_when_the_coach_shortened_the_type(alice, carol, carols):
    coach, session_type = carols
    start = local_time(coach, 3, 10)
    booking = demo_paid(transitions.place_hold(alice, session_type, start))
    SessionType.objects.filter(pk=session_type.pk).update(duration_minutes=20)
    # 4:15 pm: a 20-minute session would end before 5 pm; this 50-minute one would not.
    late = local_time(coach, 4, 16, 15)
    with pytest.raises(SlotTaken):
        cancellation.reschedule_by_client(Booking.objects.get(pk=booking.pk), late, actor=alice)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at - booking.starts_at) == (start, timedelta(minutes=50))
    # The page offers only times where the whole session fits.
    offered = open_times_for_move(booking, local_time(coach, 4, 0), local_time(coach, 5, 0))
    last_fit = local_time(coach, 4, 16, 0)
    assert late not in offered
    assert last_fit in offered
    moved = cancellation.reschedule_by_client(booking, last_fit, actor=alice)
    assert (moved.starts_at, moved.ends_at) == (last_fit, last_fit + timedelta(minutes=50))
