import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import login_required


def home(request):
    return render(request, "pages/home.html")


def crisis(request):
    return render(request, "pages/crisis.html")


@login_required
def dashboard(request):
    return render(request, "pages/dashboard.html")


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
