"""Two-step sign-in secrets that allauth stored in clear (TOTP keys, recovery-code seeds)
are sealed under MFA_ENCRYPTION_KEYS, in batches. Reversible: unapplying opens them
again, as long as the keys that sealed them are configured.

Stop every web, worker and beat process before migrating and start them after: an old
process would read a sealed secret as if it were the key, and refuse every code.
"""

from django.db import migrations

from accounts.two_step_secrets import opened_data, sealed_data


def _each(apps, change, batch_size=500):
    Authenticator = apps.get_model("mfa", "Authenticator")
    last = 0
    while True:
        batch = list(Authenticator.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        for authenticator in batch:
            authenticator.data = change(authenticator.data)
        Authenticator.objects.bulk_update(batch, ["data"])
        last = batch[-1].pk


def seal(apps, schema_editor):
    _each(apps, sealed_data)


def unseal(apps, schema_editor):
    _each(apps, opened_data)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_forget_old_audit_addresses"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(seal, unseal),
    ]
