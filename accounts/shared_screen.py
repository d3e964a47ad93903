"""Safe on a shared or watched screen.

Many clients use a shared phone or computer, or live with someone who should not know.
Nothing a signed-in person saw may stay in the browser's caches (Back after signing out,
the disk cache), and a client who walks away is signed out after CLIENT_IDLE_TIMEOUT
(the page warns a minute before: static/js/idle-notice.js). Staff have their own, shorter
limit (accounts/middleware.py); this one is the clients'.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import Role

CLIENT_LAST_SEEN_KEY = "waypoint.client_last_seen"
# Writing the session on every request only to move an idle timer costs a database write
# per page; once a minute is enough, at the price of a session ending up to a minute early.
LAST_SEEN_EVERY = timedelta(minutes=1)


def is_background(request):
    """A request the page makes by itself (the messages' poll), not the person: it must not
    keep an unattended session alive."""
    return request.headers.get("X-Waypoint-Background") == "1"


def idle_for(request, key, now):
    """How long since the session's last counted request (None before the first)."""
    last_seen = request.session.get(key)
    return now - datetime.fromisoformat(last_seen) if last_seen else None


def mark_seen(request, key, now, idle, limit):
    """Move the idle timer, writing the session at most once a minute (or a tenth of a
    shorter `limit`, so that a session never ends much before its time). A request the page
    makes by itself (see `is_background`) is not the person, and moves nothing."""
    if is_background(request):
        return
    if idle is None or idle >= min(LAST_SEEN_EVERY, limit / 10):
        request.session[key] = now.isoformat()


class PrivateResponsesMiddleware:
    """Every response to a signed-in person says `Cache-Control: no-store, private`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


def idle_seconds(user):
    """How long a signed-in client may be away before being signed out; None for others."""
    if user is not None and user.is_authenticated and user.role == Role.CLIENT:
        return int(settings.CLIENT_IDLE_TIMEOUT.total_seconds())
    return None


class ClientIdleTimeoutMiddleware:
    """A client's session ends after CLIENT_IDLE_TIMEOUT without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if idle_seconds(user) is not None:
            now = timezone.now()
            idle = idle_for(request, CLIENT_LAST_SEEN_KEY, now)
            if idle is not None and idle >= settings.CLIENT_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, "You were signed out after a while without activity, to keep your information private. Please sign in again."
                )
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            mark_seen(request, CLIENT_LAST_SEEN_KEY, now, idle, settings.CLIENT_IDLE_TIMEOUT)
        return self.get_response(request)
