"""Field-level encryption for the most private things Waypoint holds.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256) under the keys in
`settings.NOTE_ENCRYPTION_KEYS`, newest first: the newest key encrypts, every key
decrypts (MultiFernet), so keys rotate without downtime (`manage.py rotate_note_keys`).

Two promises:
- A value that no key opens raises `UndecryptableValue`. It is never handed back as
  ciphertext pretending to be the value (the silent failure of the common packages).
- A decrypted value arrives wrapped in `Secret`, whose `repr()` and `str()` say only how
  long it is, so a log line, a debug page or an error report's local variables never
  show the text. Code that means to show it calls `.reveal()` (templates:
  `{{ note.summary.reveal }}`).
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80) starts so in base64


class UndecryptableValue(Exception):
    """No configured key opens this value: a wrong or missing key, or a damaged row."""


class Secret:
    """A decrypted value that will not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value):
        object.__setattr__(self, "_value", value)

    def __setattr__(self, name, value):
        raise AttributeError("a Secret is read-only")

    def reveal(self):
        return self._value

    def __repr__(self):
        return f"<Secret: {len(self)} characters hidden>"

    __str__ = __repr__

    def __len__(self):
        value = self._value
        return len(value) if isinstance(value, str) else len(json.dumps(value))

    def __bool__(self):
        return bool(self._value)

    def __eq__(self, other):
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self):
        return hash(("Secret", json.dumps(self._value, sort_keys=True)))

    def __reduce__(self):
        # Pickling (cache, sessions) would write the plaintext somewhere we do not encrypt.
        raise TypeError("a Secret is not pickled; store the model's id instead")


def reveal(value):
    """The plain value of a Secret (or of a plain value, unchanged)."""
    return value.reveal() if isinstance(value, Secret) else value


@lru_cache(maxsize=8)
def _fernet_for(keys):
    if not keys:
        raise ImproperlyConfigured("NOTE_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "NOTE_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from error


def keyring():
    """The MultiFernet for the keys configured now (tests may override the setting)."""
    return _fernet_for(tuple(settings.NOTE_ENCRYPTION_KEYS))


def encrypt(plaintext):
    return keyring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token):
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableValue(
            "An encrypted value could not be opened with any key in NOTE_ENCRYPTION_KEYS."
        ) from error


def rotate_token(token):
    """The same value sealed under the newest key; refuses (raises) rather than lose it."""
    try:
        return keyring().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise UndecryptableValue("A value could not be re-encrypted: no configured key opens it.") from error


class SecretAttribute(DeferredAttribute):
    """Whatever is assigned (a str, a dict, a Secret) reads back as a Secret."""

    def __set__(self, instance, value):
        if value is not None and not isinstance(value, Secret):
            value = Secret(value)
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    descriptor_class = SecretAttribute
    encrypted = True

    def __init__(self, *args, **kwargs):
        if kwargs.get("db_index") or kwargs.get("unique") or kwargs.get("primary_key"):
            raise ImproperlyConfigured("An encrypted field cannot be indexed, unique or a primary key.")
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    # How a plain value becomes text before sealing, and back.
    def serialise(self, value):
        raise NotImplementedError

    def deserialise(self, text):
        raise NotImplementedError

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Secret(self.deserialise(decrypt(value)))

    def to_python(self, value):
        if value is None or isinstance(value, Secret):
            return value
        return Secret(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(self.serialise(reveal(value)))

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        # A lookup against an encrypted column cannot match (each token is unique), so
        # only saving is meaningful; see `get_lookup` below.
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None  # filtering by content would need the plaintext in the database
        return super().get_lookup(lookup_name)

    def value_from_object(self, obj):
        # What forms show for editing: the plain value.
        return reveal(getattr(obj, self.attname))

    def value_to_string(self, obj):
        # `dumpdata` writes the sealed token, never the text.
        value = getattr(obj, self.attname)
        return None if value is None else self.get_prep_value(value)


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    def serialise(self, value):
        return str(value)

    def deserialise(self, text):
        return text


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """A JSON value (dict, list, str, number) sealed as one token."""

    def serialise(self, value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    def deserialise(self, text):
        return json.loads(text)

    def formfield(self, **kwargs):
        from django import forms

        return forms.JSONField(**{"required": not self.blank, **kwargs})


def encrypted_fields():
    """[(model, [field, ...])] for every installed model with encrypted columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if fields:
            found.append((model, fields))
    return found
