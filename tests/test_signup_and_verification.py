import re

import pytest
from django.urls import reverse

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_new_person_signs_up_verifies_email_then_logs_in(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "frank@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    frank = User.objects.get(email="frank@example.com")
    assert frank.role == Role.CLIENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["frank@example.com"]
    assert "@" not in mailoutbox[0].subject  # the subject never carries personal details

    # Not verified yet: logging in sends them back to the "check your e-mail" page.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "frank@example.com", "password": "a-long-pass-phrase-42"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert frank.emailaddress_set.get().verified is True

    client.logout()
    response = client.post(reverse("account_login"), {"login": "frank@example.com", "password": "a-long-pass-phrase-42"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_up_refuses_a_weak_password_with_a_clear_message(client):
    response = client.post(reverse("account_signup"), {"email": "gina@example.com", "password1": "short", "password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="gina@example.com").exists()


def test_email_is_the_login_and_is_unique_case_insensitively(client, alice):
    response = client.post(
        reverse("account_signup"),
        {"email": "ALICE@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert response.status_code in (200, 302)
