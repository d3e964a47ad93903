from django.utils.functional import SimpleLazyObject

from .paths import paths_of


def ways_in(request):
    """`ways_in.about_me` / `ways_in.worried` for the pages' words; asked only by a page that uses it."""
    user = getattr(request, "user", None)
    return {"ways_in": SimpleLazyObject(lambda: paths_of(user))}
