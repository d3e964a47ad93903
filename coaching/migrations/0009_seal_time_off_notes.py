"""A coach's notes on their time off move to an encrypted column, sealed in batches (see
core/sealing.py). Reversible while the keys that sealed them are configured.

Stop every web, worker and beat process before migrating, and start them after.
"""

from django.db import migrations

import core.encryption
from core.sealing import PlainColumn, seal_fields


class Migration(migrations.Migration):

    dependencies = [
        ("coaching", "0008_signed_notes_open_only_by_definer_functions"),
    ]

    operations = seal_fields(
        "coaching", "TimeOff", "coaching_timeoff", [PlainColumn("note", "varchar(120)")],
        {"note": lambda: core.encryption.EncryptedTextField(blank=True, default="", max_length=120)},
    )
