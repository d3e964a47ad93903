"""On a phone: Alice's sessions list keeps a cancelled future session out of "Before", and
while her intake waits for review the coach page marks paid times instead of refusing her."""

import pytest
from django.utils import timezone

from bookings.models import Booking, CancelledBy, Status
from clients.models import Intake
from tests.browser import axe_violations
from tests.factories import IntakeFactory, bookable_coach, past_session
from tests.test_browser_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.intake_gate]


def test_alices_sessions_and_a_coach_page_while_her_intake_waits(live_server, page, alice, carol):
    coach, paid = bookable_coach(carol)
    IntakeFactory(client=alice, status=Intake.Status.SUBMITTED)
    ahead = past_session(coach, paid, alice, hours=-48)
    Booking.objects.filter(pk=ahead.pk).update(status=Status.CANCELLED, cancelled_by=CancelledBy.CLIENT, cancelled_at=timezone.now())
    sign_in(page, live_server, alice)

    page.goto(live_server.url + "/bookings/")
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["Coming up", "Waitlists", "Cancelled", "Before"]
    assert page.locator("main ul.booking-list").nth(0).inner_text().endswith("Cancelled by you")
    assert page.locator("main").inner_text().endswith("No past sessions.")
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/coaches/{coach.pk}/?type={paid.pk}")
    assert page.locator("#after-review").inner_text() == "These times open to you after your intake is reviewed."
    assert page.locator("a.slot").count() == 0 and page.locator(".slot.open-time").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
