"""The e-mail that offers a freed time to a waiting client. The subject names no coach,
session or reason; the time and the link (behind the login) are in the body."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core import outbox
from core.wording import clock_in_words, when_in_words, zone_name
from core.zones import UTC

from ..models import OfferStatus, WaitlistOffer
from . import OFFER_EMAIL

SUBJECT = "A time has opened up for you on Waypoint"


@outbox.email(OFFER_EMAIL, label="Waitlist offer")
def offer_message(work):
    offer = WaitlistOffer.objects.select_related("client", "coach", "session_type").filter(pk=work.payload["offer_id"]).first()
    if offer is None or offer.status != OfferStatus.OPEN:
        raise outbox.Skip("the offer no longer stands")
    zone = offer.client.zone or UTC
    context = {
        "name": offer.client.name or "there",
        "coach_name": offer.coach.display_name,
        "session_name": offer.session_type.name,
        "minutes": offer.session_type.duration_minutes,
        "when": when_in_words(offer.starts_at, zone),
        "zone": zone_name(zone),
        "until": clock_in_words(offer.expires_at, zone),
        "offer_url": settings.SITE_URL + reverse("bookings:waitlist_offer", args=[offer.pk]),
        "waitlist_url": settings.SITE_URL + reverse("bookings:mine"),
    }
    return EmailMessage(
        subject=SUBJECT,
        body=render_to_string("bookings/email/waitlist_offer.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[offer.client.email],
    )
