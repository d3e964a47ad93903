"""allauth's e-mails speak as Waypoint (no "Hello from 127.0.0.1:8000!"), and the
check-your-e-mail page sends the link again."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGN_UP = {"email": "frank@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}


def test_the_sign_up_email_is_ours(client, mailoutbox):
    client.post(reverse("account_signup"), SIGN_UP)
    [message] = mailoutbox
    assert message.subject == "Waypoint: Confirm your e-mail address"
    assert message.body.startswith("Hello,\n\nPlease confirm that this is your e-mail address for Waypoint by opening this link:\n\nhttp")
    assert "The Waypoint team" in message.body
    words = re.sub(r"https?://\S+", "", message.body)  # the link names the site it was asked from
    for stock in ("Hello from", "Thank you for using", "testserver", "127.0.0.1", "You're receiving"):
        assert stock not in words, stock


def test_the_password_reset_email_is_ours(client, alice, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    [message] = mailoutbox
    assert message.subject == "Waypoint: Choose a new password"
    assert message.body.startswith("Hello,\n\nSomeone, probably you, asked to choose a new password")
    assert "Hello from" not in message.body and "testserver" not in re.sub(r"https?://\S+", "", message.body)


def test_the_check_your_email_page_sends_the_link_again(client, mailoutbox):
    client.post(reverse("account_signup"), SIGN_UP)
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:resend_verification")}">' in page
    assert "Send the link again" in page

    # Straight away, allauth's limit (one link every few minutes) holds it back, and says so.
    response = client.post(reverse("accounts:resend_verification"), follow=True)
    assert len(mailoutbox) == 1
    assert "Please wait a few minutes" in response.content.decode()

    cache.clear()  # the few minutes have passed
    response = client.post(reverse("accounts:resend_verification"))
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["frank@example.com"]
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[1].body)


def test_sending_again_without_a_sign_up_in_this_browser_sends_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:resend_verification"))
    assert response["Location"] == reverse("account_login")
    assert mailoutbox == []
