"""Who is asking: the user of the session, loaded on every request.

Django's ModelBackend builds the ORM query `User.objects.get(pk=...)` anew for every
request, which costs more than the query itself. These backends load the same row with one
SQL statement made once per process, and turn it into a User the way the ORM would (each
column through its field's converters, so sealed fields open as they do elsewhere).
Everything else (passwords, allauth's sign-in by e-mail, permissions) is the backends' own.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from .models import User


@cache
def _plan():
    """(SELECT statement, attribute names, converters per column), made once per process."""
    table = User._meta.db_table
    fields = User._meta.concrete_fields
    columns = [field.get_col(table) for field in fields]
    quote = connection.ops.quote_name
    sql = f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(table)} WHERE {quote(User._meta.pk.column)} = %s"
    converters = [connection.ops.get_db_converters(column) + column.get_db_converters(connection) for column in columns]
    return sql, [field.attname for field in fields], converters


def load_user(pk):
    """The User with primary key `pk`, or None: one statement, no query building."""
    sql, names, converters = _plan()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, column_converters in enumerate(converters):
        for converter in column_converters:
            values[position] = converter(values[position], None, connection)
    return User.from_db(connection.alias, names, values)


class QuickUserLoad:
    def get_user(self, user_id):
        # Django has already turned the session's id into the key's type.
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(QuickUserLoad, ModelBackend):
    """Django's ModelBackend (e-mail and password), with the quick per-request load."""


class AllauthBackend(QuickUserLoad, AuthenticationBackend):
    """allauth's backend (its sign-in form and rate limits), with the quick per-request load."""
