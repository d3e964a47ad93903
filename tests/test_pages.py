import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PUBLIC_PAGES = ["home", "crisis", "account_login", "account_signup", "account_reset_password"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_links_to_help_now(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a class="help-now" href="{reverse("crisis")}">Need help now?</a>' in html


def test_crisis_page_gives_988_samhsa_911_and_naloxone(client):
    html = client.get(reverse("crisis")).content.decode()
    for needle in ['href="tel:988"', 'href="sms:988"', "1-800-662-4357", 'href="tel:911"', "Naloxone"]:
        assert needle in html, needle


def test_landing_page_says_what_waypoint_is_without_shame(client):
    html = client.get(reverse("home")).content.decode()
    assert "meets you where you are" in html
    for word in ["addict", "abuser", "clean", "dirty"]:
        assert re.search(rf"\b{word}\b", html, re.IGNORECASE) is None, word


def test_pages_send_a_strict_content_security_policy_and_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_our_templates_have_no_inline_scripts_styles_or_third_party_assets():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path}: inline script")
        if re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(f"{path}: inline style")
        if re.search(r"(src|href)=\"(https?:)?//", text):
            offenders.append(f"{path}: third-party asset")
        if re.search(r"\son(click|load|change|submit)=", text):
            offenders.append(f"{path}: inline handler")
    assert offenders == []


def test_anonymous_visitor_is_sent_to_log_in_from_their_space(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
