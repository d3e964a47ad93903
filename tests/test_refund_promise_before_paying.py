"""Alice is told, before she pays, until when she can cancel with all her money back, in
her own zone; a time already inside the cancellation notice says plainly that it can be
neither refunded nor moved. Carol is warned when her minimum notice is shorter than her
cancellation notice, which is what puts such times on sale."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings import availability
from core.wording import when_in_words
from tests.browser import axe_violations
from tests.factories import bookable_coach, local_time
from tests.test_browser_progress_check_in import sign_in


def _review(page, live_server, coach, session_type, start):
    page.goto(f"{live_server.url}/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={start:%Y-%m-%dT%H:%M:%SZ}")
    return page.locator("#refund-promise").inner_text()


def _first_open_time_within(coach, session_type, hours):
    now = timezone.now()
    return availability.open_slots(coach, session_type, now, now + timedelta(hours=hours), now=now)[0]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_sees_the_exact_refund_deadline_or_that_there_is_none_before_paying(live_server, page, alice, carol):
    coach, session_type = bookable_coach(carol, min_notice_hours=1)
    sign_in(page, live_server, alice)
    chicago = ZoneInfo("America/Chicago")

    later = local_time(coach, 4, 10)
    deadline = when_in_words(later - timedelta(hours=24), chicago)
    assert _review(page, live_server, coach, session_type, later) == (
        f"Free to cancel until {deadline} (America/Chicago time): cancel by then and you get all your money back."
    )
    assert axe_violations(page) == []

    soon = _first_open_time_within(coach, session_type, 23)
    assert _review(page, live_server, coach, session_type, soon) == (
        "This session starts in less than 1 day, so once it is paid for it cannot be refunded or moved to another time."
    )
    assert axe_violations(page) == []
    # The pay page says it again, after the hold and before the card.
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    assert page.locator("#refund-promise").inner_text().startswith("This session starts in less than 1 day")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Choose another time").click()


def test_carol_is_warned_when_her_minimum_notice_is_shorter_than_her_cancellation_notice(client, carol):
    coach, session_type = bookable_coach(carol, min_notice_hours=12)
    client.force_login(carol)
    for url in ("/coaches/settings/booking-rules/", "/coaches/settings/session-types/"):
        page = client.get(url).content.decode()
        assert "Clients can book as little as 12 hours ahead, but:" in page
        assert "One-to-one session is free to cancel only up to 24 hours before." in page

    coach.min_notice_hours = 24
    coach.save()
    assert 'id="notice-gap"' not in client.get("/coaches/settings/booking-rules/").content.decode()


def test_a_free_session_inside_the_notice_says_it_cannot_be_moved(client, alice, carol):
    coach, session_type = bookable_coach(carol, min_notice_hours=1, price_cents=0)
    soon = _first_open_time_within(coach, session_type, 23)
    client.force_login(alice)
    page = client.get(
        f"/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={soon:%Y-%m-%dT%H:%M:%SZ}"
    ).content.decode()
    assert "so once it is booked it cannot be moved to another time." in page
