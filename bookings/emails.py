"""The e-mails a booking sends. Subjects name a day, never what the session is about;
the details live behind the login."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar, Event, vText

from .busy import booking_uid
from .models import NoticeKind, Payment, Refund
from core.wording import day_in_words, money, when_in_words, zone_name

UTC = ZoneInfo("UTC")


def subject_for(notice, zone):
    booking = notice.booking
    day = day_in_words(booking.starts_at, zone)
    return {
        NoticeKind.CONFIRMATION: f"Your session on {day}",
        NoticeKind.RECEIPT: f"Your receipt for {day}",
        NoticeKind.CANCELLATION: f"Your session on {day} is cancelled",
        NoticeKind.COACH_CANCELLATION: f"Your session on {day} is cancelled",
        NoticeKind.REFUND: "Your refund from Waypoint",
        NoticeKind.LATE_PAYMENT_REFUNDED: f"About your session on {day}",
        NoticeKind.RESCHEDULE: f"Your session has moved to {day}",
    }[notice.kind]


def context_for(notice, zone):
    booking = notice.booking
    ctx = {
        "notice": notice,
        "kind": notice.kind,
        "booking": booking,
        "client_name": booking.client.name or "there",
        "coach_name": booking.coach.display_name,
        "when": when_in_words(booking.starts_at, zone),
        "zone": zone_name(zone),
        "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
        "booking_url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
        "site_url": settings.SITE_URL,
        "descriptor": "Waypoint session",
    }
    if "payment_id" in notice.context:
        payment = Payment.objects.get(pk=notice.context["payment_id"])
        ctx["payment"] = payment
        ctx["amount"] = money(payment.captured_cents or payment.amount_cents, payment.currency)
        ctx["paid_on"] = day_in_words(payment.succeeded_at or payment.created_at, zone)
    if "refund_id" in notice.context:
        refund = Refund.objects.select_related("payment").get(pk=notice.context["refund_id"])
        ctx["refund"] = refund
        ctx["refund_amount"] = money(refund.amount_cents, refund.payment.currency)
        ctx["payment"] = refund.payment
    if "old_start" in notice.context:
        ctx["old_when"] = when_in_words(datetime.fromisoformat(notice.context["old_start"]), zone)
    return ctx


def calendar_file(booking):
    cal = Calendar()
    cal.add("prodid", "-//Waypoint//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.confirmed_at or booking.created_at)
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", f"Waypoint session with {booking.coach.display_name}")
    event.add("sequence", booking.reschedule_count)
    if booking.meeting_link:
        event.add("location", vText(booking.meeting_link))
        event.add("url", booking.meeting_link)
        event.add("description", f"Join by video: {booking.meeting_link}")
    event.add("status", "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()


def build(notice):
    booking = notice.booking
    zone = booking.client.zone or UTC
    ctx = context_for(notice, zone)
    message = EmailMultiAlternatives(
        subject=subject_for(notice, zone),
        body=render_to_string("bookings/email/notice.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.client.email],
    )
    message.attach_alternative(render_to_string("bookings/email/notice.html", ctx), "text/html")
    if notice.kind in (NoticeKind.CONFIRMATION, NoticeKind.RESCHEDULE):
        message.attach("session.ics", calendar_file(booking), "text/calendar")
    return message


def send(notice):
    build(notice).send(fail_silently=False)

