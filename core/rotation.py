"""Re-encrypting every sealed value under the newest key (`manage.py rotate_encryption_keys`),
and proving afterwards that nothing still needs an older one (`--verify`).

Raw SQL on purpose: the model layer would decrypt into a Secret and encrypt afresh,
which is the same result with more work and a window where the plaintext lives in
Python objects. `MultiFernet.rotate` opens each token with whichever key fits (the
field's own keys, or the configured keys themselves for a value sealed before fields
had keys of their own) and seals it with the field's newest key; a token no key opens
stops the run before anything of its batch is written, so a wrong key list can never
destroy data.
"""

from django.db import connection, transaction

from .encryption import encrypted_fields, opens_with_newest_key, rotate_token


def _select_batch(model, fields, *, after, batch_size, lock):
    """The SQL and parameters reading the `batch_size` rows after primary key `after` (None: the first)."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    where = f"WHERE {pk} > %s" if after is not None else ""
    sql = (
        f"SELECT {pk}, {columns} FROM {quote(model._meta.db_table)} {where} "
        f"ORDER BY {pk} LIMIT %s{' FOR UPDATE' if lock else ''}"
    )
    return sql, ([after] if after is not None else []) + [batch_size]


def rotate_model(model, fields, *, batch_size=500):
    """Rotate one model's encrypted columns, `batch_size` rows per transaction. Returns rows touched."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    labels = [field.key_label for field in fields]
    columns = [quote(field.column) for field in fields]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    touched = 0
    last = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            # Signed notes are locked by a trigger; re-sealing their ciphertext is the one
            # change it lets through, in a maintenance window that only the maintenance role
            # (or the tables' owner) may open (core/migrations/0002).
            cursor.execute("SELECT waypoint_begin_maintenance()")
            cursor.execute(*_select_batch(model, fields, after=last, batch_size=batch_size, lock=True))
            rows = cursor.fetchall()
            if not rows:
                return touched
            values = []
            for row_pk, *tokens in rows:
                values.append(row_pk)
                values.extend(None if token is None else rotate_token(token, label) for token, label in zip(tokens, labels, strict=True))
            # One statement per batch rather than one per row: a round trip per row adds up on 10,000 rows.
            placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(rows))
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {placeholders}) AS v({pk}, {', '.join(columns)}) "
                f"WHERE t.{pk} = v.{pk}",
                values,
            )
        touched += len(rows)
        last = rows[-1][0]


def rotate_all(*, batch_size=500, log=None):
    """Rotate every encrypted column of every installed model; {model label: rows}."""
    counts = {}
    for model, fields in encrypted_fields():
        counts[model._meta.label] = rotate_model(model, fields, batch_size=batch_size)
        if log is not None:
            log(f"{model._meta.label}: {counts[model._meta.label]} rows re-encrypted under the newest key")
    return counts


def not_under_newest_key(model, fields, *, batch_size=500):
    """({field label: count} of one model's values that the field's newest key does not open,
    rows read). Reads only, and keeps no plaintext."""
    labels = [field.key_label for field in fields]
    stale = dict.fromkeys(labels, 0)
    rows_read = 0
    last = None
    while True:
        with connection.cursor() as cursor:
            cursor.execute(*_select_batch(model, fields, after=last, batch_size=batch_size, lock=False))
            rows = cursor.fetchall()
        if not rows:
            return {label: count for label, count in stale.items() if count}, rows_read
        for _row_pk, *tokens in rows:
            for token, label in zip(tokens, labels, strict=True):
                if token is not None and not opens_with_newest_key(token, label):
                    stale[label] += 1
        rows_read += len(rows)
        last = rows[-1][0]


def verify_all(*, batch_size=500, log=None):
    """{field label: count} of every value anywhere that the newest key does not open (empty: all do)."""
    stale = {}
    for model, fields in encrypted_fields():
        found, rows_read = not_under_newest_key(model, fields, batch_size=batch_size)
        stale.update(found)
        if log is not None:
            log(f"{model._meta.label}: {rows_read} rows read, {sum(found.values())} values not under the newest key")
    return stale
