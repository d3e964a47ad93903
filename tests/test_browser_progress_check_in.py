import pytest

from clients.models import CheckIn
from tests.browser import axe_violations, main_menu
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server.url + "/me/")


def test_alice_chooses_what_to_track_sets_a_goal_and_checks_in_on_her_phone(live_server, page, alice):
    sign_in(page, live_server, alice)
    main_menu(page).get_by_role("link", name="Progress").click()
    page.wait_for_url(live_server.url + "/client/progress/settings/")
    assert axe_violations(page) == []
    page.get_by_label("Alcohol").check()
    page.get_by_label("Cannabis").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(live_server.url + "/client/progress/")

    page.get_by_role("link", name="Your goals").click()
    page.get_by_label("Kind of goal").select_option("alcohol_free_days")
    page.get_by_label("Number (drinks a day, or days a week)").fill("3")
    page.get_by_label("In your own words (optional)").fill("Weekends off")
    page.get_by_role("button", name="Add this goal").click()
    assert page.get_by_text("Your goal is saved.").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Back to your progress").click()
    page.get_by_role("link", name="Check in for today").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Standard drinks today").fill("0")
    page.get_by_role("group", name="Did you use cannabis today?").get_by_label("No").check()
    page.get_by_label("Cravings today, from 0 (none) to 10 (very strong)").fill("3")
    page.get_by_role("group", name="Mood").get_by_label("Good", exact=True).check()
    page.get_by_label("Anything you want to remember").fill("Walked to work")
    page.get_by_role("button", name="Save my check-in").click()

    page.wait_for_url(live_server.url + "/client/progress/")
    assert page.get_by_text("1 alcohol-free day this week — your goal was 3.").is_visible()
    assert page.get_by_role("img", name="3 alcohol-free days a week: days per week").is_visible()
    assert axe_violations(page) == []
    entry = CheckIn.objects.get(client=alice)
    assert (entry.cravings, entry.mood, entry.note.reveal()) == (3, 4, "Walked to work")
    assert [(u.substance, u.used) for u in entry.uses.all()] == [("alcohol", False), ("cannabis", False)]
