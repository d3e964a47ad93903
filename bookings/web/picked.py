"""The time someone picked before they could book it (a visitor before signing up, a client
before their intake is approved), kept in their session through sign-up, e-mail
verification and the intake, and offered again when they can act on it."""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachProfile, SessionType
from coaching.slot_days import booking_url
from core.zones import UTC

SESSION_KEY = "waypoint_picked_time"


@dataclass(frozen=True)
class PickedTime:
    coach: CoachProfile
    session_type: SessionType
    start: datetime

    @property
    def url(self):
        return booking_url(self.coach, self.session_type, self.start)


def remember(request, coach_id, type_id, start):
    request.session[SESSION_KEY] = {"coach": coach_id, "type": type_id, "start": start.astimezone(UTC).isoformat()}


def forget(request):
    request.session.pop(SESSION_KEY, None)


def picked(request):
    """The remembered time while it is still ahead and its coach still listed, else None."""
    kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(kept, dict):
        return None
    try:
        start = datetime.fromisoformat(kept["start"])
        session_type = (
            SessionType.objects.select_related("coach")
            .filter(pk=int(kept["type"]), coach_id=int(kept["coach"]), is_active=True, coach__in=CoachProfile.objects.listed())
            .first()
        )
    except (KeyError, TypeError, ValueError):
        return None
    if session_type is None or start <= timezone.now():
        return None
    return PickedTime(coach=session_type.coach, session_type=session_type, start=start)


def kept_for_visitors(parse_start, parse_id):
    """For the booking page: a visitor who picked a time is sent to sign up (then back to
    it), and the time is remembered in case the way back is long (verification, intake)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated and request.method == "GET":
                start = parse_start(request.GET.get("start"))
                coach_id, type_id = parse_id(request.GET.get("coach")), parse_id(request.GET.get("type"))
                if start is not None and coach_id and type_id:
                    remember(request, coach_id, type_id, start)
                    return redirect(f"{reverse('account_signup')}?{urlencode({'next': request.get_full_path()})}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
