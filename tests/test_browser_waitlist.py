"""The waitlist in Chromium on a phone, checked with axe: Alice finds no time that suits
her on Carol's page, joins the waitlist, is offered a freed time and books it; Carol sees
who waits on her calendar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import transitions, waitlist
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer
from tests.browser import axe_violations, sign_in
from tests.factories import ClientFactory, bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_a_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_alice_joins_carols_waitlist_is_offered_a_time_and_books_it(live_server, page, alice, carol):
    coach, session_type = bookable_coach(carol)
    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/coaches/{coach.pk}/")
    page.get_by_role("link", name="Join Carol Rivera's waitlist").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Wait for a time with Carol Rivera"
    assert fits_a_phone(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Join the waitlist").click()  # nothing chosen for the time of day
    assert "Please choose at least one time of day." in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Mornings (before noon)").check()
    page.get_by_role("button", name="Join the waitlist").click()

    assert "You are on Carol Rivera's waitlist." in page.content()
    assert "any day, mornings (America/Chicago time)" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    entry = WaitlistEntry.objects.get(client=alice)
    assert (entry.weekdays, entry.parts_of_day) == (list(range(7)), ["morning"])

    # 10 am in New York is 9 am in Chicago: one of Alice's mornings. Someone cancels it.
    booking = demo_paid(transitions.place_hold(ClientFactory(), session_type, local_time(coach, 3, 10)))
    transitions.cancel(booking, by="client")
    [offer] = waitlist.offer_open_times(coach.pk, booking.blocked_from, booking.blocked_until)

    page.goto(f"{live_server.url}/bookings/")
    page.get_by_role("link", name=page.locator("#offers-heading + ul a").inner_text()).click()
    assert page.get_by_role("heading", level=1).inner_text() == "A time has opened up for you"
    assert fits_a_phone(page)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Book this time").click()
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN


def test_carol_sees_who_waits_on_her_calendar(live_server, page, carol, alice, bob):
    coach, session_type = bookable_coach(carol)
    until = timezone.localdate() + timedelta(days=20)
    waitlist.join(alice, session_type, weekdays=[0, 2], parts_of_day=["morning"], until=until)
    waitlist.join(bob, session_type, weekdays=[5], parts_of_day=["afternoon", "evening"], until=until)
    sign_in(page, live_server, carol)
    page.goto(live_server.url + "/coaches/calendar/")
    assert "2 people are waiting for a time with you." in page.locator("main").inner_text()
    assert fits_a_phone(page)
    assert axe_violations(page) == []
    assert WaitlistOffer.objects.count() == 0
