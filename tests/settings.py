"""The site's settings, plus django-zeal: under pytest, an N+1 query fails the test that makes it.

Zeal's middleware comes first (on every page but Django's own admin: tests/zeal_checks.py), so everything a request runs (our middleware loading the
user included) is checked, one request at a time; conftest.py does the same for each
Celery task. A test's own set-up (making five bookings in a loop) is not an N+1 and is
not checked.
"""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]  # noqa: F405
MIDDLEWARE = ["tests.zeal_checks.zeal_except_djangos_admin", *MIDDLEWARE]  # noqa: F405
ZEAL_RAISE = True
# The same query three times from one line: a list's N+1 shows up with three items, while
# a fixed pair (a booking's confirmation and receipt notices) is not one.
ZEAL_NPLUSONE_THRESHOLD = 3
ZEAL_ALLOWLIST = [
    # A task delivering a chunk of owed work claims and reads each row on its own: the claim
    # (a conditional UPDATE with a lease) is what keeps an e-mail from going out twice,
    # and each one costs an e-mail anyway.
    {"model": "core.OwedWork", "field": "get()"},
]
