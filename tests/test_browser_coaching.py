"""The coach page, directory and a coach's own pages in Chromium on a phone, checked with axe."""

from datetime import time

import pytest

from tests.browser import axe_violations, sign_in
from tests.factories import CoachProfileFactory, SessionTypeFactory, TimeOffFactory, WeeklyHoursFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def carol_profile(carol):
    profile = CoachProfileFactory(
        user=carol, display_name="Carol Rivera", pronouns="she/her", bio="We start where you are.", time_zone="America/New_York", specialties=["alcohol"]
    )
    SessionTypeFactory(coach=profile, name="Free intro call", duration_minutes=20, price_cents=0)
    SessionTypeFactory(coach=profile, name="Coaching session", duration_minutes=50, price_cents=6000)
    for weekday in range(7):
        WeeklyHoursFactory(coach=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    return profile


def test_a_first_visit_is_redrawn_in_the_browsers_zone(live_server, page, carol_profile):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/coaches/{carol_profile.pk}/")
    # The server first knew no zone (UTC); the page asks once more with the browser's.
    expect(page.locator(".zone-form")).to_contain_text("Times are shown in America/Chicago")


def test_a_visitor_finds_carol_and_changes_the_time_zone(live_server, page, carol_profile):
    page.goto(live_server.url + "/coaches/")
    assert axe_violations(page) == []
    page.get_by_label("Focus").select_option("alcohol")
    page.get_by_role("button", name="Show coaches").click()
    page.get_by_role("link", name="See Carol Rivera's open times").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Carol Rivera (she/her)"
    # The browser (Chicago) told the server its zone; the first slot link reads as words.
    assert "Times are shown in America/Chicago" in page.locator(".zone-form").inner_text()
    first = page.locator("a.slot").first
    assert first.get_attribute("aria-label").startswith("Book Free intro call on ")
    assert first.get_attribute("href").startswith(f"/bookings/new/?coach={carol_profile.pk}&type=")
    assert axe_violations(page) == []

    page.get_by_label("Show times in").select_option("Europe/London")
    page.get_by_role("button", name="Change time zone").click()
    assert "Times are shown in Europe/London" in page.locator(".zone-form").inner_text()
    page.reload()  # the choice sticks; the browser's own zone does not overwrite it
    assert "Times are shown in Europe/London" in page.locator(".zone-form").inner_text()


def test_the_zone_box_offers_every_place_once_the_visitor_starts_typing(live_server, page, carol_profile):
    """The list of every zone is not in the page: it comes into the box's list when the box
    is first used, and what is typed there still wins over the short list."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/coaches/{carol_profile.pk}/")
    names = page.locator("#id_zone_names option")
    assert names.count() == 0
    box = page.get_by_label("Not in the list? Type a city, country or zone")
    box.focus()
    expect(names.first).to_be_attached()
    assert names.count() > 400 and page.locator('#id_zone_names option[value="Europe/Oslo"]').count() == 1
    box.fill("Oslo")
    page.get_by_role("button", name="Change time zone").click()
    expect(page.locator(".zone-form")).to_contain_text("Times are shown in Europe/Oslo")
    assert axe_violations(page) == []


def test_carol_reads_her_week_and_hours_on_a_phone(live_server, page, carol, carol_profile):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    TimeOffFactory(coach=carol_profile, starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=1, hours=2))
    sign_in(page, live_server, carol)
    page.goto(live_server.url + "/coaches/calendar/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your week"
    # Seven days, or on a Sunday eight (this one and the coming week).
    assert page.locator(".grid-day").count() == (8 if timezone.now().astimezone(ZoneInfo("America/New_York")).weekday() == 6 else 7)
    # One column on a phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    for path in ["/coaches/settings/hours/", "/coaches/settings/time-off/", "/coaches/settings/session-types/", "/coaches/settings/", "/coaches/settings/booking-rules/"]:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path


def test_another_week_and_session_type_come_without_reloading_the_page(live_server, page, carol_profile):
    import re

    from playwright.sync_api import expect

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/coaches/{carol_profile.pk}/")
    expect(page.locator(".zone-form")).to_contain_text("Times are shown in America/Chicago")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.stillTheSamePage = true")
    heading = page.locator("#open-times-heading")
    this_week = heading.inner_text()

    page.get_by_role("link", name="Next week").click()
    expect(page).to_have_url(re.compile(r"\?type=\d+&week=1$"))
    expect(heading).not_to_have_text(this_week)
    expect(heading).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True

    page.get_by_label("Session").select_option(label="Coaching session (50 min)")
    expect(heading).to_contain_text("Coaching session: ")
    assert page.evaluate("window.stillTheSamePage") is True
    paid = carol_profile.session_types.get(name="Coaching session")
    # Changing the zone now comes back to the times on screen.
    assert page.locator("#zone-next").get_attribute("value") == f"/coaches/{carol_profile.pk}/?type={paid.pk}"
    assert axe_violations(page) == []
    assert errors == []  # a CSP refusal (an inline style or script) would show here


def test_the_week_links_work_without_javascript(live_server, chromium, carol_profile):
    context = chromium.new_context(java_script_enabled=False, timezone_id="America/Chicago")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/coaches/{carol_profile.pk}/")
        this_week = page.locator("#open-times-heading").inner_text()
        page.get_by_role("link", name="Next week").click()
        page.wait_for_url("**week=1")
        assert page.locator("#open-times-heading").inner_text() != this_week
        page.get_by_label("Session").select_option(label="Coaching session (50 min)")
        page.get_by_role("button", name="Show times").click()
        page.wait_for_url("**?type=*")
        assert page.locator("#open-times-heading").inner_text().startswith("Coaching session: ")
    finally:
        context.close()
