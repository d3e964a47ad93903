"""Waypoint settings: one module, every value from the environment.

Production is the default: development mode is on only when the environment says
DEBUG=1 (`make run`, `make test` and CI do). Development defaults work on our machines
(local PostgreSQL and Redis, localstripe). With DEBUG off, every secret must come from
the environment, and start-up fails naming the missing variable rather than at the
first request; config/checks.py refuses published development values.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Development mode as the environment chose it. Django's test runner turns DEBUG off for
# every test; this keeps saying that the suite runs on a development machine.
DEVELOPMENT_MODE = DEBUG


def secret(name, dev_default):
    """A secret the environment must give in production; a dev default otherwise."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off.")


# Published in this repository: config/checks.py refuses each of them when DEBUG is off.
DEV_SECRET_KEY = "dev-only-insecure-key-waypoint-0123456789-abcdefghijklmnopqrstuvwxyz"
DEV_STRIPE_SECRET_KEY = "sk_test_waypoint_local"
DEV_STRIPE_PUBLISHABLE_KEY = "pk_test_waypoint_local"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_waypoint_local"
DEV_NOTE_ENCRYPTION_KEY = "rK0b9wC3cXh3v3pq0TzQmGqg3u5b1wqJ6lY8sX1nZ2o="
DEV_MFA_ENCRYPTION_KEY = "_PL3ZBsL5-6L3KwgDd6sxyLXvX47VauFnA0-A8gb79w="

SECRET_KEY = secret("SECRET_KEY", DEV_SECRET_KEY)
if DEBUG:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "config.apps.WaypointAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "core",
    "accounts",
    "clients",
    "families",
    "coaching",
    "bookings",
    "messaging",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.shared_screen.ClientIdleTimeoutMiddleware",
    "accounts.shared_screen.PrivateResponsesMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Forms are written by core.form_rendering: the markup of Django's own form templates, written
# in Python (a form's forty template renders were most of a small page's time); anything it
# does not write goes to Django's templates as usual. tests/test_form_rendering.py compares.
FORM_RENDERER = "core.form_rendering.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context.navigation",
                "families.context.ways_in",
                # Django's own csrf_token, made with one read of randomness (core/csrf.py).
                "core.csrf.csrf",
            ],
        },
    },
]

# PostgreSQL only: the booking guarantees rest on its exclusion constraints.
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/waypoint"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# core.prepared asks PostgreSQL to keep its per-request queries prepared on each connection.
# Off (0) behind a pooler in transaction mode, which cannot keep them.
PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
# Migrations run as the tables' owner; web, workers and beat as DATABASE_URL's role, which
# owns nothing (core/roles.py, README "Deploying"). Empty: migrate as DATABASE_URL's role.
MIGRATION_DATABASE_URL = env("MIGRATION_DATABASE_URL", default="")
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="waypoint_app")
DATABASE_MAINTENANCE_ROLE = env("DATABASE_MAINTENANCE_ROLE", default="waypoint_maintenance")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "waypoint",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    },
    # Within one process, for fragments that only a deploy changes (each role's menu).
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "waypoint-local"},
    # Within one process, copies of the public coach pages and directory (coaching/public_page.py):
    # at most about 10 MB.
    "public_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "waypoint-public-pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, each loading the session's user with one prepared
# statement (accounts/backends.py). A session made with the plain backends' names, before
# these, asks its holder to sign in again.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.PasswordBackend",
    "accounts.backends.AllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# allauth: e-mail is the login, and it must be verified before the first log-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Waypoint: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Sign-up also asks whether it is about the person or someone they are worried about.
ACCOUNT_SIGNUP_FORM_CLASS = "families.forms.PathSignupForm"
# Tell people by e-mail when their password, addresses or two-step sign-in change, and
# ask for the password again before any of those changes (a left-open session is not enough).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Rate limits stay at allauth's defaults; they live in the Redis cache, shared by all web processes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Waypoint"
# Two-step secrets are sealed (accounts/two_step_secrets.py) under keys of their own, never
# the notes' keys: Fernet keys, comma-separated, newest first.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_ENCRYPTION_KEYS = [
    key.strip() for key in secret("MFA_ENCRYPTION_KEYS", DEV_MFA_ENCRYPTION_KEY).split(",") if key.strip()
]

# Audit lines keep the address they came from this long; `forget_audit_addresses` (daily in
# beat) then removes it and keeps the rest of the line.
AUDIT_IP_RETENTION_DAYS = env.int("AUDIT_IP_RETENTION_DAYS", default=90)

