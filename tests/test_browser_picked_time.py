"""A visitor picks a time on a coach's page on a phone: sign-up comes first, and the time
is kept and offered again once Frank has signed up and sent his intake."""

import pytest

from accounts.models import User
from clients.models import Intake
from tests.browser import axe_violations
from tests.factories import IntakeFactory, bookable_coach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.intake_gate]


def test_a_visitor_picks_a_time_signs_up_and_sees_it_again(live_server, page, carol):
    coach, paid = bookable_coach(carol)
    page.goto(f"{live_server.url}/coaches/{coach.pk}/?type={paid.pk}")
    slot = page.locator("a.slot").first
    picked_label = slot.get_attribute("aria-label")
    slot.click()
    page.wait_for_url("**/accounts/signup/?next=*")
    assert axe_violations(page) == []

    page.get_by_label("Email").fill("frank@example.com")
    page.locator("input[name=password1]").fill("a-long-pass-phrase-42")
    page.locator("input[name=password2]").fill("a-long-pass-phrase-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("button", name="Send the link again").is_visible()

    # Verified elsewhere in this test; the same browser session keeps the picked time.
    frank = User.objects.get(email="frank@example.com")
    frank.emailaddress_set.update(verified=True)
    IntakeFactory(client=frank, status=Intake.Status.SUBMITTED, preferred_name="Frank")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("frank@example.com")
    page.get_by_label("Password").fill("a-long-pass-phrase-42")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server.url + "/me/")
    section = page.get_by_role("region", name="The time you picked")
    assert picked_label.split(" on ", 1)[1] in section.inner_text()
    assert "after your intake is reviewed" in section.inner_text()
    assert axe_violations(page) == []
