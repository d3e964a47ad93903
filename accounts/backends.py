"""Who is asking: the user of the session, loaded on every request.

Django's ModelBackend builds the ORM query `User.objects.get(pk=...)` anew for every
request, which costs more than the query itself. These backends load the same row with a
core.prepared query: compiled once per process, its columns turned into values by the ORM's
own converters; the sealed fields are left deferred (see _USER).
Everything else (passwords, allauth's sign-in by e-mail, permissions) is the backends' own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import IntegerField

from core.prepared import Arg, PreparedQuery

from .models import User

# Without the two sealed fields (what a client asks to be called, their pronouns): opening
# them cost every request two decryptions for pages that show neither. The few that do
# (Your data, closing an account) fetch them when they read them.
_USER = PreparedQuery(lambda: User.objects.filter(pk=Arg("pk", IntegerField())).defer("preferred_name", "pronouns"))


def load_user(pk):
    """The User with primary key `pk`, or None: one statement, no query building."""
    found = _USER.objects(pk=pk)
    return found[0] if found else None


class QuickUserLoad:
    def get_user(self, user_id):
        # Django has already turned the session's id into the key's type.
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(QuickUserLoad, ModelBackend):
    """Django's ModelBackend (e-mail and password), with the quick per-request load."""


class AllauthBackend(QuickUserLoad, AuthenticationBackend):
    """allauth's backend (its sign-in form and rate limits), with the quick per-request load."""
