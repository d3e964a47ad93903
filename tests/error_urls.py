"""The site's URLs plus one that fails, for the 500 page's tests (pytest.mark.urls)."""

from django.urls import path

from config.urls import handler500, urlpatterns as site_urlpatterns  # noqa: F401  (Django reads handler500 here)


def fails(request):
    raise RuntimeError("a fault for the 500 page's test")


urlpatterns = [*site_urlpatterns, path("a-fault/", fails)]
