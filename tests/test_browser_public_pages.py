import pytest

from tests.browser import axe_violations
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/help-now/", "/accounts/signup/", "/accounts/login/"])
def test_public_pages_pass_axe_on_a_phone(live_server, page, path):
    page.goto(live_server.url + path)
    assert page.get_by_role("banner").get_by_role("link", name="Need help now?").is_visible()
    assert axe_violations(page) == []


def test_a_client_signs_in_with_the_keyboard(live_server, page, alice):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server.url + "/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Alice Moreno"
    assert axe_violations(page) == []
