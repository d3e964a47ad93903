"""Runs localstripe, the offline fake of Stripe's API, on loopback only.

localstripe itself binds every interface and has no host option; this keeps it on
127.0.0.1 and, once it is up, registers our webhook (it keeps webhooks in memory only).
"""

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A development tool: the settings are production unless told otherwise.
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from aiohttp import web  # noqa: E402
from django.conf import settings  # noqa: E402
from localstripe.server import app  # noqa: E402

WEBHOOK_PATH = "/bookings/stripe/webhook/"


async def register_webhook(_app):
    # Same effect as POST /_config/webhooks/<id>, without a round trip to ourselves.
    from localstripe.webhooks import register_webhook as register

    register("waypoint", settings.SITE_URL + WEBHOOK_PATH, settings.STRIPE_WEBHOOK_SECRET, None)


def main():
    # Tests start it with --no-webhook and register their live server's URL themselves.
    if "--no-webhook" not in sys.argv[1:]:
        app.on_startup.append(register_webhook)
    web.run_app(app, host="127.0.0.1", port=settings.LOCALSTRIPE_PORT, print=lambda *_: None)


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
