"""The bookings list and a booking's page say what happened in the viewer's words: a
cancelled session still to come is not "before", what to do if plans change only while they
still can, "by you", and a client whose intake waits for review is told so, not refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, CancelledBy, Status
from bookings.web.views import new_booking_url
from clients.models import Intake
from tests.factories import ClientFactory, IntakeFactory, bookable_coach, local_time, past_session

pytestmark = [pytest.mark.django_db, pytest.mark.intake_gate]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def cancelled(booking, by):
    Booking.objects.filter(pk=booking.pk).update(status=Status.CANCELLED, cancelled_by=by, cancelled_at=timezone.now())
    return Booking.objects.get(pk=booking.pk)


def test_a_cancelled_session_still_to_come_is_not_under_before(client, alice, carols):
    ahead = cancelled(past_session(*carols, alice, hours=-48), CancelledBy.CLIENT)
    gone = cancelled(past_session(*carols, alice, days_ago=3), CancelledBy.COACH)
    done = past_session(*carols, alice, days_ago=2, status=Status.COMPLETED)
    client.force_login(alice)
    response = client.get(reverse("bookings:mine"))
    assert [b.pk for b in response.context["past"]] == [done.pk, gone.pk]
    assert [b.pk for b in response.context["called_off"]] == [ahead.pk]
    html = response.content.decode()
    before = html[html.index("<h2>Before</h2>") :]
    assert "Cancelled by you" in html[html.index("<h2>Cancelled</h2>") : html.index("<h2>Before</h2>")]
    assert "Cancelled by your coach" in before


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.COMPLETED])
def test_a_cancelled_or_completed_session_does_not_say_what_to_do_if_plans_change(client, alice, carols, status):
    over = past_session(*carols, alice, hours=-48 if status == Status.CANCELLED else 48, status=status)
    coming = past_session(*carols, alice, hours=-72)
    client.force_login(alice)
    assert "If your plans change" not in client.get(reverse("bookings:detail", args=[over.pk])).content.decode()
    assert "If your plans change" in client.get(reverse("bookings:detail", args=[coming.pk])).content.decode()


def test_the_booking_page_says_by_you_to_whoever_cancelled(client, alice, carol, carols):
    by_alice = cancelled(past_session(*carols, alice, hours=-48), CancelledBy.CLIENT)
    by_carol = cancelled(past_session(*carols, alice, hours=-72), CancelledBy.COACH)
    client.force_login(alice)
    assert " by you</dd>" in client.get(reverse("bookings:detail", args=[by_alice.pk])).content.decode()
    assert " by your coach</dd>" in client.get(reverse("bookings:detail", args=[by_carol.pk])).content.decode()
    client.force_login(carol)
    assert " by the client</dd>" in client.get(reverse("bookings:detail", args=[by_alice.pk])).content.decode()
    assert " by you</dd>" in client.get(reverse("bookings:detail", args=[by_carol.pk])).content.decode()


def test_a_client_whose_intake_waits_sees_paid_times_open_after_its_review(client, alice, carols):
    coach, paid = carols
    IntakeFactory(client=alice, status=Intake.Status.SUBMITTED)
    client.force_login(alice)
    html = client.get(reverse("coaching:coach", args=[coach.pk]), {"type": paid.pk}).content.decode()
    assert "These times open to you after your intake is reviewed." in html
    assert 'class="slot"' not in html and 'class="slot open-time" aria-describedby="after-review"' in html
    assert "Start or finish your intake" not in html

    response = client.get(new_booking_url(coach, paid, local_time(coach, 3, 10)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>This time opens after your intake is reviewed</h1>" in html
    assert "Start or finish your intake" not in html


def test_a_client_without_an_intake_still_picks_a_paid_time_and_is_sent_to_the_intake(client, carols):
    coach, paid = carols
    bob = ClientFactory()
    client.force_login(bob)
    html = client.get(reverse("coaching:coach", args=[coach.pk]), {"type": paid.pk}).content.decode()
    assert 'class="slot"' in html and "after your intake is reviewed" not in html
    response = client.get(new_booking_url(coach, paid, local_time(coach, 3, 10)))
    assert (response.status_code, "Start or finish your intake" in response.content.decode()) == (200, True)
