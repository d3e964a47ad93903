"""The Stripe SDK, pointed at localstripe when STRIPE_API_BASE says so, and the ids we
give every object that moves money."""

import stripe
from django.conf import settings

from core.outbox import TryLater

# Worth another try later: Stripe (or the way to it) is down or busy.
PASSING_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def api():
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE or "https://api.stripe.com"
    stripe.max_network_retries = 0
    return stripe


def live_mode():
    """Whether our key moves real money. An object Stripe shows us must be of the same mode:
    a test-mode intent never confirms a booking on the live site, nor the other way round."""
    return settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))


def idempotency_key(obj, purpose):
    # Our id plus the row's creation instant: unique even when a test database restarts its ids.
    return f"waypoint-{obj._meta.model_name}-{obj.pk}-{int(obj.created_at.timestamp())}-{purpose}"


def metadata(booking, payment=None):
    data = {"booking_id": str(booking.pk), "client_id": str(booking.client_id)}
    if payment is not None:
        data["payment_id"] = str(payment.pk)
    return data


def field(obj, name, default=None):
    """A field of a Stripe object or of the plain dict an event carries."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def object_id(value):
    """The id of an expandable field: Stripe sends an id, localstripe the whole object."""
    return field(value, "id", value) if value is not None and not isinstance(value, str) else value


def passing(exc):
    """A Stripe error that may pass, as the outbox's TryLater; None for one that will not."""
    if isinstance(exc, PASSING_ERRORS) and not isinstance(exc, stripe.InvalidRequestError):
        return TryLater(f"Stripe is unavailable: {type(exc).__name__}")
    return None
