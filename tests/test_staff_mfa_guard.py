import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.access import role_required
from accounts.models import Role
from tests.factories import PASSWORD, AdminFactory, CoachUserFactory, session_with_second_step, with_mfa

pytestmark = pytest.mark.django_db


def test_coach_without_mfa_is_sent_to_mfa_setup(client):
    carol = CoachUserFactory(email="carol@example.com")
    client.force_login(carol)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_admin_without_mfa_cannot_reach_django_admin(client):
    erin = AdminFactory(email="erin@example.com")
    client.force_login(erin)
    for path in ["/admin/", "/admin/accounts/user/", "/admin/accounts/auditevent/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp")), path


def test_admin_with_mfa_reaches_django_admin(client):
    erin = with_mfa(AdminFactory(email="erin@example.com"))
    client.force_login(erin)
    assert client.get("/admin/").status_code == 200


def test_coach_with_mfa_is_still_not_an_admin(client, carol):
    client.force_login(carol)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get(response["Location"]).status_code == 403


def test_client_may_use_the_site_without_mfa(client, alice):
    client.force_login(alice)
    assert client.get(reverse("dashboard")).status_code == 200


def test_mfa_setup_page_itself_is_reachable_for_a_coach_without_mfa_after_a_fresh_password(client):
    CoachUserFactory(email="carol@example.com")
    response = client.post(reverse("account_login"), {"login": "carol@example.com", "password": PASSWORD})
    assert response.status_code == 302
    # Setting up a device asks for the password again, even right after signing in.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response.get("Location")
    assert b"Waypoint" in response.content


def test_role_guard_refuses_the_wrong_role(rf, alice, carol):
    @role_required(Role.COACH)
    def coach_page(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    from django.core.exceptions import PermissionDenied

    request = rf.get("/coach-only/")
    request.session = SessionStore()
    request.user = alice
    with pytest.raises(PermissionDenied):
        coach_page(request)
    request.user = carol
    request.session = session_with_second_step(carol)
    assert coach_page(request).content == b"ok"
