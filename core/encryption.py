"""Field-level encryption for the most private things Waypoint holds.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256) under keys derived from
`settings.NOTE_ENCRYPTION_KEYS`, newest first: the newest key encrypts, every key
decrypts (MultiFernet), so keys rotate without downtime
(`manage.py rotate_encryption_keys`).

Each model field seals under its own key, derived from every configured key with HKDF
and the field's label ("clients.Intake.goal_in_own_words"). A token copied from one
column into another therefore opens nowhere: nobody who can write to the database can
make the app show a note as a client's goal, or learn one column by pasting it into a
column that is displayed elsewhere. (Within one column a token still opens in another
row: the key is the field's, not the row's.) Values sealed before fields had keys of
their own (under the configured keys themselves) keep opening while
`ENCRYPTION_RAW_KEY_FALLBACK` is on; rotation re-seals them under the field's key.

Two promises:
- A value that no key opens raises `UndecryptableValue`. It is never handed back as
  ciphertext pretending to be the value (the silent failure of the common packages).
- A decrypted value arrives wrapped in `Secret`, whose `repr()` and `str()` say only how
  long it is, so a log line, a debug page or an error report's local variables never
  show the text. Code that means to show it calls `.reveal()` (templates:
  `{{ note.summary.reveal }}`, or `{{ value|revealed }}` for one that may be None).
"""

import base64
import binascii
import json
from functools import lru_cache, partialmethod

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
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


KEYS_SETTING = "NOTE_ENCRYPTION_KEYS"
MAKE_A_KEY = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
PAD_TO = 128  # longer than any of the intake's answers but its free text
# Part of every derivation: a new scheme later gets a new salt, and its keys differ from these.
FIELD_KEY_SALT = b"waypoint field key v1"


def key_problems(keys, setting=KEYS_SETTING):
    """What is wrong with a list of Fernet keys, in words naming `setting` (empty when nothing is)."""
    if not keys:
        return [f"{setting} is empty: at least one Fernet key is needed."]
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError, binascii.Error):
            # The key itself is never echoed: a near-miss of a real key is still a secret.
            problems.append(
                f"Key {position} of {len(keys)} in {setting} is not a Fernet key "
                f"(32 bytes in URL-safe base64, 44 characters; make one with: {MAKE_A_KEY})."
            )
    return problems


@lru_cache(maxsize=16)
def fernets(keys, setting=KEYS_SETTING):
    """[Fernet, ...] for a tuple of keys, newest first; refuses an empty or malformed list."""
    problems = key_problems(keys, setting)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return [Fernet(key) for key in keys]


def derive_key(key, label):
    """The Fernet key of one field: HKDF-SHA256 of a configured key, bound to the field's label."""
    material = base64.urlsafe_b64decode(key)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=FIELD_KEY_SALT, info=label.encode("utf-8")).derive(material)
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=512)
def _field_keyring(keys, label, raw_fallback):
    own = [Fernet(derive_key(key, label)) for key in keys]
    return MultiFernet(own + (fernets(keys) if raw_fallback else []))


@lru_cache(maxsize=512)
def _newest_field_key(keys, label):
    return Fernet(derive_key(keys[0], label))


def _configured_keys():
    keys = tuple(settings.NOTE_ENCRYPTION_KEYS)
    fernets(keys)  # refuses an empty or malformed list before anything is derived from it
    return keys


def keyring(label):
    """The MultiFernet of one field for the keys configured now (tests may override the setting):
    the field's own keys first (the newest seals), then, during the move to per-field keys,
    the configured keys themselves."""
    return _field_keyring(_configured_keys(), label, getattr(settings, "ENCRYPTION_RAW_KEY_FALLBACK", True))


def _padded(plaintext):
    # A token's length gives away the length of what it seals, in 16-byte steps: enough to
    # tell "No problems reported" from "Low level", or ten screening answers from none.
    # Padding with NUL to a whole number of PAD_TO bytes (at least one) hides which short
    # answer was given, and whether any was. Forms refuse NUL in text, so stripping it on
    # the way back takes nothing of the value.
    data = plaintext.encode("utf-8")
    return data.ljust(max(PAD_TO, len(data) + -len(data) % PAD_TO), b"\0")


def encrypt(plaintext, label):
    return keyring(label).encrypt(_padded(plaintext)).decode("ascii")


def decrypt(token, label):
    try:
        return keyring(label).decrypt(token.encode("ascii")).rstrip(b"\0").decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableValue(
            f"An encrypted value of {label} could not be opened with any key in NOTE_ENCRYPTION_KEYS."
        ) from error


def rotate_token(token, label):
    """The same value sealed under the field's newest key; refuses (raises) rather than lose it."""
    try:
        return keyring(label).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableValue(f"A value of {label} could not be re-encrypted: no configured key opens it.") from error


def opens_with_newest_key(token, label):
    """True when the field's own newest key opens `token` (what a finished rotation leaves)."""
    try:
        _newest_field_key(_configured_keys(), label).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def _display(instance, field):
    # Django's own get_FOO_display would look the Secret up among the choices and print it.
    value = reveal(getattr(instance, field.attname))
    return dict(field.flatchoices).get(value, value)


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

    def contribute_to_class(self, cls, name, private_only=False):
        display = f"get_{name}_display"
        declared = display in cls.__dict__
        super().contribute_to_class(cls, name, private_only=private_only)
        if self.choices is not None and not declared:
            setattr(cls, display, partialmethod(_display, field=self))

    @property
    def key_label(self):
        """What this field's key is derived for: the model's label and the field's name."""
        return f"{self.model._meta.label}.{self.name}"

    def db_type(self, connection):
        return "text"

    def get_internal_type(self):
        return "TextField"

    # How a plain value becomes text before sealing, and back.
    def serialise(self, value):
        raise NotImplementedError

    def deserialise(self, text):
        raise NotImplementedError

    # Whether None itself is sealed (see EncryptedJSONField) rather than stored as NULL.
    seals_none = False

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        value = self.deserialise(decrypt(value, self.key_label))
        return None if value is None else Secret(value)

    def to_python(self, value):
        if value is None or isinstance(value, Secret):
            return value
        return Secret(value)

    def get_prep_value(self, value):
        if value is None and (self.null or not self.seals_none):
            return None
        return encrypt(self.serialise(reveal(value)), self.key_label)

    # Choices and validators judge the value, not its wrapper.
    def validate(self, value, model_instance):
        if value is None and self.seals_none:
            return  # an answer not given, sealed like any other
        super().validate(reveal(value), model_instance)

    def run_validators(self, value):
        super().run_validators(reveal(value))

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
    """A JSON value (dict, list, str, number, boolean) sealed as one token.

    Unless the field is `null=True`, None is sealed too (as JSON null) and reads back as
    None: a column of NULLs would say which questions were answered, and for the intake
    that alone tells which screens were asked, so which substances were chosen."""

    seals_none = True

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
