"""The one way anything is written to the audit trail.

The trail is append-only and outlives a deleted account, so what it holds must never need
erasing: its details are ids and kinds only (numbers, yes/no, and short codes such as
"account_deleted", an id or an ISO date), never free text that a person or a remote service
wrote (a reason, a message, an error that may carry an e-mail address). `record` refuses
anything else, so a new call site cannot slip free text in.
"""

import re
from datetime import timedelta
from functools import cache

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.utils import timezone

from .models import AuditEvent


def client_ip(request):
    """The person's address, read the way allauth's rate limits read it: behind
    ALLAUTH_TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For; otherwise the socket's."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No usable address (or a header shorter than the proxies we trust): record none
        # rather than one that a client could have written.
        return None


# A kind, an id or an ISO timestamp: no spaces, no "@", nothing long.
KIND_OR_ID = re.compile(r"[A-Za-z0-9_.:+\-]{0,64}")


def _only_ids_and_kinds(name, value):
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str) and KIND_OR_ID.fullmatch(value):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _only_ids_and_kinds(name, item)
        return
    raise ValueError(f"audit details hold ids and kinds only; {name!r} looks like free text")


def record(action, *, actor=None, obj=None, request=None, **details):
    """Append one event. `actor` defaults to the request's user; `obj` names what was touched;
    `details` are ids and kinds only (see above)."""
    for name, value in details.items():
        _only_ids_and_kinds(name, value)
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    event = AuditEvent(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        details=details,
    )
    _insert(event)
    return event


@cache
def _insert_plan():
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(AuditEvent._meta.pk.column)}"
    )
    return sql, fields


def _insert(event):
    """What `AuditEvent.objects.create` does (each field's value prepared by the field), in
    one statement made once per process: audited pages write a line on every visit, and
    building the ORM's INSERT cost more than PostgreSQL's work. (No signal listens to the
    trail.)"""
    sql, fields = _insert_plan()
    values = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias


def record_many(action, *, actor, objs, request=None, details=lambda obj: {}):
    """Append one event per object in `objs`, in one statement (a page that reads many)."""
    objs = list(objs)
    if not objs:
        return []  # bulk_create would still open a transaction for nothing
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_email=getattr(actor, "email", "") or "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            ip=client_ip(request),
            details=details(obj),
        )
        for obj in objs
    )


def history(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def forget_addresses(*, days=None, now=None):
    """Forget the IP address of every line older than `days` (AUDIT_IP_RETENTION_DAYS).
    Returns how many lines lost theirs. The trigger that keeps the trail append-only lets
    only this through, in the database function that does it (accounts/migrations/0003)."""
    days = settings.AUDIT_IP_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValueError("Audit addresses are kept for at least a day.")
    older_than = (now or timezone.now()) - timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute("SELECT accounts_auditevent_forget_ips(%s)", [older_than])
        return cursor.fetchone()[0]
