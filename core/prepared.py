"""ORM queries compiled once per process, then run with each request's arguments.

Building and compiling a queryset costs Django several times what PostgreSQL takes to
answer a small query (0.3-0.5 ms against well under 0.1 ms here), and a page asks the same
few questions on every request with only the person and the day changed. A
`PreparedQuery` is written as an ORM `values_list` queryset whose changing values are
`Arg`s; the first run compiles it, and every run after that sends the same SQL with that
run's arguments and opens each column through the same converters the ORM uses (sealed
fields open as they do elsewhere), so the rows are the ORM's rows.

    recent = PreparedQuery(lambda: CheckIn.objects.filter(client_id=Arg("client", IntegerField())).values_list("pk", "day"))
    recent.rows(client=user.pk)   # [(pk, day), ...]

Only for SQL that does not depend on the moment it is compiled: no lookups that depend on
the active time zone (`__date`, `__hour` on date-times), no `Now()`; a time goes in as an
`Arg`. tests/test_prepared_queries.py checks each query made this way against the ORM.
"""

from django.db import connections
from django.db.models import DEFERRED, Expression
from django.db.models.query import ValuesListIterable


class Arg(Expression):
    """A value that changes from run to run, named; compiled as a bare placeholder."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Arg({self.name!r})"


class PreparedQuery:
    def __init__(self, build, using="default"):
        """`build()` answers the ORM queryset: a values_list (tuples), with Args for what changes."""
        self.build = build
        self.using = using
        self._plan = None
        self._instances = None

    def _compile(self):
        queryset = self.build()
        if queryset._iterable_class is not ValuesListIterable:
            raise TypeError("A PreparedQuery is a values_list() queryset (not flat, not named).")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("A PreparedQuery does not select composite fields.")
        converters = [(position, tuple(convs), expression) for position, (convs, expression) in compiler.get_converters(fields).items()]
        self._model, self._fields = queryset.model, queryset._fields
        return sql, tuple(params), converters

    def objects(self, **args):
        """The rows as instances of the queryset's model (its values_list names the model's
        fields; any other field is deferred, as with `only()`)."""
        rows = self.rows(**args)
        if self._instances is None:
            # Each selected column's place among the model's fields, in the model's order.
            meta = self._model._meta
            selected = [meta.pk.attname if name == "pk" else meta.get_field(name).attname for name in self._fields]
            names = [field.attname for field in meta.concrete_fields if field.attname in selected]
            order = [selected.index(field.attname) if field.attname in selected else None for field in meta.concrete_fields]
            self._instances = (names, order)
        names, order = self._instances
        return [self._model.from_db(self.using, names, [DEFERRED if i is None else row[i] for i in order]) for row in rows]

    def rows(self, **args):
        """The rows for these arguments, as the ORM's values_list would answer them."""
        if self._plan is None:
            self._plan = self._compile()
        sql, params, converters = self._plan
        params = [args[param.name] if isinstance(param, Arg) else param for param in params]
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, convs, expression in converters:
                value = row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted
