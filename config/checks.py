"""Start-up checks that refuse a production configuration that is not safe.

Development mode (DEBUG=1 in the environment) is allowed its published defaults. With DEBUG off, each of
these is an Error, so `manage.py check`, `migrate`, `runserver` and gunicorn's first
request all stop and name the problem. The encryption keys are checked in every mode:
a list that cannot seal anything is wrong on a laptop too.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

from core.encryption import key_problems

UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
REAL_STRIPE_HOSTS = {"api.stripe.com"}


def _published_values():
    """(setting name, its value now, the development value committed to this repository)."""
    return [
        ("SECRET_KEY", [settings.SECRET_KEY], settings.DEV_SECRET_KEY),
        ("STRIPE_SECRET_KEY", [settings.STRIPE_SECRET_KEY], settings.DEV_STRIPE_SECRET_KEY),
        ("STRIPE_PUBLISHABLE_KEY", [settings.STRIPE_PUBLISHABLE_KEY], settings.DEV_STRIPE_PUBLISHABLE_KEY),
        ("STRIPE_WEBHOOK_SECRET", [settings.STRIPE_WEBHOOK_SECRET], settings.DEV_STRIPE_WEBHOOK_SECRET),
        ("NOTE_ENCRYPTION_KEYS", list(settings.NOTE_ENCRYPTION_KEYS), settings.DEV_NOTE_ENCRYPTION_KEY),
        ("MFA_ENCRYPTION_KEYS", list(settings.MFA_ENCRYPTION_KEYS), settings.DEV_MFA_ENCRYPTION_KEY),
    ]


def _key_mode(key):
    """'live', 'test', or None for a key whose mode its prefix does not say."""
    for mode in ("live", "test"):
        if any(key.startswith(f"{kind}_{mode}_") for kind in ("sk", "rk", "pk")):
            return mode
    return None


def _stripe_problems():
    problems = []
    secret_mode = _key_mode(settings.STRIPE_SECRET_KEY)
    publishable_mode = _key_mode(settings.STRIPE_PUBLISHABLE_KEY)
    host = urlsplit(settings.STRIPE_API_BASE).hostname if settings.STRIPE_API_BASE else None
    if host is not None and host not in REAL_STRIPE_HOSTS and secret_mode != "test":
        problems.append(
            f"STRIPE_SECRET_KEY is not a test key but STRIPE_API_BASE points at {settings.STRIPE_API_BASE}: "
            "a live key must reach Stripe itself, and a fake Stripe takes test keys only. "
            "Leave STRIPE_API_BASE empty for real Stripe."
        )
    if secret_mode and publishable_mode and secret_mode != publishable_mode:
        problems.append(
            f"STRIPE_SECRET_KEY is a {secret_mode} key but STRIPE_PUBLISHABLE_KEY is a {publishable_mode} key: "
            "use the pair from the same Stripe mode."
        )
    return problems


@register(Tags.security)
def production_configuration(app_configs=None, **kwargs):
    if settings.DEVELOPMENT_MODE:
        return []
    errors = []
    for name, values, published in _published_values():
        if published in values:
            errors.append(
                Error(
                    f"{name} is the development value published in Waypoint's repository.",
                    hint=f"Set {name} in the environment to a value of your own.",
                    id="waypoint.E001",
                )
            )
    if settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        errors.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no e-mail would reach anyone.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (or your provider's backend).",
                id="waypoint.E002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS holds '*': any Host header would be believed, in links in e-mails too.",
                hint="List the host names Waypoint is served at.",
                id="waypoint.E003",
            )
        )
    for problem in _stripe_problems():
        errors.append(Error(problem, id="waypoint.E004"))
    return errors


@register(Tags.security)
def encryption_keys(app_configs=None, **kwargs):
    """An empty key list, or a key that is not a Fernet key, would fail at the first intake,
    note or two-step sign-in; one key in both lists would let one leak open both."""
    errors = []
    for name in ("NOTE_ENCRYPTION_KEYS", "MFA_ENCRYPTION_KEYS"):
        keys = list(getattr(settings, name))
        errors += [
            Error(problem, hint="Keys are comma-separated, newest first.", id="waypoint.E006" if keys else "waypoint.E005")
            for problem in key_problems(keys, name)
        ]
    if set(settings.NOTE_ENCRYPTION_KEYS) & set(settings.MFA_ENCRYPTION_KEYS):
        errors.append(
            Error(
                "A key is in both NOTE_ENCRYPTION_KEYS and MFA_ENCRYPTION_KEYS.",
                hint="Two-step secrets need keys of their own: make a new one for MFA_ENCRYPTION_KEYS.",
                id="waypoint.E007",
            )
        )
    return errors