# A coach's calendar feed address stops working after this many days; a new one is one click.
FEED_TOKEN_DAYS = env.int("FEED_TOKEN_DAYS", default=90)
# Calendar apps fetch a feed a few times an hour at most; more than this is someone else.
FEED_REQUESTS_PER_HOUR = env.int("FEED_REQUESTS_PER_HOUR", default=60)

# Coaches and admins hold health information: their sessions end after 30 idle minutes.
STAFF_IDLE_TIMEOUT = timedelta(minutes=env.int("STAFF_IDLE_MINUTES", default=30))
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
# Sessions are read from Redis on every request and kept in PostgreSQL too, so a Redis
# restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Clients often use a shared phone or computer: they are signed out after this long without
# a request (warned a minute before, with a button to stay).
CLIENT_IDLE_TIMEOUT = timedelta(minutes=env.int("CLIENT_IDLE_MINUTES", default=60))
# Where Quick exit leaves for: a neutral public page that says nothing about Waypoint.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.weather.gov/")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: the console in development, SMTP otherwise (config/checks.py refuses the
# console and memory backends in production: mail there would reach nobody).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# A neutral sender name: nothing in an inbox should say what the session is about.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Waypoint <hello@waypoint.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Stripe. The dev default key points the SDK at localstripe; a real key with no
# STRIPE_API_BASE reaches real Stripe with no code change.
STRIPE_SECRET_KEY = secret("STRIPE_SECRET_KEY", DEV_STRIPE_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default=DEV_STRIPE_PUBLISHABLE_KEY)
STRIPE_WEBHOOK_SECRET = secret("STRIPE_WEBHOOK_SECRET", DEV_STRIPE_WEBHOOK_SECRET)
LOCALSTRIPE_PORT = env.int("LOCALSTRIPE_PORT", default=8420)
STRIPE_API_BASE = env(
    "STRIPE_API_BASE",
    default=f"http://127.0.0.1:{LOCALSTRIPE_PORT}" if STRIPE_SECRET_KEY == DEV_STRIPE_SECRET_KEY else "",
)
STRIPE_JS_URL = (
    f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/"
)

# When a coach sets no meeting link, each booking gets a random, unguessable room here.
VIDEO_ROOM_BASE_URL = env("VIDEO_ROOM_BASE_URL", default="https://meet.jit.si/")

# Encryption of intakes, notes and what people write: a comma-separated list of Fernet
# keys, newest first (MultiFernet); each field seals under a key derived from them.
NOTE_ENCRYPTION_KEYS = [
    key.strip()
    for key in secret("NOTE_ENCRYPTION_KEYS", DEV_NOTE_ENCRYPTION_KEY).split(",")
    if key.strip()
]
# Values sealed before fields had keys of their own open under the keys themselves while
# this is on; turn it off once `rotate_encryption_keys --verify` passes.
ENCRYPTION_RAW_KEY_FALLBACK = env.bool("ENCRYPTION_RAW_KEY_FALLBACK", default=True)

# Celery: Redis as broker, JSON only, bounded tasks.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=90)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep a web request from hanging on a dead broker: a booking must commit without it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "socket_connect_timeout": 1}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "accounts.heartbeat", "schedule": crontab(minute="*/5")},
    "accounts-forget-audit-addresses": {"task": "accounts.forget_audit_addresses", "schedule": crontab(hour=3, minute=17)},
}

# Security headers. The CSP allows our own origin only: no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of us append to X-Forwarded-For. allauth's per-IP rate limits,
# the audit trail and consent signatures read the client's address through it. The
# nearest proxy must overwrite the header, never pass on what the client sent.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# The outbox of owed work: found by a scan every minute, never by far-future ETA tasks.
OUTBOX_SCAN_BATCH = env.int("OUTBOX_SCAN_BATCH", default=200)
OUTBOX_SCAN_MAX = env.int("OUTBOX_SCAN_MAX", default=5000)
OUTBOX_DELIVER_CHUNK = env.int("OUTBOX_DELIVER_CHUNK", default=20)
OUTBOX_REQUEUE_MINUTES = env.int("OUTBOX_REQUEUE_MINUTES", default=5)
OUTBOX_CLAIM_LEASE_MINUTES = env.int("OUTBOX_CLAIM_LEASE_MINUTES", default=10)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=600)
CELERY_BEAT_SCHEDULE["core-scan-outbox"] = {"task": "core.scan_outbox", "schedule": crontab(minute="*")}

