"""Re-encrypting every sealed value under the newest key (`manage.py rotate_note_keys`).

Raw SQL on purpose: the model layer would decrypt into a Secret and encrypt afresh,
which is the same result with more work and a window where the plaintext lives in
Python objects. `MultiFernet.rotate` opens each token with whichever key fits and seals
it with the newest; a token no key opens stops the run before anything of its batch is
written, so a wrong key list can never destroy data.
"""

from django.db import connection, transaction

from .encryption import encrypted_fields, rotate_token


def rotate_model(model, fields, *, batch_size=500):
    """Rotate one model's encrypted columns, `batch_size` rows per transaction. Returns rows touched."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    touched = 0
    last = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            # Signed notes are locked by a trigger; re-sealing their ciphertext is the one
            # change it lets through, in a maintenance window that only the maintenance role
            # (or the tables' owner) may open (core/migrations/0002).
            cursor.execute("SELECT waypoint_begin_maintenance()")
            where = f"WHERE {pk} > %s" if last is not None else ""
            cursor.execute(
                f"SELECT {pk}, {', '.join(columns)} FROM {table} {where} ORDER BY {pk} LIMIT %s FOR UPDATE",
                ([last] if last is not None else []) + [batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return touched
            updates = []
            for row_pk, *tokens in rows:
                updates.append([None if token is None else rotate_token(token) for token in tokens] + [row_pk])
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)
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
