"""The booking pages over HTTP: review, the "just taken" answer, free sessions, lists,
changes, admin pages, and the payment page's own CSP."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import transitions
from bookings.models import Booking, CancelledBy, Status
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def review_url(coach, session_type, start):
    return f"/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={start:%Y-%m-%dT%H:%M:%SZ}"


def test_alice_reviews_a_time_in_her_own_zone_with_the_price_and_policy(client, alice, carols):
    coach, session_type = carols
    ten_am_new_york = local_time(coach, 3, 10)
    client.force_login(alice)

    page = client.get(review_url(coach, session_type, ten_am_new_york)).content.decode()

    local = ten_am_new_york.astimezone(alice.zone)
    assert f"<strong>{local:%A} {local.day} {local:%B}, 9:00 am</strong> to 9:50 am" in page
    assert "$60.00" in page
    assert "Cancel up to 1 day before the session starts and you get all your money back." in page
    assert "Hold this time and pay" in page


def test_a_time_taken_while_alice_was_reading_gives_a_friendly_answer_and_fresh_times(client, alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    client.force_login(alice)
    transitions.place_hold(bob, session_type, ten_am)

    answer = client.post("/bookings/new/", {"coach": coach.pk, "type": session_type.pk, "start": ten_am.isoformat()})

    page = answer.content.decode()
    assert answer.status_code == 409
    assert "That time was just taken. Here are the times that are still open." in page
    assert page.count('class="button secondary small"') == 8
    assert Booking.objects.filter(client=alice).count() == 0


def test_a_free_session_skips_payment_and_lands_on_the_booking(client, alice, carol):
    coach, session_type = bookable_coach(carol, price_cents=0)
    client.force_login(alice)
    start = local_time(coach, 3, 10)

    answer = client.post("/bookings/new/", {"coach": coach.pk, "type": session_type.pk, "start": start.isoformat()})

    booking = Booking.objects.get(client=alice)
    assert answer.headers["Location"] == f"/bookings/{booking.pk}/"
    assert booking.status == Status.CONFIRMED
    assert booking.payments.count() == 0


def test_only_clients_book_and_a_coach_cannot_pay_for_alice(client, alice, carol, carols):
    coach, session_type = carols
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    client.force_login(carol)

    assert client.get(review_url(coach, session_type, local_time(coach, 3, 12))).status_code == 403
    assert client.get(f"/bookings/{booking.pk}/pay/").status_code == 403


def test_the_payment_page_alone_allows_stripe_js(client, alice, carols, localstripe, settings):
    coach, session_type = carols
    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    client.force_login(alice)

    pay_csp = client.get(f"/bookings/{booking.pk}/pay/").headers["Content-Security-Policy"]
    other_csp = client.get(f"/bookings/{booking.pk}/").headers["Content-Security-Policy"]

    origin = settings.STRIPE_API_BASE
    assert f"script-src 'self' {origin}" in pay_csp
    assert f"connect-src 'self' {origin}" in pay_csp
    # Directives come in no fixed order, so the last one has no closing semicolon.
    assert f"frame-src {origin} https://hooks.stripe.com" in [directive.strip() for directive in pay_csp.split(";")]
    assert origin not in other_csp


def test_alices_list_shows_what_is_coming_and_what_is_past(client, alice, carols):
    coach, session_type = carols
    coming = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    before = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 2, 10)))
    two_days_ago = timezone.now() - timedelta(days=2)
    Booking.objects.filter(pk=before.pk).update(
        starts_at=two_days_ago,
        ends_at=two_days_ago + timedelta(minutes=50),
        blocked_from=two_days_ago,
        blocked_until=two_days_ago + timedelta(minutes=50),
    )
    transitions.complete(before)
    client.force_login(alice)

    answer = client.get("/bookings/")

    assert [b.pk for b in answer.context["upcoming"]] == [coming.pk]
    assert [b.pk for b in answer.context["past"]] == [before.pk]


def test_carol_cancels_from_her_page_and_the_refund_follows(client, carol, alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    client.force_login(carol)

    answer = client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "Family matter"})

    booking.refresh_from_db()
    assert answer.headers["Location"] == f"/bookings/{booking.pk}/"
    assert (booking.status, booking.cancelled_by, booking.cancel_reason.reveal()) == (Status.CANCELLED, CancelledBy.COACH, "Family matter")
    assert booking.payments.get().refunded_cents == 6000


def test_dave_cannot_see_or_cancel_carols_session(client, dave, alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    client.force_login(dave)

    assert client.get(f"/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/bookings/{booking.pk}/cancel/").status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


def test_the_admin_list_costs_the_same_queries_for_one_booking_or_five(client, erin, carols):
    coach, session_type = carols
    client.force_login(erin)

    booked_days = []

    def queries_with(count):
        from tests.factories import ClientFactory

        for _ in range(count):
            booked_days.append(len(booked_days) + 3)
            demo_paid(transitions.place_hold(ClientFactory(), session_type, local_time(coach, booked_days[-1], 10)))
        client.get("/bookings/manage/")  # the staff idle timer is written at most once a minute
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/bookings/manage/").status_code == 200
        return len(captured)

    one = queries_with(1)
    five = queries_with(4)
    assert Booking.objects.count() == 5
    assert one == five


def test_erin_reads_bookings_in_the_database_admin_but_cannot_change_them(client, erin, alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    client.force_login(erin)

    listing = client.get("/admin/bookings/booking/")
    change = client.post(f"/admin/bookings/booking/{booking.pk}/change/", {"status": "cancelled"})

    assert listing.status_code == 200
    assert f"/admin/bookings/booking/{booking.pk}/change/" in listing.content.decode()
    assert client.get("/admin/bookings/booking/add/").status_code == 403
    assert change.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED


def test_a_second_click_on_hold_finds_the_first_hold(client, alice, carols):
    coach, session_type = carols
    start = local_time(coach, 3, 10)
    client.force_login(alice)
    form = {"coach": coach.pk, "type": session_type.pk, "start": start.isoformat()}

    first = client.post("/bookings/new/", form)
    second = client.post("/bookings/new/", form)

    booking = Booking.objects.get(client=alice)
    assert first.headers["Location"] == second.headers["Location"] == f"/bookings/{booking.pk}/pay/"


def test_carol_sees_alices_session_with_a_cancel_form_that_promises_a_full_refund(client, carol, alice, carols):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    client.force_login(carol)

    detail = client.get(f"/bookings/{booking.pk}/").content.decode()
    cancel = client.get(f"/bookings/{booking.pk}/cancel/").content.decode()

    assert "<dt>With</dt><dd>Alice Moreno</dd>" in detail
    assert "Move it to another time" not in detail
    assert "Your client gets a full refund and an apology from us." in cancel
    assert 'name="reason"' in cancel
