"""ORM queries compiled once per process, then run with each request's arguments.

Building and compiling a queryset costs Django several times what PostgreSQL takes to
answer a small query (0.3-1.5 ms against well under 0.1 ms here), and a page asks the same
few questions on every request with only the person and the moment changed. A
`PreparedQuery` is written as an ORM queryset whose changing values are `Arg`s; the first
run compiles it, and every run after that sends the same SQL with that run's arguments and
turns the rows into what the ORM would have answered, through the ORM's own converters
(sealed fields open as they do elsewhere):

    LOG = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).values_list("pk", "day"))
    LOG.rows(client=user.pk)        # a values_list queryset: [(pk, day), ...]

    NEXT = PreparedQuery(lambda: Booking.objects.filter(client=Arg("client", IntegerField())).select_related("coach")[:1])
    NEXT.objects(client=user.pk)    # a queryset of models (only(), select_related()): [Booking]

PostgreSQL is asked to prepare each one once per connection (PREPARE, in the same round
trip as its first EXECUTE): parsing and planning a join cost it several times what running
it does (the unread count: 0.35 ms planned each time, 0.08 ms prepared). A connection that
goes through a pooler in transaction mode (PgBouncer) cannot keep prepared statements:
PREPARED_STATEMENTS = False in the settings (env DB_PREPARED_STATEMENTS=0) turns it off.

Only for SQL that does not depend on the moment it is compiled: no lookups that depend on
the active time zone (`__date`, `__hour` on date-times), no `Now()`, no prefetching; a time
goes in as an `Arg`. tests/test_prepared_queries.py checks each query made this way against
the ORM.
"""

import datetime
import itertools
import re
import weakref

from django.conf import settings
from django.db import DatabaseError
from django.db import connections
from django.core.paginator import Page, Paginator
from django.db.models import Count, Expression, IntegerField, Window
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators


class Arg(Expression):
    """A value that changes from run to run, named; compiled as a bare placeholder."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Arg({self.name!r})"


# Every prepared query made, so that a test can compile them all (tests/test_prepared_queries.py).
EVERY = weakref.WeakSet()

# SQL that would carry the moment or the zone of the first run into every later one.
_MOMENT_SQL = ("AT TIME ZONE", "NOW()", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "STATEMENT_TIMESTAMP", "CLOCK_TIMESTAMP", "TRANSACTION_TIMESTAMP")


def _refuse_the_moment(sql, params):
    """A prepared query is compiled once and run for the life of the process: SQL that depends
    on the active zone (`__date`, `__hour` on date-times) or the clock, and a time or date
    fixed when the lambda ran, would answer every later request with the first one's."""
    upper = sql.upper()
    found = [word for word in _MOMENT_SQL if word in upper]
    if found:
        raise TypeError(f"A PreparedQuery may not depend on the moment it is compiled ({', '.join(found)}): pass times as Args.")
    fixed = [param for param in params if not isinstance(param, Arg) and isinstance(param, (datetime.date, datetime.time, datetime.timedelta))]
    if fixed:
        raise TypeError(f"A PreparedQuery may not fix a time when it is compiled ({fixed[0]!r}): pass it as an Arg.")


# PostgreSQL's invalid_sql_statement_name: EXECUTE of a statement the connection does not hold.
_NOT_PREPARED = "26000"


_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%%|%s")


