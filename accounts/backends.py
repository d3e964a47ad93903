"""Who is asking: the user of the session, loaded on every request.

Django's ModelBackend builds the ORM query `User.objects.get(pk=...)` anew for every
request, which costs more than the query itself. These backends load the same row with a
core.prepared query: compiled once per process, its columns turned into values by the ORM's
own converters; the sealed fields are left deferred (see _USER).
Everything else (passwords, allauth's sign-in by e-mail, permissions) is the backends' own.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import IntegerField, OuterRef, Subquery

from core.prepared import Arg, PreparedQuery

from .models import User

# What most pages ask about the person besides their account (how many messages they have
# not read, whether their intake is approved), registered by the apps that know it and
# fetched in the same statement as the account: a round trip each saved on every request.
_FACTS = {}
NOT_ASKED = object()


def asked_with_the_user(name, expression):
    """Fetch `expression(me)` (`me`: the person's id, an OuterRef) with the signed-in person
    on every request, read with `asked(user, name)`. Registered at start-up (AppConfig.ready)."""
    if _USER._plan is not None:
        raise RuntimeError(f"{name} was registered after the first request: register it in AppConfig.ready().")
    _FACTS[name] = expression


def asked(user, name):
    """The fact `name` as fetched with `user` for this request, or NOT_ASKED (a person loaded
    some other way, or a fact this request has changed since: ask the database)."""
    return getattr(user, f"asked_{name}", NOT_ASKED)


def forget_asked(user, name=None):
    """This request changed the fact (None: any of them): whoever asks next asks the database."""
    for each in [name] if name is not None else list(_FACTS):
        try:
            delattr(user, f"asked_{each}")
        except AttributeError:
            pass


class PersonValue:
    """One value about a person (where their intake stands), from one row at most: fetched
    with the signed-in person once registered (`register()`, in AppConfig.ready), asked on
    its own for anyone else (a prepared query). `rows(me)` is the person's rows for an id
    expression `me`; `column` the value's field."""

    def __init__(self, name, rows, column):
        self.name = name
        self.rows = rows
        self.column = column
        self._alone = PreparedQuery(lambda: rows(Arg("person", IntegerField())).values_list(column)[:1])

    def expression(self, me):
        return Subquery(self.rows(me).values(self.column)[:1])

    def register(self):
        asked_with_the_user(self.name, self.expression)

    def of(self, user):
        """The value for `user`, or None (no row, or nobody signed in)."""
        if not getattr(user, "is_authenticated", False):
            return None
        known = asked(user, self.name)
        if known is NOT_ASKED:
            found = self._alone.rows(person=user.pk)
            known = found[0][0] if found else None
        return known


def _user_with_facts():
    # Without the two sealed fields (what a client asks to be called, their pronouns): opening
    # them cost every request two decryptions for pages that show neither. The few that do
    # (Your data, closing an account) fetch them when they read them.
    users = User.objects.filter(pk=Arg("pk", IntegerField())).defer("preferred_name", "pronouns").order_by()
    return users.annotate(**{f"asked_{name}": expression(OuterRef("pk")) for name, expression in _FACTS.items()})


_USER = PreparedQuery(_user_with_facts)


def load_user(pk):
    """The User with primary key `pk` and the facts asked with it, or None: one statement,
    no query building. For the signed-in person; `load_person` for someone a page shows."""
    found = _USER.objects(pk=pk)
    return found[0] if found else None


_PERSON = PreparedQuery(lambda: User.objects.filter(pk=Arg("pk", IntegerField())))


def load_person(pk):
    """Someone a page is about (a coach's client), whole: their sealed name and pronouns
    opened, nothing asked about them. None when there is nobody with that id."""
    found = _PERSON.objects(pk=pk)
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
