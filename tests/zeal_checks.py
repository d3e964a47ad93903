"""Zeal's middleware for the suite, minus Django's own admin.

The admin's inline formsets check each row's id with a query of its own when a form comes
back with errors: Django's N+1, in a page only admins use, which we do not write and cannot
change. Every page of ours is still checked."""

from django.urls import reverse
from zeal.middleware import zeal_middleware


def zeal_except_djangos_admin(get_response):
    checked = zeal_middleware(get_response)

    def middleware(request):
        if request.path.startswith(reverse("admin:index")):
            return get_response(request)
        return checked(request)

    return middleware
