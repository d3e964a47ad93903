import zoneinfo
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.zones import is_valid_zone

from .access import REFUSED
from .shared_screen import idle_for, mark_seen

LAST_SEEN_KEY = "waypoint.last_seen"


class StaffIdleTimeoutMiddleware:
    """Coaches' and admins' sessions end after STAFF_IDLE_TIMEOUT without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.needs_mfa:
            return self.get_response(request)
        now = timezone.now()
        idle = idle_for(request, LAST_SEEN_KEY, now)
        if idle is not None and idle > settings.STAFF_IDLE_TIMEOUT:
            logout(request)
            messages.info(request, "You were signed out after a while without activity. Please sign in again.")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        response = self.get_response(request)
        # Only a request that was let in counts as activity: a page the guard refused (a
        # wrong role, a missing second step) must not keep an abandoned session alive. The
        # session is written at most once a minute, not on every request.
        let_in = request.user.is_authenticated and not getattr(request, REFUSED, False) and response.status_code != 403
        if let_in:
            mark_seen(request, LAST_SEEN_KEY, now, idle, settings.STAFF_IDLE_TIMEOUT)
        return response


TZ_COOKIE = "waypoint_tz"


def request_zone(request):
    """The viewer's zone: their saved one, else what their browser told us, else UTC."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.zone is not None:
        return user.zone
    name = browser_zone(request)
    return zoneinfo.ZoneInfo(name or "UTC")


def browser_zone(request):
    """The zone the browser told us (static/js/site.js sets the cookie), or ""."""
    name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
    # Only names from the tz database's list: ZoneInfo() itself would open "America" (a
    # folder) or a 300-character name as a file, and fail with an OSError.
    return name if is_valid_zone(name) else ""


class UserTimeZoneMiddleware:
    """Templates show times in the viewer's own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.zone = request_zone(request)
        timezone.activate(request.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
