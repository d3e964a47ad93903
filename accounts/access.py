"""Who may reach which page: the one guard every role-limited view goes through.

Coaches and admins read health information. Until they have set up two-factor
authentication every page of theirs sends them to set it up; after that, a page opens
only in a session whose own log-in passed the second step (allauth's authentication
records), not merely because the account has a device. Objects are scoped by each
model's `visible_to(user)` queryset; another person's object answers 404.
"""

from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.prepared import Arg, PreparedQuery

from .models import Role

# Set on a request the guard turned away: such a request does not count as activity.
REFUSED = "waypoint_access_refused"


# Asked on every page of a coach's or an admin's: compiled once (core.prepared).
_TOTP = PreparedQuery(
    lambda: Authenticator.objects.filter(user_id=Arg("user", IntegerField()), type=Authenticator.Type.TOTP).values_list("pk")[:1]
)


def has_mfa(user):
    return bool(_TOTP.rows(user=user.pk))


def passed_second_step(request, user):
    """Whether this session's log-in (or its enrolment) proved the second factor."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def mfa_setup_redirect(request):
    return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")


def refused(request):
    setattr(request, REFUSED, True)


def check(request, roles):
    """None when the request may go on; otherwise the response that stops it."""
    user = request.user
    if not user.is_authenticated:
        refused(request)
        return redirect_to_login(request.get_full_path())
    if roles and user.role not in roles:
        refused(request)
        raise PermissionDenied
    if user.needs_mfa and not has_mfa(user):
        refused(request)
        return mfa_setup_redirect(request)
    if user.needs_mfa and not passed_second_step(request, user):
        # Signed in with a password alone while the account had no device yet; a device
        # added since (from anywhere) does not make this session trusted.
        refused(request)
        next_path = request.get_full_path()
        logout(request)
        messages.info(request, "Please sign in again with your two-step code.")
        return redirect_to_login(next_path)
    return None


def role_required(*roles):
    """Decorator: the user is logged in, has one of `roles` (any role if none), and MFA if staff."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            stop = check(request, roles)
            if stop is not None:
                return stop
            return view(request, *args, **kwargs)

        guarded.allowed_roles = roles
        return guarded

    return decorator


client_required = role_required(Role.CLIENT)
coach_required = role_required(Role.COACH)
admin_required = role_required(Role.ADMIN)
login_required = role_required()


class RoleRequiredMixin:
    """The same guard for class-based views: set `allowed_roles`."""

    allowed_roles = ()

    def dispatch(self, request, *args, **kwargs):
        stop = check(request, self.allowed_roles)
        if stop is not None:
            return stop
        return super().dispatch(request, *args, **kwargs)


def get_visible_or_404(model_or_queryset, user, **lookup):
    """Fetch one object through the model's `visible_to(user)` scope; anything else is a 404."""
    queryset = getattr(model_or_queryset, "objects", model_or_queryset)
    return get_object_or_404(queryset.visible_to(user), **lookup)


class _Asker(Arg):
    """Who is asking, as `visible_to(user)` reads them, with their id left as an Arg: the
    model's own scope, compiled once for everyone of one role."""

    is_authenticated = True

    def __init__(self, role, is_active):
        super().__init__("asker", IntegerField())
        self.role = role
        self.is_active = is_active

    @property
    def pk(self):
        return self

    id = pk


class VisibleOne:
    """`get_visible_or_404` for a page asked on every visit: the same `visible_to(user)`
    scope (the model's, not a copy), compiled once per role by core.prepared.

        DETAIL = VisibleOne(lambda: Booking.objects.select_related("coach"))
        booking = DETAIL.get_or_404(request.user, pk)
    """

    def __init__(self, build):
        self.build = build
        self._by_role = {}

    def _query(self, user):
        key = (user.role, user.is_active) if user.is_authenticated else None
        if key not in self._by_role:
            scoped = self.build().visible_to(_Asker(*key) if key else AnonymousUser())
            nobody = scoped.query.is_empty()
            self._by_role[key] = None if nobody else PreparedQuery(lambda scoped=scoped: scoped.filter(pk=Arg("pk", IntegerField())))
        return self._by_role[key]

    def get_or_404(self, user, pk):
        query = self._query(user)
        found = query.objects(asker=user.pk, pk=pk) if query is not None else []
        if not found:
            raise Http404("Nothing here.")
        return found[0]
