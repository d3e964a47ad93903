"""The e-mails a booking owes its client and its coach: owed in the transaction of the
change, written and sent by the outbox. Subjects name a day, never what the session is
about; the details live behind the login."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar, Event, vText

from core import outbox
from core.encryption import reveal
from core.wording import day_in_words, money, when_in_words, zone_name
from core.zones import UTC, zone_named

from .availability.busy import booking_uid
from .models import Booking, Payment, ReminderPreference, Refund


class NoticeKind(models.TextChoices):
    CONFIRMATION = "booking.confirmation", "Booking confirmation"
    RECEIPT = "booking.receipt", "Payment receipt"
    CANCELLATION = "booking.cancellation", "Cancellation"
    COACH_CANCELLATION = "booking.coach_cancellation", "Cancelled by the coach"
    TEAM_CANCELLATION = "booking.team_cancellation", "Cancelled by our team"
    REFUND = "booking.refund", "Refund"
    LATE_PAYMENT_REFUNDED = "booking.late_payment_refunded", "Late payment refunded"
    RESCHEDULE = "booking.reschedule", "Rescheduled"
    SUMMARY_SHARED = "booking.summary_shared", "A session summary shared"


def owe(booking, kind, *, key="", **ids):
    """Owe the e-mail `kind` about `booking` (to its client, or to its coach for a
    CoachNoticeKind), once per `key`; call it in the change's transaction."""
    return outbox.owe(kind, key=f"{kind}:{booking.pk}:{key}", about=f"booking:{booking.pk}", booking_id=booking.pk, **ids)


def subject_for(kind, booking, zone):
    day = day_in_words(booking.starts_at, zone)
    return {
        NoticeKind.CONFIRMATION: f"Your session on {day}",
        NoticeKind.RECEIPT: f"Your receipt for {day}",
        NoticeKind.CANCELLATION: f"Your session on {day} is cancelled",
        NoticeKind.COACH_CANCELLATION: f"Your session on {day} is cancelled",
        NoticeKind.TEAM_CANCELLATION: f"Your session on {day} is cancelled",
        NoticeKind.REFUND: "Your refund from Waypoint",
        NoticeKind.LATE_PAYMENT_REFUNDED: f"About your session on {day}",
        NoticeKind.RESCHEDULE: f"Your session has moved to {day}",
        NoticeKind.SUMMARY_SHARED: f"A note from your session on {day}",
    }[kind]


def context_for(kind, booking, payload, zone):
    ctx = {
        "kind": kind.removeprefix("booking."),
        "booking": booking,
        "client_name": booking.client.name or "there",
        "coach_name": booking.coach.display_name,
        "when": when_in_words(booking.starts_at, zone),
        "zone": zone_name(zone),
        "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
        "booking_url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
        "summary_url": settings.SITE_URL + reverse("coaching:summary", args=[booking.pk]),
        "site_url": settings.SITE_URL,
        "descriptor": "Waypoint session",
        "reason": reveal(booking.cancel_reason) if kind in (NoticeKind.COACH_CANCELLATION, NoticeKind.TEAM_CANCELLATION) else "",
    }
    if "payment_id" in payload:
        payment = Payment.objects.get(pk=payload["payment_id"])
        ctx["payment"] = payment
        ctx["amount"] = money(payment.captured_cents or payment.amount_cents, payment.currency)
        ctx["paid_on"] = day_in_words(payment.succeeded_at or payment.created_at, zone)
    if "refund_id" in payload:
        refund = Refund.objects.select_related("payment").get(pk=payload["refund_id"])
        ctx["refund"] = refund
        ctx["refund_amount"] = money(refund.amount_cents, refund.payment.currency)
        ctx["payment"] = refund.payment
    if "old_start" in payload:
        ctx["old_when"] = when_in_words(datetime.fromisoformat(payload["old_start"]), zone)
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


def message_for(work):
    kind = NoticeKind(work.kind)
    booking = Booking.objects.select_related("client", "coach", "session_type").filter(pk=work.payload["booking_id"]).first()
    if booking is None:
        raise outbox.Skip("the booking is gone")
    zone = booking.client.zone or UTC
    ctx = context_for(kind, booking, work.payload, zone)
    message = EmailMultiAlternatives(
        subject=subject_for(kind, booking, zone),
        body=render_to_string("bookings/email/notice.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.client.email],
    )
    message.attach_alternative(render_to_string("bookings/email/notice.html", ctx), "text/html")
    if kind in (NoticeKind.CONFIRMATION, NoticeKind.RESCHEDULE):
        message.attach("session.ics", calendar_file(booking), "text/calendar")
    return message


for _kind in NoticeKind:
    outbox.email(_kind.value, label=_kind.label)(message_for)


class CoachNoticeKind(models.TextChoices):
    """What a coach is told of; each can be turned off (ReminderPreference.coach_notices_off),
    which is asked when the e-mail is sent. The labels finish "E-mail me when…" on the
    coach's e-mail settings."""

    HELD = "booking.coach_held", "a client starts booking a paid session (the time is held while they pay)"
    BOOKED = "booking.coach_booked", "a session is booked: paid for, or free"
    MOVED = "booking.coach_moved", "a session is moved to another time"
    CANCELLED = "booking.coach_cancelled", "a client, or our team, cancels a session"


def coach_wants(user, kind):
    prefs = ReminderPreference.objects.filter(user=user).only("coach_notices_off").first()
    return prefs is None or kind not in prefs.coach_notices_off


def coach_subject_for(kind, booking, zone):
    day = day_in_words(booking.starts_at, zone)
    return {
        CoachNoticeKind.HELD: f"A time on {day} is being booked",
        CoachNoticeKind.BOOKED: f"New session on {day}",
        CoachNoticeKind.MOVED: f"A session moved to {day}",
        CoachNoticeKind.CANCELLED: f"A session on {day} is cancelled",
    }[kind]


def coach_message_for(work):
    kind = CoachNoticeKind(work.kind)
    booking = (
        Booking.objects.select_related("client", "coach__user", "session_type").filter(pk=work.payload["booking_id"]).first()
    )
    if booking is None:
        raise outbox.Skip("the booking is gone")
    coach = booking.coach
    if not coach.user.is_active:
        raise outbox.Skip("the coach's account is closed")
    if not coach_wants(coach.user, kind):
        raise outbox.Skip("the coach turned these e-mails off")
    zone = zone_named(coach.time_zone)
    ctx = {
        **context_for(NoticeKind.CONFIRMATION, booking, work.payload, zone),
        "kind": kind.removeprefix("booking.coach_"),
        "client_name": booking.client.known_as,
        "session_kind": booking.session_type.name,
        "cancelled_by": booking.cancelled_by,
        "hold_minutes": settings.BOOKING_HOLD_MINUTES,
        "booking_url": settings.SITE_URL + reverse("bookings:detail", args=[booking.pk]),
        "settings_url": settings.SITE_URL + reverse("bookings:reminder_settings"),
    }
    message = EmailMultiAlternatives(
        subject=coach_subject_for(kind, booking, zone),
        body=render_to_string("bookings/email/coach_notice.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[coach.user.email],
    )
    message.attach_alternative(render_to_string("bookings/email/coach_notice.html", ctx), "text/html")
    return message


for _kind in CoachNoticeKind:
    outbox.email(_kind.value, label=f"To the coach: {_kind.label}")(coach_message_for)
