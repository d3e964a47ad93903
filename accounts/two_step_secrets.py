"""The secrets behind two-step sign-in, sealed at rest.

allauth keeps each authenticator's secret in the database: the TOTP key from which every
code is computed, and the seed of the recovery codes. In clear, one read of that table
would let anyone compute every coach's and admin's codes. `accounts.adapters.MFAAdapter`
seals them with Fernet under `MFA_ENCRYPTION_KEYS`, keys of their own (newest first),
apart from the keys of notes and intakes: one leaked key list does not open both.

A value no key opens raises `UndecryptableValue`; it is never used as if it were the
secret. `rotate` and `not_under_newest_key` serve `rotate_encryption_keys`.
"""

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction

from core.encryption import TOKEN_PREFIX, UndecryptableValue, fernets

SETTING = "MFA_ENCRYPTION_KEYS"
# The entries of Authenticator.data that allauth passes through the adapter's encrypt().
SEALED_ENTRIES = ("secret", "seed")
SEALED_LISTS = ("migrated_codes",)


def _keys():
    return fernets(tuple(settings.MFA_ENCRYPTION_KEYS), SETTING)


def seal(text):
    return MultiFernet(_keys()).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token):
    try:
        return MultiFernet(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableValue(f"A two-step sign-in secret could not be opened with any key in {SETTING}.") from error


def is_sealed(value):
    # A base32 TOTP key and a hex seed never start so: they have no lower-case "g".
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def _map_data(data, change):
    """`data` with each sealed entry passed through `change` (a copy; others untouched)."""
    data = dict(data)
    for name in SEALED_ENTRIES:
        if isinstance(data.get(name), str):
            data[name] = change(data[name])
    for name in SEALED_LISTS:
        if isinstance(data.get(name), list):
            data[name] = [change(value) for value in data[name]]
    return data


def sealed_data(data):
    """`data` with every plain secret in it sealed (those already sealed stay as they are)."""
    return _map_data(data, lambda value: value if is_sealed(value) else seal(value))


def opened_data(data):
    """`data` with every sealed secret in it opened (for unapplying the migration)."""
    return _map_data(data, lambda value: unseal(value) if is_sealed(value) else value)


def _rotated(token):
    try:
        return MultiFernet(_keys()).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableValue(f"A two-step sign-in secret could not be re-encrypted: no key in {SETTING} opens it.") from error


def _values(data):
    values = [data[name] for name in SEALED_ENTRIES if isinstance(data.get(name), str)]
    for name in SEALED_LISTS:
        if isinstance(data.get(name), list):
            values.extend(data[name])
    return values


def rotate(authenticators, *, batch_size=500):
    """Re-seal every secret under the newest key, `batch_size` authenticators per transaction. Returns how many."""
    touched = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(authenticators.filter(pk__gt=last).order_by("pk").select_for_update()[:batch_size])
            if not batch:
                return touched
            for authenticator in batch:
                authenticator.data = _map_data(authenticator.data, _rotated)
            authenticators.model.objects.bulk_update(batch, ["data"])
        touched += len(batch)
        last = batch[-1].pk


def not_under_newest_key(authenticators):
    """How many secrets the newest key does not open (a plain one counts too)."""
    newest = _keys()[0]
    stale = 0
    for data in authenticators.values_list("data", flat=True).iterator(chunk_size=500):
        for value in _values(data):
            try:
                newest.decrypt(value.encode("ascii"))
            except (InvalidToken, UnicodeEncodeError):
                stale += 1
    return stale
