import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.access import login_required


def home(request):
    return render(request, "pages/home.html")


def crisis(request):
    return render(request, "pages/crisis.html")


@login_required
def dashboard(request):
    return render(request, "pages/dashboard.html")


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
