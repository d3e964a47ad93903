"""Paid sessions wait for an approved intake; free intro calls are open to every client."""

import pytest
from django.urls import reverse

from bookings.errors import NotAllowed
from bookings.models import Booking, Status
from bookings.transitions import place_hold
from bookings.web.views import new_booking_url
from clients.models import Intake
from tests.factories import IntakeFactory, bookable_coach, local_time

pytestmark = [pytest.mark.django_db, pytest.mark.intake_gate]


@pytest.fixture
def carols_paid(carol):
    _coach, paid = bookable_coach(carol, price_cents=6000)
    return paid


@pytest.fixture
def carols_intro(carols_paid):
    return carols_paid.coach.session_types.create(name="Intro call", duration_minutes=20, price_cents=0)


def test_the_server_refuses_a_paid_hold_until_alices_intake_is_approved(alice, carols_paid):
    start = local_time(carols_paid.coach, 3, 10)
    with pytest.raises(NotAllowed):
        place_hold(alice, carols_paid, start)
    assert Booking.objects.count() == 0

    intake = IntakeFactory(client=alice, status=Intake.Status.SUBMITTED)
    with pytest.raises(NotAllowed):
        place_hold(alice, carols_paid, start)

    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.APPROVED)
    booking = place_hold(alice, carols_paid, start)
    assert (booking.status, booking.price_cents) == (Status.PENDING_PAYMENT, 6000)


def test_a_free_intro_call_needs_no_intake(alice, carols_intro):
    booking = place_hold(alice, carols_intro, local_time(carols_intro.coach, 3, 11))
    assert booking.status == Status.CONFIRMED


def test_posting_a_paid_hold_without_approval_explains_and_holds_nothing(client, alice, carols_paid):
    client.force_login(alice)
    url = new_booking_url(carols_paid.coach, carols_paid, local_time(carols_paid.coach, 3, 10))
    response = client.post(url.split("?")[0], {
        "coach": carols_paid.coach.pk, "type": carols_paid.pk, "start": local_time(carols_paid.coach, 3, 10).isoformat(),
    })
    assert response.status_code == 403
    html = response.content.decode()
    assert "One step before paid sessions" in html
    assert reverse("clients:intake_start") in html
    assert Booking.objects.count() == 0
    assert client.get(url).status_code == 200  # the link we offered explains; only the hold is refused


def test_the_coach_page_says_why_paid_sessions_wait_and_links_to_the_intake(client, alice, carols_paid):
    client.force_login(alice)
    html = client.get(reverse("coaching:coach", args=[carols_paid.coach.pk])).content.decode()
    assert "Paid sessions open once our team has looked at your intake" in html
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    html = client.get(reverse("coaching:coach", args=[carols_paid.coach.pk])).content.decode()
    assert "Paid sessions open once" not in html
