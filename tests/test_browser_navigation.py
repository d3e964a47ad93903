"""One menu per role, a phone menu that opens without JavaScript, and the account page."""

import pytest

from tests.browser import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wide_menu(page):
    return page.locator("nav.nav-wide .nav-list > li")


def menu_names(page):
    return [" ".join(text.split()) for text in wide_menu(page).all_inner_texts()]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("alice", ["Your space", "Sessions", "Coaches", "Progress", "Your intake", "Messages", "Account", "Sign out"]),
        ("carol", ["Today", "Calendar", "Sessions and notes", "Clients", "Coach settings", "Messages", "Account", "Sign out"]),
        ("erin", ["Your space", "Intakes", "Bookings", "Notes", "Team", "Conversations", "Account", "Sign out"]),
    ],
)
def test_each_role_has_one_menu_on_one_line_without_duplicates(request, live_server, page, who, expected):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, request.getfixturevalue(who))
    page.goto(live_server.url + "/me/")
    assert menu_names(page) == expected
    hrefs = page.locator("nav.nav-wide a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs))
    # One line: every item of the menu sits on the same row.
    tops = wide_menu(page).evaluate_all("items => items.map(li => Math.round(li.getBoundingClientRect().top))")
    assert max(tops) - min(tops) <= 8, tops
    assert not page.locator(".nav-phone").is_visible()
    assert axe_violations(page) == []


def open_phone_menu_with_the_keyboard(page):
    summary = page.locator(".nav-phone > summary")
    assert summary.is_visible() and not page.locator("nav.nav-wide").is_visible()
    assert not page.locator(".nav-phone").get_by_role("link", name="Account", exact=True).is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".nav-phone").get_attribute("open") is not None
    account = page.locator(".nav-phone").get_by_role("link", name="Account", exact=True)
    assert account.is_visible()
    return account


def test_the_phone_menu_opens_from_the_keyboard_and_fits(live_server, page, carol):
    sign_in(page, live_server, carol)
    page.goto(live_server.url + "/me/")
    open_phone_menu_with_the_keyboard(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def test_the_phone_menu_works_without_javascript(live_server, chromium, alice):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, alice)
        page.goto(live_server.url + "/me/")
        open_phone_menu_with_the_keyboard(page).click()
        assert page.url == live_server.url + "/account/"
    finally:
        context.close()


@pytest.mark.parametrize("width, javascript", [(1280, True), (390, False)])
def test_sign_out_from_the_menu_signs_out_on_a_wide_screen_and_a_phone_without_javascript(live_server, chromium, alice, width, javascript):
    # The menu is drawn once per role and kept; its "Sign out" buttons submit the page's one
    # sign-out form, which carries this session's CSRF token.
    context = chromium.new_context(viewport={"width": width, "height": 844}, java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, live_server, alice)
        page.goto(live_server.url + "/me/")
        if width < 600:
            page.locator(".nav-phone > summary").click()
            menu = page.locator(".nav-phone")
        else:
            menu = page.locator("nav.nav-wide")
        menu.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        assert page.request.get(live_server.url + "/me/", max_redirects=0).status == 302
        assert page.locator("nav.nav-wide a", has_text="Sign in").count() == 1  # the visitor's menu now
    finally:
        context.close()


def test_a_visitor_sees_find_a_coach_in_the_menu(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    assert menu_names(page) == ["Find a coach", "Sign in", "Sign up"]


def test_alice_changes_her_name_and_time_zone_on_the_account_page(live_server, page, alice):
    sign_in(page, live_server, alice)
    page.goto(live_server.url + "/account/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="Your name").fill("Alice M.")
    page.get_by_label("Your time zone").select_option("Europe/London")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".messages").inner_text() == "Saved."
    alice.refresh_from_db()
    assert (alice.name, alice.time_zone) == ("Alice M.", "Europe/London")
    for name, path in [
        ("Change your e-mail address", "/accounts/email/"),
        ("Change your password", "/accounts/password/change/"),
        ("Manage two-step sign-in", "/accounts/2fa/"),
    ]:
        link = page.locator("main").get_by_role("link", name=name)
        assert link.get_attribute("href") == path
        assert page.request.get(live_server.url + path).status == 200, path


def test_a_visitor_finds_a_coach_from_the_home_page_on_a_phone(live_server, page, carol):
    from tests.factories import bookable_coach

    bookable_coach(carol)
    page.goto(live_server.url + "/")
    page.locator("main").get_by_role("link", name="Find a coach").click()
    page.wait_for_url(live_server.url + "/coaches/")
    card = page.locator(".coach-card").first
    assert card.locator(".avatar").inner_text() == "CR"
    facts = card.locator(".coach-facts").inner_text()
    assert facts.startswith("Price: sessions $60\nNext open time: ") and "(One-to-one session)" in facts
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
