"""The site's URLs and one bare view: the yardstick every page is measured against."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

BARE_PATH = "__bench__/ok"


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH, ok, name="bench_ok"), *site_urlpatterns]
