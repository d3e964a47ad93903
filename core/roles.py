"""What the database roles Waypoint runs as may do, stated again after every `migrate`.

Three roles (README, "Deploying"; scripts/roles.sql makes them on a developer's machine):

- the owner (MIGRATION_DATABASE_URL) owns every table and runs the migrations;
- the application role (DATABASE_URL; DATABASE_APP_ROLE) is what web, workers and beat
  connect as. It owns nothing, so it cannot ALTER a table or disable a trigger; it may
  read and write rows, but never TRUNCATE, never UPDATE or DELETE the audit trail, and
  never open a maintenance window (core/migrations/0002);
- the maintenance role (DATABASE_MAINTENANCE_ROLE) has the application's rights and may
  also open the maintenance window in which signed notes may be re-sealed
  (`rotate_note_keys`, run as this role).

The grants are made by whoever runs `migrate` (the owner), to roles that already exist:
making roles is the database administrator's job, not the application's. A role that does
not exist is left out, so a single-user development database still migrates.
"""

import logging

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

# The database functions the application may call (each opens and closes its own window).
APP_FUNCTIONS = ["accounts_auditevent_forget_ips(timestamptz)", "coaching_erase_client_notes(bigint)"]
MAINTENANCE_FUNCTIONS = ["waypoint_begin_maintenance()"]
# Tables no role but the owner may write directly, whatever the general grant says.
APP_MAY_NOT_CHANGE = {
    "accounts_auditevent": ["UPDATE", "DELETE"],
    "core_privileged_window": ["SELECT", "INSERT", "UPDATE", "DELETE"],
}


def _existing(cursor, names):
    cursor.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [list(names)])
    return {row[0] for row in cursor.fetchall()}


def _migrated(cursor):
    """The tables and functions above that exist (a database migrated backwards may lack some)."""
    tables, functions = list(APP_MAY_NOT_CHANGE), APP_FUNCTIONS + MAINTENANCE_FUNCTIONS
    cursor.execute(
        "SELECT name FROM unnest(%s) AS name WHERE to_regclass(name) IS NOT NULL "
        "UNION ALL SELECT name FROM unnest(%s) AS name WHERE to_regprocedure(name) IS NOT NULL",
        [tables, functions],
    )
    return {row[0] for row in cursor.fetchall()}


def _table_grants(quote, role, migrated):
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        *(
            f"REVOKE {', '.join(privileges)} ON {quote(table)} FROM {role}"
            for table, privileges in APP_MAY_NOT_CHANGE.items()
            if table in migrated
        ),
        *(f"GRANT EXECUTE ON FUNCTION {function} TO {role}" for function in APP_FUNCTIONS if function in migrated),
    ]


def statements(app_role, maintenance_role, *, existing, migrated, quote):
    """The GRANT and REVOKE statements for the roles in `existing`."""
    found = []
    if app_role in existing:
        found += _table_grants(quote, quote(app_role), migrated)
    if maintenance_role in existing:
        role = quote(maintenance_role)
        found += _table_grants(quote, role, migrated)
        found += [
            f"GRANT EXECUTE ON FUNCTION {function} TO {role}" for function in MAINTENANCE_FUNCTIONS if function in migrated
        ]
    return found


def grant(using="default"):
    """State the roles' rights on the database `using`. Returns the statements run."""
    connection = connections[using]
    app_role, maintenance_role = settings.DATABASE_APP_ROLE, settings.DATABASE_MAINTENANCE_ROLE
    with connection.cursor() as cursor:
        existing = _existing(cursor, [app_role, maintenance_role])
        run = statements(
            app_role, maintenance_role, existing=existing, migrated=_migrated(cursor), quote=connection.ops.quote_name
        )
        for statement in run:
            cursor.execute(statement)
    missing = {app_role, maintenance_role} - existing
    if missing:
        log.warning("database roles %s do not exist; no rights granted to them", sorted(missing))
    return run


def grant_after_migrate(sender, *, using="default", plan=None, **kwargs):
    """post_migrate: the owner has just made or changed tables; restate who may do what."""
    grant(using)