def _numbered(sql):
    """Django's SQL with `%s` placeholders as PostgreSQL's $1, $2, ... (`%%` kept for the
    driver, which sends it as `%`)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: m.group() if m.group() == "%%" else f"${next(numbers)}", sql)


class _Prepared:
    """What is prepared on one database connection: the names, and the round they belong to.
    After an error nobody can tell which statements the connection still holds, so a new
    round begins: names never prepared before (the old ones are left to the connection)."""

    def __init__(self, raw):
        self.raw = raw
        self.round = 0
        self.names = set()

    def forget(self):
        self.round += 1
        self.names = set()


def _prepared_on(connection):
    """What is prepared on this database connection (nothing, after a reconnect)."""
    prepared = getattr(connection, "_waypoint_prepared", None)
    if prepared is None or prepared.raw is not connection.connection:
        prepared = connection._waypoint_prepared = _Prepared(connection.connection)
    return prepared


_INTEGERS = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField",
}


def _is_integer(param):
    return isinstance(param, Arg) and param.output_field.get_internal_type() in _INTEGERS


def _fits_bigint(value):
    return not isinstance(value, int) or -(2**63) <= value < 2**63


# Each query by its statement's name, for `statement_sql`.
_BY_NAME = weakref.WeakValueDictionary()


def statement_sql(sent):
    """The SQL behind a statement as sent (`EXECUTE waypoint_7_0(...)` is the prepared query's
    SQL): for tests that read what a page asked."""
    match = re.match(r"EXECUTE (waypoint_\d+)_\d+", sent)
    if match and match.group(1) in _BY_NAME:
        return _BY_NAME[match.group(1)]._plan[0]
    return sent


class PreparedQuery:
    def __init__(self, build, using="default", *, paged=False):
        """`build()` answers the ORM queryset, with Args for what changes. A `paged` query
        also takes `limit` and `offset` (see `page_of`)."""
        self.build = build
        self.using = using
        self.paged = paged
        self._plan = None
        self._name = f"waypoint_{next(_NAMES)}"
        _BY_NAME[self._name] = self
        EVERY.add(self)

    def _statement(self, connection, sql, count):
        """The SQL to send: EXECUTE of the prepared statement, preceded by its PREPARE the
        first time on this connection (one round trip either way)."""
        if connection.vendor != "postgresql" or not getattr(settings, "PREPARED_STATEMENTS", True):
            return sql, None
        prepared = _prepared_on(connection)
        name = f"{self._name}_{prepared.round}"
        execute = f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
        if name in prepared.names:
            return execute, None
        types = f"({', '.join(self._plan[4])})" if count else ""
        return f"PREPARE {name}{types} AS {_numbered(sql)}; {execute}", (prepared, name)

    def _execute(self, connection, cursor, sql, params):
        statement, new = self._statement(connection, sql, len(params))
        try:
            cursor.execute(statement, params)
        except Exception:
            if statement is not sql:
                # Nobody can tell what the connection holds now: prepare afresh next time.
                _prepared_on(connection).forget()
            raise
        if new is not None:
            new[0].names.add(new[1])

    def _compile(self):
        queryset = self.build()
        kind = queryset._iterable_class
        if kind not in (ValuesListIterable, ModelIterable):
            raise TypeError("A PreparedQuery is a queryset of models, or a values_list() (not flat, not named).")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("A PreparedQuery runs one statement: no prefetching.")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        _refuse_the_moment(sql, params)
        if self.paged:
            if queryset.query.is_sliced or not queryset.ordered:
                raise TypeError("A paged PreparedQuery is ordered and not sliced: its pages come from limit and offset.")
            sql += " LIMIT %s OFFSET %s"
            params = (*params, Arg("limit", IntegerField()), Arg("offset", IntegerField()))
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("A PreparedQuery does not select composite fields.")
        converters = [(position, tuple(convs), expression) for position, (convs, expression) in compiler.get_converters(fields).items()]
        models = None
        if kind is ModelIterable:
            # What ModelIterable works out from the compiler, kept for every run.
            klass_info = compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [selected[0].target.attname for selected in compiler.select[start:end]]
            populators = get_related_populators(klass_info, compiler.select, self.using)
            models = (klass_info["model"], start, end, init_list, populators, compiler.annotation_col_map)
        # An integer Arg is a bigint to PostgreSQL whatever its column (an int4 column
        # compares with it as it would with a literal); the rest take their column's type.
        types = tuple("bigint" if _is_integer(param) else "unknown" for param in params)
        return sql, tuple(params), converters, models, types

    def _run(self, args):
        if self._plan is None:
            self._plan = self._compile()
        sql, params, converters, models, types = self._plan
        params = [args[param.name] if isinstance(param, Arg) else param for param in params]
        if any(type_ == "bigint" and not _fits_bigint(value) for type_, value in zip(types, params, strict=True)):
            # An id past bigint (a made-up URL) matches nothing: the ORM answers no rows, and
            # a bigint parameter would refuse it with an error.
            return [], models
        connection = connections[self.using]
        with connection.cursor() as cursor:
            try:
                self._execute(connection, cursor, sql, params)
            except DatabaseError as error:
                # The connection lost its prepared statements (DISCARD ALL, a pooler): outside
                # a transaction nothing was half-done, so prepare and run again.
                if getattr(error.__cause__, "pgcode", None) != _NOT_PREPARED or connection.in_atomic_block:
                    raise
                self._execute(connection, cursor, sql, params)
            rows = cursor.fetchall()
        if converters:
            converted = []
            for row in rows:
                row = list(row)
                for position, convs, expression in converters:
                    value = row[position]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[position] = value
                converted.append(tuple(row))
            rows = converted
        return rows, models

    def rows(self, **args):
        """The rows of a values_list queryset for these arguments, as the ORM answers them."""
        rows, models = self._run(args)
        if models is not None:
            raise TypeError("This PreparedQuery answers models: use objects().")
        return rows

    def objects(self, **args):
        """The models of a model queryset for these arguments, as the ORM answers them
        (fields left out by only() deferred, select_related() ones attached)."""
        rows, models = self._run(args)
        if models is None:
            raise TypeError("This PreparedQuery answers rows: use rows().")
        model, start, end, init_list, populators, annotations = models
        found = []
        for row in rows:
            obj = model.from_db(self.using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


# The name of the annotation a paged query carries: how many rows all its pages hold.
TOTAL = "prepared_total"


def counted(queryset):
    """`queryset` with every row carrying how many rows there are in all (COUNT(*) OVER ()),
    for a `paged` PreparedQuery: the page and its paginator's count in one statement."""
    return queryset.annotate(**{TOTAL: Window(Count("*"))})


def page_of(query, number, per_page, **args):
    """Page `number` of a paged PreparedQuery built on `counted(...)`, as Django's
    `Paginator.get_page` answers it (a number that is not one: the first page; past the
    end or below 1: the last), without Paginator's separate count: one statement (three when asked
    past the end)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= 10**6:
        number = 10**6  # below 1, as Django's: the last page (and an offset PostgreSQL can take)
    rows = query.objects(**args, limit=per_page, offset=(number - 1) * per_page)
    if rows:
        total = getattr(rows[0], TOTAL)
    else:
        # Past the end (or nothing at all): the count from the first page, then the last page.
        first = query.objects(**args, limit=1, offset=0)
        total = getattr(first[0], TOTAL) if first else 0
        number = max((total + per_page - 1) // per_page, 1)
        rows = query.objects(**args, limit=per_page, offset=(number - 1) * per_page) if total else []
    paginator = Paginator([], per_page)
    paginator.count = total  # what Paginator would have counted (a cached property)
    return Page(rows, number, paginator)
