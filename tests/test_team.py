"""Staff join by invitation: Erin invites from the Team page, the invitee chooses their
own password and then their own two-step sign-in; the link works once, for 48 hours.
Erin can change a role and deactivate someone there. Every change is audited."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import team
from accounts.models import AuditEvent, Invitation, Role, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-walk-by-the-river-2026"


def invite_by_page(client, erin, email="gina@example.com", role=Role.COACH):
    client.force_login(erin)
    return client.post(reverse("accounts:team"), {"email": email, "role": role})


def link_in(message):
    return re.search(r"https?://\S+/team/join/\S+/", message.body).group(0)


def path_of(link):
    return "/" + link.split("/", 3)[3]


def test_erin_invites_a_coach_who_chooses_her_own_password_and_then_sets_up_two_step(
    client, erin, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite_by_page(client, erin)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("gina@example.com", Role.COACH, erin)
    assert invitation.expires_at - invitation.created_at == timedelta(hours=48)
    assert [m.to for m in mailoutbox] == [["gina@example.com"]]
    assert mailoutbox[0].subject == "Waypoint: you are invited to join the team"
    link = link_in(mailoutbox[0])

    gina = Client()
    page = gina.get(path_of(link))
    assert page.status_code == 200
    assert sorted(page.context["form"].fields) == ["name", "password1", "password2"]
    response = gina.post(path_of(link), {"name": "Gina Park", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

    person = User.objects.get(email="gina@example.com")
    assert (person.name, person.role, person.is_active, person.check_password(NEW_PASSWORD)) == ("Gina Park", Role.COACH, True, True)
    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == [("gina@example.com", True, True)]
    # Signed in, and sent straight to choose her device (her password was just typed).
    assert gina.session["_auth_user_id"] == str(person.pk)
    assert gina.get(reverse("mfa_activate_totp")).status_code == 200
    assert gina.get(reverse("coaching:calendar"))["Location"].startswith(reverse("mfa_activate_totp"))

    assert list(AuditEvent.objects.filter(action__startswith="team.").order_by("id").values_list("action", "actor_email")) == [
        ("team.invited", "erin@example.com"),
        ("team.joined", "gina@example.com"),
    ]
    # The link works once.
    again = Client().get(path_of(link))
    assert again.status_code == 410
    assert again.context["problem"] == "This invitation has already been used. You can sign in with the password you chose."


def test_an_invitation_link_stops_working_after_48_hours(erin):
    invitation = team.invite("gina@example.com", Role.ADMIN, by=erin, now=timezone.now() - timedelta(hours=48, minutes=1))
    response = Client().get(reverse("accounts:join", args=[invitation.pk, invitation.token()]))
    assert response.status_code == 410
    assert response.context["problem"] == "This invitation has expired (links last 48 hours). Please ask for a new one."
    response = Client().post(
        reverse("accounts:join", args=[invitation.pk, invitation.token()]),
        {"name": "Gina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="gina@example.com").exists()


def test_a_made_up_token_opens_nothing(erin):
    invitation = team.invite("gina@example.com", Role.COACH, by=erin)
    response = Client().get(reverse("accounts:join", args=[invitation.pk, "0" * 64]))
    assert response.status_code == 410
    assert response.context["problem"] == "This invitation link is not one we know. Please check the link in your e-mail."


def test_an_address_that_already_has_an_account_cannot_be_invited(client, erin, alice):
    response = invite_by_page(client, erin, email="Alice@Example.com")
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "There is already an account with this address. Invitations are for new people; "
        "a client account cannot be turned into a staff one."
    ]
    assert Invitation.objects.count() == 0


def test_the_team_page_never_asks_for_someone_elses_password(client, erin):
    client.force_login(erin)
    response = client.get(reverse("accounts:team"))
    assert response.status_code == 200
    assert sorted(response.context["form"].fields) == ["email", "role"]
    assert b'type="password"' not in response.content


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_only_admins_reach_the_team_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts:team")).status_code == 403
    assert client.post(reverse("accounts:team"), {"email": "x@example.com", "role": "admin"}).status_code == 403
    assert Invitation.objects.count() == 0


def test_erin_makes_carol_an_admin_and_it_is_audited(client, erin, carol):
    client.force_login(erin)
    response = client.post(reverse("accounts:team_role", args=[carol.pk]), {"role": Role.ADMIN})
    assert response.status_code == 302
    carol.refresh_from_db()
    assert (carol.role, carol.is_staff) == (Role.ADMIN, True)
    event = AuditEvent.objects.get(action="account.role_changed")
    assert (event.actor, event.object_id, event.details) == (erin, str(carol.pk), {"old_role": "coach", "new_role": "admin"})


def test_erin_cannot_change_her_own_role_or_deactivate_herself(client, erin):
    client.force_login(erin)
    client.post(reverse("accounts:team_role", args=[erin.pk]), {"role": Role.COACH})
    client.post(reverse("accounts:team_access", args=[erin.pk]), {"active": "0"})
    erin.refresh_from_db()
    assert (erin.role, erin.is_active) == (Role.ADMIN, True)
    assert not AuditEvent.objects.filter(action__in=["account.role_changed", "team.deactivated"]).exists()


def test_a_client_is_not_managed_on_the_team_page(client, erin, alice):
    client.force_login(erin)
    assert client.post(reverse("accounts:team_role", args=[alice.pk]), {"role": Role.ADMIN}).status_code == 404
    alice.refresh_from_db()
    assert alice.role == Role.CLIENT


def test_a_deactivated_coach_is_signed_out_at_once(client, erin, carol):
    carols_browser = Client()
    carols_browser.force_login(carol)
    assert carols_browser.get(reverse("coaching:calendar")).status_code == 200

    client.force_login(erin)
    client.post(reverse("accounts:team_access", args=[carol.pk]), {"active": "0"})
    carol.refresh_from_db()
    assert carol.is_active is False
    assert carols_browser.get(reverse("coaching:calendar"))["Location"].startswith(reverse("account_login"))
    response = carols_browser.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    assert response["Location"] == reverse("account_inactive")
    assert carols_browser.get(reverse("coaching:calendar"))["Location"].startswith(reverse("account_login"))

    client.post(reverse("accounts:team_access", args=[carol.pk]), {"active": "1"})
    carol.refresh_from_db()
    assert carol.is_active is True
    assert list(AuditEvent.objects.filter(action__startswith="team.").order_by("id").values_list("action", "actor")) == [
        ("team.deactivated", erin.pk),
        ("team.reactivated", erin.pk),
    ]


def test_the_team_and_audit_pages_are_linked_from_the_admin_dashboard(client, erin):
    client.force_login(erin)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("accounts:team")}"' in page
    assert f'href="{reverse("accounts:audit")}"' in page
