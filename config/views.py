import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import login_required

from . import dashboards


def home(request):
    return render(request, "pages/home.html")


def crisis(request):
    return render(request, "pages/crisis.html")


# Only if the site's own 500 page cannot be drawn at all (a template or static file missing).
BARE_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Waypoint</title></head>'
    "<body><main><h1>Something went wrong on our side</h1><p>Please try again in a few minutes.</p>"
    '<p><a href="/">Waypoint\'s home page</a></p>'
    '<p>If you need to talk to someone now, <a href="/help-now/">see who you can call or text, at any hour</a>.</p>'
    "</main></body></html>"
)


def server_error(request):
    """handler500: the site's layout, drawn with no request context. The database, the session
    or a context processor may be what failed, so nothing here reads them; Quick exit is
    shown to everyone, since who is asking cannot be known safely."""
    try:
        body = loader.get_template("500.html").render({"shows_quick_exit": True, "quick_exit_url": settings.QUICK_EXIT_URL})
    except Exception:
        body = BARE_SERVER_ERROR
    return HttpResponseServerError(body)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; ours is a static file."""
    return redirect(static("favicon.ico"), permanent=True)


@login_required
def dashboard(request):
    now = timezone.now()
    return render(request, "pages/dashboard.html", {"now": now, **dashboards.for_user(request.user, now)})


@login_required
@require_POST
def still_here(request):
    """"Stay signed in": the request itself is the activity the idle limit counts."""
    return HttpResponse(status=204)


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_answers():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return client.ping() is True
    except redis.RedisError:
        return False
    finally:
        client.close()


@never_cache
def healthz(request):
    checks = {"database": _database_answers(), "redis": _redis_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "down" for k, v in checks.items()}},
        status=200 if healthy else 503,
    )
