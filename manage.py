#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings now, to report a refusal plainly)
    except ImproperlyConfigured as refusal:
        # Production is the default: without its secrets, say which one is missing and how
        # to work locally, rather than a traceback that ends somewhere unrelated.
        sys.exit(f"{refusal}\nFor development on this machine, run with DEBUG=1 (the Makefile does).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