# Bookings: how long a picked time is held for payment, and the periodic scans.
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=15)
# Urgent intakes alert each admin at most once in this many minutes, listing all the new ones.
URGENT_ALERT_MINUTES = env.int("URGENT_ALERT_MINUTES", default=10)
# What a client who said yes to the safety question is told about our reply.
URGENT_REPLY_WITHIN = env("URGENT_REPLY_WITHIN", default="within one working day")
# A "yes" in a draft left this long without being sent alerts the admins all the same.
URGENT_DRAFT_HOURS = env.int("URGENT_DRAFT_HOURS", default=24)
# Crisis lines by country (clients/crisis.py); admins extend this file.
CRISIS_LINES_FILE = env("CRISIS_LINES_FILE", default=str(BASE_DIR / "clients" / "crisis_lines.json"))
# How much of the coaches' time one client may hold at once (bookings/eligibility.py).
BOOKING_MAX_UNPAID_HOLDS = env.int("BOOKING_MAX_UNPAID_HOLDS", default=1)
BOOKING_MAX_FREE_CALLS_PER_COACH = env.int("BOOKING_MAX_FREE_CALLS_PER_COACH", default=1)
BOOKING_MAX_FREE_CALLS = env.int("BOOKING_MAX_FREE_CALLS", default=2)
BOOKING_MAX_BEFORE_APPROVAL = env.int("BOOKING_MAX_BEFORE_APPROVAL", default=2)
# The waitlist (bookings/waitlist/): how long an offered time is held for the client it was
# offered to, and how many offers one client gets in 24 hours.
WAITLIST_OFFER_MINUTES = env.int("WAITLIST_OFFER_MINUTES", default=30)
WAITLIST_OFFERS_PER_DAY = env.int("WAITLIST_OFFERS_PER_DAY", default=3)
# Rate limits on booking, paying, cancelling and moving (bookings/web/limits.py), per person
# and per address: "count/period/scope", period s, m, h or d. An address may be a whole
# clinic's shared network, so it gets more room than a person.
RATE_LIMITS = {
    "book": env("RATE_LIMIT_BOOK", default="10/h/person,30/h/ip"),
    "pay": env("RATE_LIMIT_PAY", default="30/h/person,90/h/ip"),
    "cancel": env("RATE_LIMIT_CANCEL", default="10/h/person,30/h/ip"),
    "move": env("RATE_LIMIT_MOVE", default="10/h/person,30/h/ip"),
    # Sending, editing and deleting messages, per person.
    "message": env("RATE_LIMIT_MESSAGE", default="10/m/person,60/h/person"),
}
_RATE_RULE = r"\s*\d+/[smhd]/(person|ip)\s*"
for _action, _rules in RATE_LIMITS.items():
    if not re.fullmatch(rf"({_RATE_RULE}(,{_RATE_RULE})*)?", _rules):
        raise ImproperlyConfigured(f"RATE_LIMIT_{_action.upper()} reads count/period/scope, e.g. 10/h/person,30/h/ip.")
# Messages between a client and their coach (messaging/conversations.py).
MESSAGING_DAYS_AFTER_LAST_SESSION = env.int("MESSAGING_DAYS_AFTER_LAST_SESSION", default=90)
MESSAGE_EDIT_MINUTES = env.int("MESSAGE_EDIT_MINUTES", default=5)
MESSAGE_MAX_CHARS = env.int("MESSAGE_MAX_CHARS", default=2000)
MESSAGE_NOTICE_MINUTES = env.int("MESSAGE_NOTICE_MINUTES", default=15)
MESSAGE_NOTICE_DELAY_SECONDS = env.int("MESSAGE_NOTICE_DELAY_SECONDS", default=60)
REMINDER_OFFSETS_MINUTES = env.list("REMINDER_OFFSETS_MINUTES", cast=int, default=[1440, 60])
AGENDA_HOUR = env.int("AGENDA_HOUR", default=7)
CELERY_BEAT_SCHEDULE.update(
    {
        "bookings-expire-holds": {"task": "bookings.expire_holds", "schedule": crontab(minute="*")},
        "bookings-complete-past-sessions": {"task": "bookings.complete_past_sessions", "schedule": crontab(minute="*/15")},
        "bookings-owe-agendas": {"task": "bookings.owe_agendas", "schedule": crontab(minute="*/15")},
    }
)
