"""Moving plain columns to encryption in a migration, and back.

`seal_fields(table, columns)` gives the operations a migration needs to turn each plain
column into an encrypted field of the same name:

1. the plain column is renamed `plain_<name>` and an empty text column takes its name
   (in the migration state, the field becomes the encrypted one);
2. `seal_columns` fills it, `batch_size` rows at a time, through the historical field
   itself, so each value is sealed exactly as the app seals it, under the field's key;
3. the sealed column is made NOT NULL and the plain one is dropped.

Every step has its reverse: unapplying brings the plain columns back, `open_columns`
writes the opened values into them, and the encrypted columns go. The keys that sealed
the values must still be configured to unapply.

The schema steps are SQL (one statement list each) rather than a RenameField and an
AddField per column: with dozens of columns, Django would re-render the models after
every operation, and that cost is paid by every test run that builds its database.
Rows are read and written by primary key in batches, so memory stays flat on a large
table; everything runs in the migration's one transaction, so a failure leaves every row
as it was.
"""

from dataclasses import dataclass

from django.db import connection, migrations

PLAIN_PREFIX = "plain_"


@dataclass(frozen=True)
class PlainColumn:
    """A column as it was before sealing: its name, SQL type, and whether it was NOT NULL."""

    name: str
    sql_type: str
    not_null: bool = True
    # PositiveSmallIntegerField's CHECK (column >= 0), put back when the column comes back.
    non_negative: bool = False

    @property
    def plain(self):
        return PLAIN_PREFIX + self.name


def _q(name):
    return connection.ops.quote_name(name)


def set_aside_sql(table, columns):
    """Step 1 forwards and backwards: (statements, reverse statements)."""
    table = _q(table)
    forwards = [f"ALTER TABLE {table} RENAME COLUMN {_q(c.name)} TO {_q(c.plain)}" for c in columns]
    forwards += [f"ALTER TABLE {table} ADD COLUMN {_q(c.name)} text NULL" for c in columns]
    backwards = [f"ALTER TABLE {table} DROP COLUMN {_q(c.name)}" for c in columns]
    backwards += [f"ALTER TABLE {table} RENAME COLUMN {_q(c.plain)} TO {_q(c.name)}" for c in columns]
    backwards += [f"ALTER TABLE {table} ALTER COLUMN {_q(c.name)} SET NOT NULL" for c in columns if c.not_null]
    return forwards, backwards


def drop_plain_sql(table, columns, *, nullable=()):
    """Step 3 forwards and backwards: (statements, reverse statements). `nullable` names the
    encrypted fields that may hold NULL; the others are NOT NULL once sealed."""
    table = _q(table)
    forwards = [f"ALTER TABLE {table} ALTER COLUMN {_q(c.name)} SET NOT NULL" for c in columns if c.name not in nullable]
    forwards += [f"ALTER TABLE {table} DROP COLUMN {_q(c.plain)}" for c in columns]
    backwards = [
        f"ALTER TABLE {table} ADD COLUMN {_q(c.plain)} {c.sql_type} NULL"
        + (f" CHECK ({_q(c.plain)} >= 0)" if c.non_negative else "")
        for c in columns
    ]
    backwards += [f"ALTER TABLE {table} ALTER COLUMN {_q(c.name)} DROP NOT NULL" for c in columns if c.name not in nullable]
    return forwards, backwards


def _rows(table, pk, columns, *, batch_size):
    selected = ", ".join(_q(column) for column in columns)
    last = None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {_q(pk)} > %s" if last is not None else ""
            cursor.execute(
                f"SELECT {_q(pk)}, {selected} FROM {_q(table)} {where} ORDER BY {_q(pk)} LIMIT %s",
                ([last] if last is not None else []) + [batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _update(table, pk, assignments, updates):
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_q(table)} SET {', '.join(assignments)} WHERE {_q(pk)} = %s", updates)


def seal_columns(model, columns, *, batch_size=500):
    """Step 2: seal each `plain_<name>` into the encrypted field `name` of (historical) `model`. Returns rows."""
    table, pk = model._meta.db_table, model._meta.pk.column
    fields = [model._meta.get_field(c.name) for c in columns]
    sealed = 0
    for rows in _rows(table, pk, [c.plain for c in columns], batch_size=batch_size):
        updates = [
            [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)] + [row_pk]
            for row_pk, *values in rows
        ]
        _update(table, pk, [f"{_q(field.column)} = %s" for field in fields], updates)
        sealed += len(rows)
    return sealed


def open_columns(model, columns, *, batch_size=500):
    """Step 2 backwards: write each encrypted field, opened, into its `plain_<name>`. Returns rows."""
    table, pk = model._meta.db_table, model._meta.pk.column
    fields = [model._meta.get_field(c.name) for c in columns]
    opened = 0
    for rows in _rows(table, pk, [field.column for field in fields], batch_size=batch_size):
        updates = []
        for row_pk, *tokens in rows:
            values = [field.from_db_value(token, None, connection) for field, token in zip(fields, tokens, strict=True)]
            updates.append([None if value is None else value.reveal() for value in values] + [row_pk])
        # The cast types an array psycopg2 cannot type by itself (an empty one, or one of only NULLs).
        _update(table, pk, [f"{_q(c.plain)} = %s::{c.sql_type}" for c in columns], updates)
        opened += len(rows)
    return opened


def seal_fields(app_label, model_name, table, columns, encrypted_fields):
    """The operations that seal `columns` ([PlainColumn]) of `table` into `encrypted_fields`
    ({name: a function making the new field}), in order."""

    def seal(apps, schema_editor):
        seal_columns(apps.get_model(app_label, model_name), columns)

    def unseal(apps, schema_editor):
        open_columns(apps.get_model(app_label, model_name), columns)

    set_aside, put_back = set_aside_sql(table, columns)
    drop, restore = drop_plain_sql(table, columns, nullable={c.name for c in columns if encrypted_fields[c.name]().null})
    return [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(set_aside, put_back)],
            state_operations=[
                migrations.AlterField(model_name.lower(), c.name, encrypted_fields[c.name]()) for c in columns
            ],
        ),
        migrations.RunPython(seal, unseal),
        migrations.RunSQL(drop, restore),
    ]
