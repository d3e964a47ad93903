import pytest
from django.conf import settings
from django.test import Client

from bookings.models import Status
from tests.browser import axe_violations
from tests.notes_setup import coach_with_profile, past_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page, live_server, user):
    """A signed-in session for `user` (carol's two-step sign-in is tested elsewhere)."""
    django_client = Client()
    django_client.force_login(user)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_carol_writes_and_signs_a_note_after_the_session_and_alice_reads_the_summary(live_server, page, alice, carol):
    booking = past_session(*coach_with_profile(carol), alice, hours=2)

    log_in_as(page, live_server, carol)
    page.goto(live_server.url + "/coaches/sessions/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Completed").first.click()
    page.wait_for_url(f"{live_server.url}/coaches/sessions/{booking.pk}/note/")
    page.get_by_role("link", name="SOAP (subjective, objective, assessment, plan)").click()
    page.get_by_label("Subjective (private)").fill("Sleeping badly since the new shifts.")
    page.get_by_label("Plan (private)").fill("Revisit sleep routine.")
    page.get_by_label("Summary (shared with the client)").fill("We looked at how your new shifts affect your evenings.")
    page.get_by_label("Homework (shared with the client)").fill("Note when the urge comes, and what helped.")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Draft saved.").is_visible()
    assert page.get_by_label("Subjective (private)").input_value() == "Sleeping badly since the new shifts."
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign and lock").click()
    assert page.get_by_text("Signed and locked.").is_visible()
    assert page.get_by_text("Signed by Carol Rivera on").is_visible()
    assert page.get_by_role("button", name="Sign and lock").count() == 0
    assert axe_violations(page) == []
    booking.refresh_from_db()
    assert booking.status == Status.COMPLETED

    log_in_as(page, live_server, alice)
    page.goto(live_server.url + "/me/")
    page.get_by_role("link", name="Session summaries from your coach").click()
    page.get_by_role("link", name="with Carol Rivera").click()
    assert page.get_by_role("heading", name="Your session summary").is_visible()
    assert page.get_by_text("We looked at how your new shifts affect your evenings.").is_visible()
    assert page.get_by_text("Note when the urge comes, and what helped.").is_visible()
    assert page.get_by_text("Sleeping badly").count() == 0
    assert axe_violations(page) == []
