"""A person's data, gathered for "Download my data", and removed for "Delete my account".

Each app knows its own tables, so each app contributes in its own `<app>/export.py`,
found the way Django's admin finds `admin.py` (autodiscovery), so no app imports
another's:

    # bookings/export.py
    from accounts.export import register_eraser, register_section

    @register_section("bookings", "Your sessions", order=40,
                      counts=lambda user: [("session", "sessions", Booking.objects.filter(client=user))])
    def bookings(user):
        return [{"starts_at": ..., "coach": ..., "status": ...}, ...]   # JSON-ready dicts

    @register_eraser("bookings", order=40)
    def erase_bookings(user):
        ...   # remove personal data; keep what the law needs (payments), anonymised

A section answers a list of JSON-ready records (dicts of str, numbers, booleans,
None, lists and dicts): it must return every record of `user` and nothing of anyone
else. Its `counts` name what the overview page counts of it (all of them in one statement,
with nothing opened or audited); each section has its own page, which gathers it. An
eraser runs inside the deletion's transaction, before the account itself is
anonymised here.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import IntegerField, Subquery
from django.utils import timezone
from django.template.defaultfilters import linebreaksbr
from django.utils.crypto import get_random_string
from django.utils.safestring import mark_safe
from django.utils.module_loading import autodiscover_modules

from core.encryption import reveal
from core.prepared import Arg, PreparedQuery
from core.wording import day_in_words, when_in_words
from core.zones import UTC

from . import audit


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    gather: Callable
    order: int
    # What the overview counts: `counts(user)` answers [(one, many, queryset)], `user` an Arg.
    # `many` None for what there is at most one of ("your intake"), said without a number.
    counts: Callable | None = None

    @property
    def slug(self):
        return self.name.replace("_", "-")


@dataclass(frozen=True)
class Eraser:
    name: str
    erase: Callable
    order: int


_sections = {}
_erasers = {}
_discovered = False


def register_section(name, title, *, order=100, counts=None):
    def decorator(gather):
        _sections[name] = Section(name=name, title=title, gather=gather, order=order, counts=counts)
        return gather

    return decorator


def register_eraser(name, *, order=100):
    def decorator(erase):
        _erasers[name] = Eraser(name=name, erase=erase, order=order)
        return erase

    return decorator


def discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("export")
        _discovered = True


def sections():
    discover()
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def erasers():
    discover()
    return sorted(_erasers.values(), key=lambda e: (e.order, e.name))


def iso(value):
    return value.isoformat() if value is not None else None


def export_for(user):
    """Everything Waypoint holds about `user`, as one JSON-ready dict."""
    return {
        "exported_at": iso(timezone.now()),
        "format": "waypoint-export-1",
        "sections": [
            {"name": section.name, "title": section.title, "records": section.gather(user)} for section in sections()
        ],
    }


def record_export(user, *, request=None, form, section=None):
    details = {"format": form} if section is None else {"format": form, "section": section}
    audit.record("data.exported", actor=user, obj=user, request=request, **details)


def section_named(slug):
    """The section whose page is at `slug` ("progress-log"), or None."""
    return next((section for section in sections() if section.slug == slug), None)


class RowCount(Subquery):
    """How many rows `queryset` has, as one value of the outer statement."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk"), output_field=IntegerField())


@lru_cache(maxsize=1)
def _counted_parts():
    """[(section, [(one, many, queryset)])]: what each section counts, asked of it once."""
    return [(section, list(section.counts(USER)) if section.counts else []) for section in sections()]


def _overview_query():
    counted = {
        f"{section.name}__{index}": RowCount(queryset)
        for section, parts in _counted_parts()
        for index, (_one, _many, queryset) in enumerate(parts)
    }
    return get_user_model().objects.filter(pk=USER).annotate(**counted).values_list(*counted)


# Every section's counts in one statement, compiled once; nothing sealed is read, nothing audited.
_OVERVIEW = PreparedQuery(_overview_query)


def _in_words(number, one, many):
    return one if many is None else f"{number} {one if number == 1 else many}"


def overview(user):
    """[(section, [what it holds, in words] or None if it counts nothing)] for the overview page: only counts, so nothing
    is opened and nothing is audited; a section's own page shows (and audits) its records."""
    found = iter(_OVERVIEW.rows(user=user.pk)[0])
    answer = []
    for section, parts in _counted_parts():
        held = []
        for one, many, _queryset in parts:
            number = next(found)
            if number:
                held.append(_in_words(number, one, many))
        # A section that counts nothing is not said to be empty: its page says what it holds.
        answer.append((section, held if section.counts else None))
    return answer


# This app's own section and eraser -----------------------------------------------------


