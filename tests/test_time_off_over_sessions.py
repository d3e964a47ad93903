"""Carol adds time off over booked sessions: she is asked first, shown the sessions, and
cancels them (full refunds, apologies) or keeps them."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bookings import transitions
from bookings.models import Booking, CancelledBy, Refund, Status
from bookings.notices import NoticeKind
from coaching.models import TimeOff
from core.models import OwedWork
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def alices(alice, carols):
    coach, session_type = carols
    return demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))


def day_off(booking, coach, **extra):
    day = booking.starts_at.astimezone(ZoneInfo(coach.time_zone)).date().isoformat()
    return {"first_day": day, "last_day": "", "start_time": "", "end_time": "", "note": "Family visit", **extra}


def test_carol_is_asked_first_and_shown_the_session(client, carol, carols, alices):
    coach, _ = carols
    client.force_login(carol)
    response = client.post(reverse("coaching:time_off"), day_off(alices, coach))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You have a session in this time" in html
    assert f'href="/bookings/{alices.pk}/"' in html
    assert 'value="cancel"' in html and 'value="keep"' in html
    assert TimeOff.objects.count() == 0


def test_carol_keeps_the_session(client, carol, carols, alices):
    coach, _ = carols
    client.force_login(carol)
    response = client.post(reverse("coaching:time_off"), day_off(alices, coach, sessions="keep", session=[alices.pk]))

    assert response.status_code == 302
    assert TimeOff.objects.filter(coach=coach).count() == 1
    assert Booking.objects.get(pk=alices.pk).status == Status.CONFIRMED
    assert "You kept 1 session in it." in client.get(reverse("coaching:time_off")).content.decode()


def test_carol_cancels_the_session_with_a_full_refund_and_an_apology(client, carol, carols, alices):
    coach, _ = carols
    client.force_login(carol)
    client.post(
        reverse("coaching:time_off"),
        day_off(alices, coach, sessions="cancel", session=[alices.pk], reason="A family emergency."),
    )

    booking = Booking.objects.get(pk=alices.pk)
    assert (booking.status, booking.cancelled_by) == (Status.CANCELLED, CancelledBy.COACH)
    assert TimeOff.objects.filter(coach=coach).count() == 1
    assert [(r.payment.booking_id, r.amount_cents) for r in Refund.objects.all()] == [(alices.pk, 6000)]
    assert OwedWork.objects.filter(kind=NoticeKind.COACH_CANCELLATION, about=f"booking:{alices.pk}").count() == 1


def test_a_session_booked_since_the_question_is_asked_about_again(client, carol, carols, alices, bob):
    coach, session_type = carols
    bobs = demo_paid(transitions.place_hold(bob, session_type, local_time(coach, 3, 14)))
    client.force_login(carol)
    response = client.post(reverse("coaching:time_off"), day_off(alices, coach, sessions="cancel", session=[alices.pk]))

    assert response.status_code == 200
    assert "You have 2 sessions in this time" in response.content.decode()
    assert [Booking.objects.get(pk=b.pk).status for b in (alices, bobs)] == [Status.CONFIRMED, Status.CONFIRMED]
    assert TimeOff.objects.count() == 0


def test_time_off_with_no_session_in_it_is_added_at_once(client, carol, carols, alices):
    coach, _ = carols
    client.force_login(carol)
    free_day = {"first_day": local_time(coach, 5, 10).astimezone(ZoneInfo(coach.time_zone)).date().isoformat(), "last_day": "",
                "start_time": "", "end_time": "", "note": ""}
    assert client.post(reverse("coaching:time_off"), free_day).status_code == 302
    assert TimeOff.objects.count() == 1
