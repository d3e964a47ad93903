"""Rate limits on booking, paying, cancelling and moving, per person and per address.

Counted in the shared Redis cache in fixed windows (one counter per person or address per
window, raised with Redis's atomic INCR), so every web process sees the same count. Each
rule is "count/period/scope": period s, m, h or d; scope person or ip. Over a limit, the
person gets a friendly 429 page (the pay page's script gets the same words as JSON) and
nothing is changed. If the cache cannot be reached the request goes through: a Redis
outage must not stop people from booking.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from redis.exceptions import RedisError

from accounts.audit import client_ip

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SCOPES = ("person", "ip")
MESSAGE = (
    "You have done this quite a few times in a short while, so we have paused it for a little. "
    "Nothing was changed. Please wait a few minutes and try again."
)


def parse(rules):
    """'10/h/person,30/h/ip' → [(10, 3600, 'person'), (30, 3600, 'ip')]."""
    parsed = []
    for rule in filter(None, (part.strip() for part in rules.split(","))):
        count, period, scope = rule.split("/")
        if period not in PERIODS or scope not in SCOPES:
            raise ValueError(f"a rate limit reads count/period/scope, e.g. 10/h/person: {rule!r}")
        parsed.append((int(count), PERIODS[period], scope))
    return parsed


def _used(key, seconds):
    # add() starts the window's counter only if it is not there; incr() is atomic in Redis.
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the counter expired between the two calls
        cache.set(key, 1, timeout=seconds + 1)
        return 1


def over_limit(request, action, *, now=None):
    """Count this request against `action`'s limits; True when any of them is exceeded."""
    now = time.time() if now is None else now
    who = {"person": getattr(request.user, "pk", None), "ip": client_ip(request)}
    over = False
    try:
        for count, seconds, scope in parse(settings.RATE_LIMITS.get(action, "")):
            if who[scope] is None:
                continue
            key = f"rate:{action}:{scope}:{who[scope]}:{seconds}:{int(now // seconds)}"
            over = _used(key, seconds) > count or over
    except (RedisError, OSError) as exc:
        log.warning("rate limit for %s not counted, the cache is unavailable: %s", action, exc)
        return False
    return over


def too_many(request):
    if "application/json" in request.headers.get("Accept", ""):
        answer = JsonResponse({"next": "error", "message": MESSAGE}, status=429)
    else:
        answer = render(request, "429.html", {"message": MESSAGE}, status=429)
    answer["Retry-After"] = "300"
    return answer


def limited(action):
    """Decorate a view: each POST counts against `action`'s limits; over them, a 429."""

    def wrap(view):
        @functools.wraps(view)
        def limited_view(request, *args, **kwargs):
            if request.method == "POST" and over_limit(request, action):
                log.info("rate limit %s reached by user %s", action, getattr(request.user, "pk", None))
                return too_many(request)
            return view(request, *args, **kwargs)

        return limited_view

    return wrap
