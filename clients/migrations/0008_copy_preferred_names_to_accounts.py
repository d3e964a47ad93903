"""Each client's account gets a copy of the preferred name and pronouns from their intake,
which staff pages show (the intake's form keeps the copy up to date from now on)."""

from django.db import migrations

from core.encryption import reveal


def copy_names(apps, schema_editor):
    Intake = apps.get_model("clients", "Intake")
    User = apps.get_model("accounts", "User")
    for intake in Intake.objects.only("pk", "client_id", "preferred_name", "pronouns").iterator(chunk_size=500):
        User.objects.filter(pk=intake.client_id).update(
            preferred_name=reveal(intake.preferred_name) or None, pronouns=reveal(intake.pronouns) or None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_urgent_case"),
        ("accounts", "0006_preferred_name_and_pronouns"),
    ]

    operations = [migrations.RunPython(copy_names, migrations.RunPython.noop)]
