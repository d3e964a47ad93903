"""Carol's calendar in Chromium: a time grid on a desktop (hours down, days across) whose
session blocks link to the booking and name Ali as she asked; a list of days on a phone
without sideways scrolling; and time off over a session asks first. Checked with axe."""

from zoneinfo import ZoneInfo

import pytest

from bookings import transitions
from bookings.models import Booking, Status
from coaching.models import TimeOff
from tests.browser import axe_violations, sign_in
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def alis_session(alice, carol):
    alice.preferred_name, alice.pronouns = "Ali", "she/her"
    alice.save()
    coach, session_type = bookable_coach(carol)
    return demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 1, 10)))


def test_carols_week_is_a_time_grid_on_a_desktop_and_a_list_of_days_on_a_phone(live_server, page, carol, alis_session):
    sign_in(page, live_server, carol)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/coaches/calendar/")

    block = page.get_by_role("link", name="Session with Ali (she/her)")
    day = alis_session.starts_at.astimezone(ZoneInfo("America/New_York"))
    heading = page.get_by_role("heading", name=f"{day:%A} {day.day} {day:%B}")
    ten = page.locator(".hour-label", has_text="10:00 am")
    headings = page.locator(".grid-day h2").all()
    # Days across: every day's name on one line, left to right.
    assert len({round(h.bounding_box()["y"] + h.bounding_box()["height"]) for h in headings}) == 1
    assert [h.bounding_box()["x"] for h in headings] == sorted(h.bounding_box()["x"] for h in headings)
    # Hours down: the 10 am session sits in its day's column, level with 10 am, below 9 am.
    box, column, label = block.bounding_box(), heading.bounding_box(), ten.bounding_box()
    assert column["x"] <= box["x"] < column["x"] + column["width"]
    assert abs(box["y"] - label["y"]) < 16
    assert box["y"] > page.locator(".hour-label", has_text="9:00 am").bounding_box()["y"] + 20
    assert page.evaluate(FITS)
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(FITS)
    assert not page.locator(".hour-label").first.is_visible()
    first, second = (h.bounding_box() for h in page.locator(".grid-day h2").all()[:2])
    assert abs(first["x"] - second["x"]) < 3 and second["y"] > first["y"] + first["height"]
    assert axe_violations(page) == []

    page.get_by_role("link", name="Session with Ali (she/her)").click()
    page.wait_for_url(f"{live_server.url}/bookings/{alis_session.pk}/")
    assert page.get_by_text("Ali (she/her)").first.is_visible()


def test_time_off_over_alis_session_asks_first_then_keeps_it(live_server, page, carol, alis_session):
    sign_in(page, live_server, carol)
    page.goto(f"{live_server.url}/coaches/settings/time-off/")
    day = alis_session.starts_at.astimezone(ZoneInfo("America/New_York")).date()
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_role("button", name="Add time off").click()

    assert page.get_by_role("heading", name="You have a session in this time").is_visible()
    assert page.get_by_role("link", name=alis_session.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%A")).count() == 1
    assert page.get_by_text("with Ali (she/her)").is_visible()
    assert TimeOff.objects.count() == 0
    assert page.evaluate(FITS)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add the time off and keep it").click()
    assert page.get_by_text("Time off added. You kept 1 session in it.").is_visible()
    assert TimeOff.objects.count() == 1
    assert Booking.objects.get(pk=alis_session.pk).status == Status.CONFIRMED


def test_carol_turns_off_the_e_mails_about_holds_on_her_e_mails_page(live_server, page, carol):
    from bookings.models import ReminderPreference
    from bookings.notices import CoachNoticeKind

    sign_in(page, live_server, carol)
    page.goto(f"{live_server.url}/bookings/reminders/")
    assert page.get_by_role("heading", name="Your e-mails").is_visible()
    assert page.get_by_role("group", name="E-mail me when…").get_by_role("checkbox").count() == 4
    assert axe_violations(page) == []
    page.get_by_label("A client starts booking a paid session").uncheck()
    page.get_by_role("button", name="Save").click()

    assert page.get_by_text("Saved.").is_visible()
    assert not page.get_by_label("A client starts booking a paid session").is_checked()
    assert page.get_by_label("A session is moved to another time").is_checked()
    assert ReminderPreference.objects.get(user=carol).coach_notices_off == [CoachNoticeKind.HELD]
    assert page.evaluate(FITS)
