"""Two-step sign-in is proven by this log-in, not by the account: a session that signed
in with a password alone does not become trusted because a device was added elsewhere.
Turning the second step on or off re-keys this session and ends the others; setting up
a device needs a fresh password; refused requests do not keep a session alive."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import AuditEvent
from tests.factories import PASSWORD, TOTP_SECRET, CoachUserFactory
from tests.totp import totp_now

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_password_only_session_is_not_trusted_once_a_device_is_added_elsewhere(client):
    carol = CoachUserFactory(email="carol@example.com")
    sign_in_with_password(client, carol)
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("mfa_activate_totp"))

    # Someone (Carol on her phone, or whoever holds her password) enrols a device elsewhere.
    TOTP.activate(carol, TOTP_SECRET)

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/me/"
    assert signed_in_as(client) is None


def test_a_log_in_that_passed_the_code_reaches_staff_pages(client, carol):
    sign_in_with_password(client, carol)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)})
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("coaching:calendar")).status_code == 200


def enrol(client, user):
    """Carol sets up her first device in this session: password again, then a code."""
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    return client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})


def test_setting_up_a_device_needs_the_password_again_even_just_after_signing_in(client):
    carol = CoachUserFactory(email="carol@example.com")
    sign_in_with_password(client, carol)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert not Authenticator.objects.filter(user=carol).exists()


# allauth acts on an enrolment once it commits: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_turning_the_second_step_on_rekeys_this_session_and_ends_the_others(client):
    carol = CoachUserFactory(email="carol@example.com")
    laptop = Client()
    sign_in_with_password(laptop, carol)
    sign_in_with_password(client, carol)
    key_before = client.session.session_key

    response = enrol(client, carol)
    assert response.status_code == 302
    assert client.session.session_key != key_before
    # The session that enrolled proved the code: it is trusted.
    assert client.get(reverse("coaching:calendar")).status_code == 200
    # The laptop signed in with a password alone, before the device: it is signed out.
    assert laptop.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))
    assert signed_in_as(laptop) is None
    assert list(AuditEvent.objects.filter(action="account.second_step_added").values_list("details__type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]


def test_turning_the_second_step_off_rekeys_this_session_and_ends_the_others(client, erin):
    phone = Client()
    phone.force_login(erin)
    client.force_login(erin)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    key_before = client.session.session_key

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=erin, type=Authenticator.Type.TOTP).exists()
    assert client.session.session_key != key_before
    assert signed_in_as(client) == str(erin.pk)
    assert phone.get(reverse("dashboard"))["Location"].startswith(reverse("account_login"))
    assert signed_in_as(phone) is None
    assert list(AuditEvent.objects.filter(action="account.second_step_removed").values_list("actor", "details")) == [
        (erin.pk, {"type": "totp"})
    ]


def seen_minutes_ago(client, minutes):
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()
    return session[LAST_SEEN_KEY]


def test_a_page_the_guard_refuses_does_not_count_as_activity(client, carol):
    client.force_login(carol)
    before = seen_minutes_ago(client, 20)
    assert client.get(reverse("bookings:manage")).status_code == 403
    assert client.session[LAST_SEEN_KEY] == before
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session[LAST_SEEN_KEY] != before


def test_a_password_only_session_polling_refused_pages_still_times_out(client):
    carol = CoachUserFactory(email="carol@example.com")
    sign_in_with_password(client, carol)
    before = seen_minutes_ago(client, 20)
    assert client.get(reverse("coaching:calendar"))["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.session[LAST_SEEN_KEY] == before


def test_the_idle_sign_out_keeps_the_whole_address_to_come_back_to(client, carol):
    client.force_login(carol)
    seen_minutes_ago(client, 31)
    response = client.get("/coaches/calendar/?week=2&x=a&y=b")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fcoaches%2Fcalendar%2F%3Fweek%3D2%26x%3Da%26y%3Db"
