"""The secrets behind two-step sign-in are sealed under keys of their own: a read of the
database computes no coach's or admin's code, and sign-in works as before."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet, InvalidToken
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.two_step_secrets import unseal
from config.checks import encryption_keys
from core.encryption import UndecryptableValue
from tests.factories import PASSWORD, TOTP_SECRET, with_mfa
from tests.totp import totp_now

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored_data(user, kind):
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user.pk, kind])
        return cursor.fetchone()[0]


def test_carols_totp_key_is_sealed_and_she_still_signs_in_with_a_code(client, carol, settings):
    data = stored_data(carol, "totp")
    assert TOTP_SECRET not in data
    token = Authenticator.objects.get(user=carol, type="totp").data["secret"]
    assert Fernet(settings.MFA_ENCRYPTION_KEYS[0]).decrypt(token.encode()).decode() == TOTP_SECRET
    with pytest.raises(InvalidToken):
        Fernet(settings.NOTE_ENCRYPTION_KEYS[0]).decrypt(token.encode())

    client.post(reverse("account_login"), {"login": carol.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)})
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_erins_recovery_codes_come_from_a_sealed_seed(erin):
    codes = RecoveryCodes.activate(erin)
    seed = unseal(Authenticator.objects.get(user=erin, type="recovery_codes").data["seed"])
    assert seed not in stored_data(erin, "recovery_codes")
    assert RecoveryCodes(Authenticator.objects.get(user=erin, type="recovery_codes")).get_unused_codes() == (
        codes.get_unused_codes()
    )


def test_with_the_wrong_key_a_secret_is_refused_not_used(carol, settings):
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(UndecryptableValue, match="MFA_ENCRYPTION_KEYS"):
        unseal(Authenticator.objects.get(user=carol, type="totp").data["secret"])


def test_the_two_step_keys_are_checked_at_start_up(settings):
    settings.MFA_ENCRYPTION_KEYS = []
    assert [(error.id, error.msg) for error in encryption_keys()] == [
        ("waypoint.E005", "MFA_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.")
    ]
    settings.MFA_ENCRYPTION_KEYS = ["short"]
    assert [error.id for error in encryption_keys()] == ["waypoint.E006"]
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, settings.NOTE_ENCRYPTION_KEYS[0]]
    assert encryption_keys() == [
        Error(
            "A key is in both NOTE_ENCRYPTION_KEYS and MFA_ENCRYPTION_KEYS.",
            hint="Two-step secrets need keys of their own: make a new one for MFA_ENCRYPTION_KEYS.",
            id="waypoint.E007",
        )
    ]


def test_rotation_re_seals_two_step_secrets_and_verify_proves_it(carol, erin, settings):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    Authenticator.objects.filter(user__in=[carol, erin]).delete()
    with_mfa(carol), with_mfa(erin)
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(CommandError, match=r"two-step sign-in secrets \(2\)"):
        call_command("rotate_encryption_keys", "--verify", stdout=io.StringIO())

    call_command("rotate_encryption_keys", stdout=io.StringIO())
    verified = io.StringIO()
    call_command("rotate_encryption_keys", "--verify", stdout=verified)
    assert verified.getvalue().splitlines()[-1] == "Verified: every encrypted value opens with the newest key."
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    assert unseal(Authenticator.objects.get(user=carol).data["secret"]) == TOTP_SECRET


def test_the_migration_seals_secrets_stored_in_clear_and_opens_them_when_unapplied(carol, settings):
    # Everything here, the migration's bookkeeping too, is rolled back with the test's transaction.
    authenticator = Authenticator.objects.get(user=carol, type="totp")
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_forget_old_audit_addresses")])
    Authenticator.objects.filter(pk=authenticator.pk).update(data={"secret": TOTP_SECRET})
    MigrationExecutor(connection).migrate([("accounts", "0005_seal_two_step_secrets")])
    assert TOTP_SECRET not in stored_data(carol, "totp")
    assert unseal(Authenticator.objects.get(pk=authenticator.pk).data["secret"]) == TOTP_SECRET

    MigrationExecutor(connection).migrate([("accounts", "0004_forget_old_audit_addresses")])
    assert Authenticator.objects.get(pk=authenticator.pk).data == {"secret": TOTP_SECRET}
