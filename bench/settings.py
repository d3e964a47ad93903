"""Settings for `bench/pages.py` only: the site's own settings, plus a bare view to compare with.

Never used by the site itself; the benchmark points gunicorn at it with
DJANGO_SETTINGS_MODULE=bench.settings.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic writes here, so a benchmark run leaves the work tree alone.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
