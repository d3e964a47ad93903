import pytest
from django.conf import settings
from django.test import Client

from bookings.models import SessionNote, Status
from core.models import OwedWork
from tests.browser import axe_violations
from tests.factories import bookable_coach, past_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page, live_server, user):
    """A signed-in session for `user` (carol's two-step sign-in is tested elsewhere)."""
    django_client = Client()
    django_client.force_login(user)
    cookie = django_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])


def test_carol_writes_and_signs_a_note_after_the_session_and_alice_reads_the_summary(live_server, page, alice, carol):
    booking = past_session(*bookable_coach(carol), alice, hours=2)

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
    assert page.get_by_role("heading", name="Sign and lock this note?").is_visible()
    assert page.get_by_text("Signing cannot be undone.").is_visible()
    assert SessionNote.objects.get(booking=booking).signed_at is None
    assert axe_violations(page) == []
    page.get_by_role("link", name="No, keep editing").click()
    assert page.get_by_label("Plan (private)").input_value() == "Revisit sleep routine."
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_role("button", name="Yes, sign and lock").click()
    assert page.get_by_text("Signed and locked.").first.is_visible()
    banner = page.locator("p.notice")
    assert banner.get_attribute("role") == "status"
    assert "Signed by Carol Rivera on" in banner.inner_text()
    # Done reads green (the site's "ok" colour), not the orange of a warning.
    assert banner.evaluate("el => getComputedStyle(el).borderLeftColor") == "rgb(30, 107, 58)"
    assert list(OwedWork.objects.filter(kind="booking.summary_shared").values_list("payload", flat=True)) == [
        {"booking_id": booking.pk}
    ]
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


def test_the_client_record_shared_log_and_admin_note_pages_pass_axe(live_server, page, alice, carol, erin):
    from clients.models import ProgressSettings
    from bookings import notes

    booking = past_session(*bookable_coach(carol), alice, days_ago=2, status=Status.COMPLETED)
    notes.use_note(carol, booking, notes.SIGN, private={"data": "Private words."}, summary="Shared words.")
    ProgressSettings.objects.create(client=alice, substances=["alcohol"], share_with_coach=True)

    log_in_as(page, live_server, carol)
    page.goto(f"{live_server.url}/coaches/clients/{alice.pk}/")
    assert page.get_by_role("heading", name="Alice Moreno", level=1).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Read the progress log").click()
    assert page.get_by_role("heading", name="Progress log of Alice Moreno").is_visible()
    assert axe_violations(page) == []

    log_in_as(page, live_server, erin)
    page.goto(f"{live_server.url}/coaches/notes/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="History").first.click()
    assert page.get_by_role("cell", name="note.signed").is_visible()
    assert page.get_by_text("Private words.").count() == 0 and page.get_by_text("Shared words.").count() == 0
    assert axe_violations(page) == []


def test_carol_records_a_no_show_days_after_the_clock_completed_the_session(live_server, page, alice, carol):
    from bookings.tasks import complete_past_sessions

    booking = past_session(*bookable_coach(carol), alice, days_ago=3)
    complete_past_sessions()
    log_in_as(page, live_server, carol)
    page.goto(live_server.url + "/coaches/sessions/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Missed").first.click()

    assert page.get_by_text("Marked as missed.").is_visible()
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW
