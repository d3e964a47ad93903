"""The one way anything is written to the audit trail."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

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


def record(action, *, actor=None, obj=None, request=None, **details):
    """Append one event. `actor` defaults to the request's user; `obj` names what was touched."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        details=details,
    )


def record_many(action, *, actor, objs, request=None, details=lambda obj: {}):
    """Append one event per object in `objs`, in one statement (a page that reads many)."""
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
