import pytest

from accounts.models import User
from clients import progress
from clients.models import GoalKind
from tests.browser import axe_violations, main_menu
from tests.factories import PASSWORD
from tests.test_browser_progress_check_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alice_reads_her_data_then_deletes_her_account(live_server, page, alice):
    progress.add_goal(alice, kind=GoalKind.MEDICATION_DAILY, own_words="morning dose with coffee")
    sign_in(page, live_server, alice)
    main_menu(page).get_by_role("link", name="Account").click()
    page.get_by_role("link", name="See and download your data").click()
    page.wait_for_url("**/client/my-data/")
    assert page.get_by_text("Your choices of what to track, 1 goal.").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Your progress log").click()
    page.wait_for_url("**/client/my-data/progress-log/")
    assert page.get_by_role("heading", name="Your progress log", level=1).is_visible()
    assert page.get_by_text("morning dose with coffee").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Back to all your data").click()
    page.wait_for_url("**/client/my-data/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as a file (JSON)").click()
    assert download.value.suggested_filename.startswith("waypoint-my-data-")

    page.get_by_role("link", name="delete your account").click()
    assert axe_violations(page) == []
    page.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Your account and personal data are deleted.").is_visible()
    assert User.objects.get(pk=alice.pk).is_active is False
