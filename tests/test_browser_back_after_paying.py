"""After paying, Alice presses Back: she sees her booking, never a pay page that still
takes a card; Back once more, to the review page, shows the booking too."""

import pytest

from bookings.models import Booking, Status
from tests.bookings_setup import register_webhook
from tests.browser import axe_violations
from tests.factories import bookable_coach, local_time
from tests.test_browser_booking import hold_at, pay_with, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_after_paying_shows_the_booking_not_a_live_pay_page(live_server, page, localstripe, alice, carol):
    register_webhook(localstripe, live_server.url + "/bookings/stripe/webhook/")
    coach, session_type = bookable_coach(carol)
    sign_in(page, live_server, alice)
    hold_at(page, live_server, coach, session_type, local_time(coach, 4, 10))
    pay_with(page, "4242424242424242")
    page.wait_for_url("**/bookings/*/")
    booking = Booking.objects.get(client=alice)
    assert booking.status == Status.CONFIRMED
    detail = f"{live_server.url}/bookings/{booking.pk}/"
    assert page.url == detail

    page.go_back()
    page.wait_for_load_state()
    assert page.url == detail
    assert page.get_by_role("heading", level=1).inner_text().startswith("Session on ")
    assert page.locator("#payment-form").count() == 0
    assert axe_violations(page) == []

    page.go_back()
    page.wait_for_load_state()
    assert page.url == detail
    assert page.locator("#payment-form").count() == 0
