"""Why a booking was cancelled and why money was refunded, as people wrote it, move to
encrypted columns, sealed in batches (see core/sealing.py). Reversible while the keys
that sealed them are configured.

Stop every web, worker and beat process before migrating, and start them after.
"""

from django.db import migrations

import core.encryption
from core.sealing import PlainColumn, seal_fields


def reason():
    return core.encryption.EncryptedTextField(blank=True, default="", max_length=300)


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0007_payment_flags"),
    ]

    operations = [
        *seal_fields("bookings", "Booking", "bookings_booking", [PlainColumn("cancel_reason", "varchar(300)")],
                     {"cancel_reason": reason}),
        *seal_fields("bookings", "Refund", "bookings_refund", [PlainColumn("reason", "varchar(300)")], {"reason": reason}),
    ]