# The sections' own queries are compiled once per process (core/prepared.py): a full export
# asks some thirty of them, and building each through the ORM cost more than answering it.
USER = Arg("user", IntegerField())
_EMAILS = PreparedQuery(lambda: EmailAddress.objects.filter(user=USER).order_by("id").values_list("email", "verified", "primary"))
_DEVICES = PreparedQuery(lambda: Authenticator.objects.filter(user=USER).values_list("type"))


@register_section("profile", "Your profile", order=10, counts=lambda user: [("your name, e-mail address and how you sign in", None, get_user_model().objects.filter(pk=user))])
def profile(user):
    # The signed-in person comes without their sealed fields (accounts/backends.py): both in one query.
    if user.get_deferred_fields() & {"preferred_name", "pronouns"}:
        user.refresh_from_db(fields=["preferred_name", "pronouns"])
    return [
        {
            "email": user.email,
            "name": user.name,
            "preferred_name": reveal(user.preferred_name) or "",
            "pronouns": reveal(user.pronouns) or "",
            "role": user.role,
            "time_zone": user.time_zone,
            "joined": iso(user.date_joined),
            "last_sign_in": iso(user.last_login),
            "email_addresses": [
                {"email": email, "verified": verified, "primary": primary} for email, verified, primary in _EMAILS.rows(user=user.pk)
            ],
            "two_step_sign_in": sorted(kind for (kind,) in _DEVICES.rows(user=user.pk)),
        }
    ]


class DeletionRefused(Exception):
    """Something must happen first (the message says what); nothing was deleted."""


def anonymised_email(user):
    return f"deleted-{user.pk}-{get_random_string(8).lower()}@deleted.invalid"


def delete_sessions(user):
    """Delete every session row of `user`. A new password hash already makes them useless,
    but the rows would keep the person's id until they expire. Sessions are signed blobs,
    not columns, so each is opened; a few thousand rows take a fraction of a second."""
    doomed = [
        session.pk
        for session in Session.objects.all().iterator(chunk_size=500)
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def delete_account(user, *, request=None):
    """Remove `user`'s personal data; keep (anonymised) what must be kept. Returns the audit event.

    The user row stays, emptied, so that records the law requires us to keep (payments)
    still point somewhere; nothing in it names the person any more. The audit trail is
    append-only evidence and is not rewritten: lines the person's own actions wrote keep
    the e-mail address they had then (see README: retention of the audit trail).
    """
    with transaction.atomic():
        for eraser in erasers():
            eraser.erase(user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = anonymised_email(user)
        user.name = ""
        user.preferred_name = None
        user.pronouns = None
        user.time_zone = ""
        user.is_active = False
        # A new unusable hash also ends every session the person had open elsewhere.
        user.password = make_password(None)
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        delete_sessions(user)
        return audit.record("account.deleted", actor=user, obj=user, request=request, erased=[e.name for e in erasers()])


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


@lru_cache(maxsize=1)
def _choice_words():
    """{field name: {stored code: its words}} from every model's choices, so the page says
    "Cut down / controlled drinking or use" where the file says `cut_down`."""
    words = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    words.setdefault(field.name, {}).setdefault(value, str(label))
    return words


def readable(value, key="", zone=None):
    """A record's value as one line of words for the HTML page: dates and times as people
    say them (in the person's zone), codes as the words the forms showed."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{name.replace('_', ' ')}: {readable(item, name, zone)}" for name, item in value.items())
    if isinstance(value, list):
        return "; ".join(readable(item, key, zone) for item in value) if value else "—"
    if isinstance(value, str):
        if ISO_MOMENT.match(value):
            try:
                return when_in_words(datetime.fromisoformat(value), zone or UTC)
            except ValueError:
                return value
        if ISO_DAY.fullmatch(value):
            try:
                return day_in_words(date.fromisoformat(value))
            except ValueError:
                return value
        words = _choice_words().get(key, {}).get(value)
        if words:
            return words
        if CODE.fullmatch(value):
            return value.replace("_", " ")
    return str(value)


@lru_cache(maxsize=None)
def _term(key):
    """A record's key as the page's term: "last_sign_in" -> "Last sign in" (keys are ours, a few dozen)."""
    return html.escape(key.replace("_", " ").capitalize())


def _description(text):
    """Escaped text with its line breaks kept, as the linebreaksbr filter writes it (Django's
    escape is the standard library's, behind a check for lazy text that costs more here)."""
    return linebreaksbr(text) if "\n" in text or "\r" in text else html.escape(text)


def readable_records(records, zone=None):
    """A section's records, each as a <dl>'s terms and descriptions, for its HTML page.
    Each record's terms are written here: a full section is up to hundreds of values, and
    the template engine took longer to print them than the queries took to find them."""
    return [
        mark_safe("".join(f"<dt>{_term(key)}</dt><dd>{_description(readable(value, key, zone))}</dd>" for key, value in record.items()))
        for record in records
    ]
