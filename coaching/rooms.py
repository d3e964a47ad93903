"""Where a session happens: the coach's own meeting link, or a private video room."""

import secrets

from django.conf import settings

DEFAULT_VIDEO_ROOM_BASE = "https://meet.jit.si/"


def new_video_room_url():
    """A random, unguessable Jitsi-style room (about 128 bits), one per booking."""
    base = getattr(settings, "VIDEO_ROOM_BASE_URL", DEFAULT_VIDEO_ROOM_BASE).rstrip("/") + "/"
    return f"{base}waypoint-{secrets.token_urlsafe(16).replace('_', 'x').replace('-', 'y')}"


def meeting_link_for(coach):
    """The link for a new booking with `coach`: theirs if they set one, else a fresh room."""
    return coach.meeting_link or new_video_room_url()
