"""The waitlist's pages: joining from a coach's page, seeing and leaving entries at
/bookings/, the offer page, and what admins and coaches see of the waitlists."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings import transitions, waitlist
from bookings.models import OfferStatus, WaitlistEntry
from coaching.models import SessionType
from tests.factories import ClientFactory, bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def join_form(session_type, **changes):
    data = {
        "session_type": session_type.pk,
        "weekdays": ["1", "3"],
        "parts_of_day": ["evening"],
        "until": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    data.update(changes)
    return data


def offer_for(client_user, carols):
    coach, session_type = carols
    waitlist.join(client_user, session_type, weekdays=range(7), parts_of_day=["morning", "afternoon", "evening"],
                  until=timezone.localdate() + timedelta(days=30))
    booking = demo_paid(transitions.place_hold(ClientFactory(), session_type, local_time(coach, 3, 10)))
    transitions.cancel(booking, by="client")
    [offer] = waitlist.offer_open_times(coach.pk, booking.blocked_from, booking.blocked_until)
    return offer


def test_the_coach_page_offers_the_waitlist(client, alice, carols):
    coach, session_type = carols
    client.force_login(alice)
    page = client.get(reverse("coaching:coach", args=[coach.pk])).content.decode()
    assert f'href="/bookings/waitlist/join/{coach.pk}/?type={session_type.pk}"' in page


def test_alice_joins_a_waitlist_in_her_own_zone_and_sees_it_at_bookings(client, alice, carols):
    coach, session_type = carols
    client.force_login(alice)
    assert client.get(reverse("bookings:waitlist_join", args=[coach.pk]) + f"?type={session_type.pk}").status_code == 200

    response = client.post(reverse("bookings:waitlist_join", args=[coach.pk]), join_form(session_type))

    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.client, entry.coach, entry.weekdays, entry.parts_of_day, entry.time_zone) == (
        alice, coach, [1, 3], ["evening"], "America/Chicago"
    )
    page = client.get(reverse("bookings:mine")).content.decode()
    assert "One-to-one session with Carol Rivera:" in page
    assert "Tuesdays and Thursdays, evenings (America/Chicago time)" in page


def test_a_join_with_nothing_chosen_or_a_far_day_says_so(client, alice, carols):
    coach, session_type = carols
    client.force_login(alice)
    far = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = client.post(reverse("bookings:waitlist_join", args=[coach.pk]), join_form(session_type, weekdays=[], until=far))
    page = response.content.decode()
    assert (response.status_code, WaitlistEntry.objects.count()) == (400, 0)
    assert "Please choose at least one day." in page and "Please choose a day between today and 180 days" in page
    other = SessionType.objects.create(coach=bookable_coach(ClientFactory(role="coach"))[0], name="x", duration_minutes=30, price_cents=0)
    response = client.post(reverse("bookings:waitlist_join", args=[coach.pk]), join_form(other))
    assert (response.status_code, WaitlistEntry.objects.count()) == (400, 0)


@pytest.mark.intake_gate
def test_a_paid_session_waitlist_waits_for_the_intake(client, alice, carols):
    coach, session_type = carols
    client.force_login(alice)
    response = client.post(reverse("bookings:waitlist_join", args=[coach.pk]), join_form(session_type))
    assert response.status_code == 400
    assert "Once our team has looked at your intake" in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


def test_alice_leaves_her_waitlist_and_bob_cannot_leave_hers(client, alice, bob, carols):
    coach, session_type = carols
    entry = waitlist.join(alice, session_type, weekdays=[1], parts_of_day=["morning"], until=timezone.localdate())
    client.force_login(bob)
    assert client.post(reverse("bookings:waitlist_leave", args=[entry.pk])).status_code == 404
    client.force_login(alice)
    assert client.post(reverse("bookings:waitlist_leave", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.end_reason == "left"
    assert "You are not waiting for any coach." in client.get(reverse("bookings:mine")).content.decode()


def test_the_offer_page_books_through_the_normal_path_and_is_alices_alone(client, alice, bob, carols):
    coach, session_type = carols
    offer = offer_for(alice, carols)
    client.force_login(bob)
    assert client.get(reverse("bookings:waitlist_offer", args=[offer.pk])).status_code == 404
    assert client.post(reverse("bookings:waitlist_decline", args=[offer.pk])).status_code == 404
    client.force_login(alice)

    page = client.get(reverse("bookings:waitlist_offer", args=[offer.pk])).content.decode()
    assert "Times held for you" in client.get(reverse("bookings:mine")).content.decode()
    book_url = f"/bookings/new/?coach={coach.pk}&amp;type={session_type.pk}&amp;start="
    assert book_url in page
    review = client.get(reverse("bookings:new"), {"coach": coach.pk, "type": session_type.pk, "start": offer.starts_at.isoformat()})
    assert "Hold this time and pay" in review.content.decode()
    held = client.post(reverse("bookings:new"), {"coach": coach.pk, "type": session_type.pk, "start": offer.starts_at.isoformat()})
    assert held.status_code == 302 and "/pay/" in held["Location"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN


def test_bob_cannot_book_alices_offered_time_from_the_review_page(client, alice, bob, carols):
    coach, session_type = carols
    offer = offer_for(alice, carols)
    client.force_login(bob)
    review = client.get(reverse("bookings:new"), {"coach": coach.pk, "type": session_type.pk, "start": offer.starts_at.isoformat()})
    assert "That time is no longer open." in review.content.decode()


def test_alice_passes_an_offer_on(client, alice, carols):
    offer = offer_for(alice, carols)
    client.force_login(alice)
    assert client.post(reverse("bookings:waitlist_decline", args=[offer.pk])).status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert "You passed this time on." in client.get(reverse("bookings:waitlist_offer", args=[offer.pk])).content.decode()


def test_admins_see_how_many_wait_for_each_coach(client, erin, carols, dave):
    coach, session_type = carols
    daves, daves_type = bookable_coach(dave)
    for _ in range(3):
        waitlist.join(ClientFactory(), session_type, weekdays=[1], parts_of_day=["morning"], until=timezone.localdate())
    waitlist.join(ClientFactory(), daves_type, weekdays=[1], parts_of_day=["morning"], until=timezone.localdate())
    client.force_login(erin)
    page = client.get(reverse("bookings:manage")).content.decode()
    assert "<tr><td>Carol Rivera</td><td>3</td></tr><tr><td>Dave Okafor</td><td>1</td></tr>" in page


def test_carol_sees_who_waits_for_which_part_of_her_week(client, carol, carols, alice, bob):
    coach, session_type = carols  # Carol is in New York
    # Alice (Chicago): Tuesday mornings, 9 am there is 10 am in New York.
    waitlist.join(alice, session_type, weekdays=[1], parts_of_day=["morning"], until=timezone.localdate() + timedelta(days=9))
    # Bob (London): Tuesday evenings, 7 pm there is 2 pm in New York.
    waitlist.join(bob, session_type, weekdays=[1], parts_of_day=["evening"], until=timezone.localdate() + timedelta(days=9))
    client.force_login(carol)
    page = client.get(reverse("coaching:calendar")).content.decode()
    assert "2 people are waiting for a time with you." in page
    assert "<li><strong>Tuesdays</strong>: mornings (1), afternoons (1)</li>" in page


def test_alices_waitlists_and_offers_cost_the_same_queries_for_one_or_five(client, alice, settings):
    settings.WAITLIST_OFFERS_PER_DAY = 5
    client.force_login(alice)

    def add(count):
        for _ in range(count):
            offer_for(alice, bookable_coach(ClientFactory(role="coach")))

    def counted():
        client.get(reverse("bookings:mine"))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("bookings:mine")).status_code == 200
        return len(queries)

    add(1)
    one = counted()
    add(4)
    assert (WaitlistEntry.objects.filter(client=alice).count(), waitlist.live_offers_of(alice).count()) == (5, 5)
    assert one == counted()


def test_new_hours_and_time_off_removed_offer_the_time_they_open(client, carol, alice):
    from coaching.models import TimeOff, WeeklyHours
    from core import outbox
    from core.models import OwedWork

    coach, session_type = bookable_coach(carol)
    WeeklyHours.objects.filter(coach=coach).delete()
    waitlist.join(alice, session_type, weekdays=range(7), parts_of_day=["morning", "afternoon", "evening"],
                  until=timezone.localdate() + timedelta(days=30))
    client.force_login(carol)

    ten_am = local_time(coach, 3, 10)
    weekday = ten_am.astimezone(ZoneInfo(coach.time_zone)).weekday()
    assert client.post(reverse("coaching:hours"), {"weekday": weekday, "start_time": "10:00", "end_time": "11:00"}).status_code == 302
    [owed] = OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES, payload__cause="new_hours")
    assert outbox.deliver(owed.pk) == "done"
    [offer] = waitlist.live_offers_of(alice)
    assert offer.starts_at == ten_am

    away = TimeOff.objects.create(coach=coach, starts_at=local_time(coach, 4, 0), ends_at=local_time(coach, 5, 0))
    assert client.post(reverse("coaching:time_off_remove", args=[away.pk])).status_code == 302
    assert list(OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES, payload__cause="time_off_removed").values_list(
        "payload__start", "payload__end")) == [(away.starts_at.isoformat(), away.ends_at.isoformat())]
