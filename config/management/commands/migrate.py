"""`migrate`, connected as the tables' owner when MIGRATION_DATABASE_URL says who that is.

Web, workers and beat connect with DATABASE_URL as a role that owns no table (README,
"Deploying"); creating and altering tables needs the owner. MIGRATION_DATABASE_URL names
the same database reached as the owner: its user, password, host and port replace
DATABASE_URL's for this command only. The database name stays DATABASE_URL's (the test
runner renames it for its own database), so the two can never point at different data.
"""

import environ
from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

OWNER_PARTS = ("USER", "PASSWORD", "HOST", "PORT")


def as_owner(settings_dict, url):
    """`settings_dict` with the owner's credentials and address from `url`."""
    owner = environ.Env.db_url_config(url)
    return {**settings_dict, **{part: owner.get(part, "") for part in OWNER_PARTS}}


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Connects as MIGRATION_DATABASE_URL's role when it is set."

    def handle(self, *args, **options):
        url = settings.MIGRATION_DATABASE_URL
        if not url or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        as_app = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(as_owner(as_app, url))
        try:
            return super().handle(*args, **options)
        finally:
            # Whatever runs next in this process (a test, `seed_demo` after `migrate`) is the app again.
            connection.close()
            connection.settings_dict.update(as_app)
