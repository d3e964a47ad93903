"""The two ways in: "It's about me" and "I'm worried about someone". A person chooses at
sign-up or later from the dashboard, and can add the other way at any time; the pages
adapt their words to the ways a person has."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import IntegerField

from accounts.audit import record
from accounts.backends import NOT_ASKED, PersonValue, asked, forget_asked
from core.prepared import Arg, PreparedQuery

from .models import Path, PathChoice


@dataclass(frozen=True)
class Paths:
    about_me: bool
    worried: bool

    @property
    def both(self):
        return self.about_me and self.worried


ABOUT_ME_ONLY = Paths(about_me=True, worried=False)


def paths_of(user):
    """The ways in `user` has. Someone who never chose (who joined before families could) is on the way about themselves."""
    if not getattr(user, "is_authenticated", False) or not user.is_client:
        return Paths(about_me=False, worried=False)
    about_me = asked(user, ABOUT_ME.name)
    if about_me is not NOT_ASKED:
        return ABOUT_ME_ONLY if about_me is None else Paths(about_me, asked(user, WORRIED.name))
    choice = _CHOICE.rows(person=user.pk)
    return ABOUT_ME_ONLY if not choice else Paths(*choice[0])


def _choice_of(me):
    return PathChoice.objects.filter(person=me).order_by()  # one a person at most


# Asked on most of a client's pages (the menu's words, the dashboard, the progress pages):
# fetched with the signed-in person (registered in apps.py), None when never chosen.
ABOUT_ME = PersonValue("path_about_me", _choice_of, "about_me")
WORRIED = PersonValue("path_worried", _choice_of, "worried")


# For anyone else, both at once: compiled once (core.prepared).
_CHOICE = PreparedQuery(lambda: _choice_of(Arg("person", IntegerField())).values_list("about_me", "worried")[:1])


def choose(user, path, *, request=None):
    """Sign-up's choice: this way only."""
    path = Path(path)
    with transaction.atomic():
        PathChoice.objects.update_or_create(
            person=user, defaults={"about_me": path == Path.ABOUT_ME, "worried": path == Path.WORRIED}
        )
        forget_asked(user)  # the ways in fetched with them are behind now
        record("path.chosen", actor=user, obj=user, request=request, path=path.value)


def add(user, path, *, request=None):
    """Add a way in, keeping the one the person has. Adding one they have changes nothing."""
    path = Path(path)
    with transaction.atomic():
        current = paths_of(user)
        wanted = Paths(about_me=current.about_me or path == Path.ABOUT_ME, worried=current.worried or path == Path.WORRIED)
        if wanted == current and PathChoice.objects.filter(person=user).exists():
            return wanted
        PathChoice.objects.update_or_create(person=user, defaults={"about_me": wanted.about_me, "worried": wanted.worried})
        forget_asked(user)  # the ways in fetched with them are behind now
        record("path.added", actor=user, obj=user, request=request, path=path.value)
    return wanted
