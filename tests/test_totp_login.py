import pytest
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET
from tests.totp import totp_now

pytestmark = pytest.mark.django_db


def test_admin_logs_in_with_password_then_a_totp_code(client, erin):
    response = client.post(reverse("account_login"), {"login": erin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(erin.pk)
    assert client.get("/admin/").status_code == 200


def test_a_wrong_totp_code_is_refused(client, carol):
    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    good = totp_now(TOTP_SECRET)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in response.content.decode()
