"""Playwright on Debian's Chromium (never a downloaded browser), and axe-core checks."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make test` installs it"
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from
    # test code here are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, timezone_id="America/Chicago")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_violations(page, *, tags=("wcag2a", "wcag2aa")):
    """Inject our copy of axe-core and return its violations as (id, impact, targets)."""
    assert AXE_JS.exists(), "axe-core is missing: `make test` installs it with npm"
    # Evaluated through DevTools, so our own CSP (rightly) does not block it.
    page.evaluate(AXE_JS.read_text() + "\n;true")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def main_menu(page):
    """The site's menu as the viewer sees it: on a phone it is folded under "Menu", so open it."""
    folded = page.locator(".nav-phone")
    if folded.is_visible():
        if folded.get_attribute("open") is None:
            folded.locator("summary").click()
        return page.get_by_role("navigation", name="Main menu")
    return page.get_by_role("navigation", name="Main", exact=True)


def sign_in_with_form(page, base_url, email, password, *, totp_secret=None):
    """Sign in as a person would: the log-in form, then (for staff) the current two-step code."""
    from tests.totp import totp_now

    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(totp_now(totp_secret))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base_url + "/me/")


def sign_in(page, live_server, user):
    """`user` signed in for `page` without the form (the form and its second step are tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
