"""Each role's dashboard on a phone: what is next, readable, no sideways scroll, no axe violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.models import Status
from clients.models import Intake
from tests.browser import axe_violations
from tests.factories import ClientFactory, IntakeFactory, bookable_coach, past_session
from tests.test_browser_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_dashboard_shows_what_is_next_on_a_phone(live_server, page, alice, carol, erin):
    coach, session_type = bookable_coach(carol)
    IntakeFactory(client=alice, status=Intake.Status.APPROVED, preferred_name="Ali")
    past_session(coach, session_type, alice, hours=-5 / 60)  # starts in five minutes
    IntakeFactory(is_urgent=True, client=ClientFactory(name="Bob Lee"), submitted_at=timezone.now() - timedelta(hours=1))
    past_session(coach, session_type, ClientFactory(), days_ago=2, status=Status.COMPLETED)

    sign_in(page, live_server, alice)
    page.goto(live_server.url + "/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Ali"
    assert page.get_by_role("link", name="Join the session").get_attribute("href") == "https://meet.example.org/room"
    assert page.get_by_role("link", name="Book a session").is_visible()
    checked = [("alice", axe_violations(page), page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))]

    for who, heading, text in [(carol, "Today, Carol Rivera", "1 past session still needs"), (erin, "Welcome, Erin Admin", "Bob Lee")]:
        page.context.clear_cookies()
        sign_in(page, live_server, who)
        page.goto(live_server.url + "/me/")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert text in page.locator("main").inner_text()
        checked.append((who.email, axe_violations(page), page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")))
    assert [(who, violations, fits) for who, violations, fits in checked] == [
        (who, [], True) for who, _, _ in checked
    ]
