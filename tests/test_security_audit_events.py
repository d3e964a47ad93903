"""The audit trail covers security events: log-ins (and failed ones), log-outs, the
second step, passwords, e-mail addresses, roles, and every change made in Django's
admin. A coach profile cannot be moved to another account."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from accounts.models import AuditEvent, Role
from coaching.models import CoachProfile, TimeOff
from tests.factories import PASSWORD, TOTP_SECRET, CoachProfileFactory, TimeOffFactory
from tests.totp import totp_now

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.77"


def events(*prefixes):
    rows = AuditEvent.objects.order_by("id")
    if prefixes:
        from django.db.models import Q

        query = Q()
        for prefix in prefixes:
            query |= Q(action__startswith=prefix)
        rows = rows.filter(query)
    return list(rows.values_list("action", "actor_email", "object_id", "ip"))


def test_a_log_in_with_both_steps_and_a_log_out_are_recorded(client, erin):
    client.post(reverse("account_login"), {"login": erin.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("account_logout"), REMOTE_ADDR=ADDRESS)
    assert events("account.") == [
        ("account.login", "erin@example.com", str(erin.pk), ADDRESS),
        ("account.logout", "erin@example.com", str(erin.pk), ADDRESS),
    ]


def test_a_wrong_password_and_an_unknown_address_are_recorded_as_failed_log_ins(client, alice):
    client.post(reverse("account_login"), {"login": alice.email, "password": "not-her-password"}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "whatever-1234"}, REMOTE_ADDR=ADDRESS)
    assert events("account.") == [
        ("account.login_failed", "", str(alice.pk), ADDRESS),
        ("account.login_failed", "", "", ADDRESS),
    ]
    assert [e.details for e in AuditEvent.objects.order_by("id")] == [{"address_known": True}, {"address_known": False}]


def test_a_wrong_two_step_code_is_recorded(client, carol):
    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    good = totp_now(TOTP_SECRET)
    client.post(reverse("mfa_authenticate"), {"code": f"{(int(good) + 1) % 1_000_000:06d}"}, REMOTE_ADDR=ADDRESS)
    assert events("account.") == [("account.second_step_failed", "", str(carol.pk), ADDRESS)]


def test_a_password_change_is_recorded(client, alice):
    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    new = "a-brand-new-password-2026"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    assert events("account.password") == [("account.password_changed", "alice@example.com", str(alice.pk), ADDRESS)]


def test_adding_an_address_and_making_it_primary_are_recorded(client, alice):
    from allauth.account.models import EmailAddress

    client.force_login(alice)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.com"}, REMOTE_ADDR=ADDRESS)
    EmailAddress.objects.filter(email="alice.new@example.com").update(verified=True)
    client.post(reverse("account_email"), {"action_primary": "", "email": "alice.new@example.com"}, REMOTE_ADDR=ADDRESS)
    assert events("account.email") == [
        ("account.email_added", "alice@example.com", str(alice.pk), ADDRESS),
        # By then her account's address is the new one.
        ("account.email_changed", "alice.new@example.com", str(alice.pk), ADDRESS),
    ]
    changed = AuditEvent.objects.get(action="account.email_changed")
    assert set(changed.details) == {"old_email_address_id", "new_email_address_id"}


def admin_form_data(response):
    """What the admin's change page would post back unchanged: the form and its inlines."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or field.disabled:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
        if field.show_hidden_initial and name in data:
            data[f"initial-{name}"] = data[name]
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is None or value is False:
                    continue
                data[f"{formset.prefix}-{index}-{name}"] = "on" if value is True else value
    return data


def test_a_role_changed_in_djangos_admin_is_recorded(client, erin, alice):
    # Editing people in Django's admin is for superusers; the Team page is the everyday way.
    erin.is_superuser = True
    erin.save()
    client.force_login(erin)
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    data = admin_form_data(client.get(url))
    data.update({"role": Role.COACH, "date_joined_0": alice.date_joined.date().isoformat(), "date_joined_1": "00:00:00"})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.role == Role.COACH
    assert events("admin.", "account.role") == [
        ("admin.changed", "erin@example.com", str(alice.pk), ADDRESS),
        ("account.role_changed", "erin@example.com", str(alice.pk), ADDRESS),
    ]
    assert AuditEvent.objects.get(action="account.role_changed").details == {
        "old_role": "client",
        "new_role": "coach",
        "via": "django_admin",
    }
    assert "role" in AuditEvent.objects.get(action="admin.changed").details["fields"]


def test_edits_and_deletes_in_djangos_admin_are_recorded(client, erin, carol):
    profile = CoachProfileFactory(user=carol, display_name="Carol Rivera")
    away = TimeOffFactory(coach=profile, starts_at="2027-01-04T05:00:00Z", ends_at="2027-01-05T05:00:00Z")
    client.force_login(erin)
    url = reverse("admin:coaching_coachprofile_change", args=[profile.pk])
    data = admin_form_data(client.get(url))
    data["display_name"] = "Carol R."
    data["time_off-0-DELETE"] = "on"
    response = client.post(url, data, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    assert TimeOff.objects.count() == 0
    assert events("admin.") == [
        ("admin.changed", "erin@example.com", str(profile.pk), ADDRESS),
        ("admin.deleted", "erin@example.com", "", ADDRESS),
    ]
    changed, deleted = AuditEvent.objects.filter(action__startswith="admin.").order_by("id")
    assert changed.details == {"fields": ["display_name"]}
    assert deleted.details == {"model": "coaching.timeoff", "deleted_id": str(away.pk), "inline": True}

    response = client.post(reverse("admin:coaching_coachprofile_delete", args=[profile.pk]), {"post": "yes"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="admin.deleted").order_by("-id").first().details == {
        "model": "coaching.coachprofile",
        "deleted_id": str(profile.pk),
    }


def test_a_coach_profile_cannot_be_moved_to_another_account_in_the_admin(client, erin, carol, dave):
    profile = CoachProfileFactory(user=carol, display_name="Carol Rivera")
    client.force_login(erin)
    url = reverse("admin:coaching_coachprofile_change", args=[profile.pk])
    page = client.get(url)
    assert "user" not in page.context["adminform"].form.fields
    data = admin_form_data(page)
    data["user"] = str(dave.pk)
    client.post(url, data)
    profile.refresh_from_db()
    assert profile.user == carol


def test_the_database_refuses_to_move_a_coach_profile(carol, dave):
    profile = CoachProfileFactory(user=carol, display_name="Carol Rivera")
    with pytest.raises((InternalError, ProgrammingError, IntegrityError), match="belongs to one account"), transaction.atomic():
        CoachProfile.objects.filter(pk=profile.pk).update(user=dave)
    profile.display_name = "Carol R."
    profile.save()
    profile.refresh_from_db()
    assert (profile.user, profile.display_name) == (carol, "Carol R.")
