"""The reminder and morning-agenda e-mails. Subjects and previews name a day and a
time, never what a session is about; the sender is the neutral DEFAULT_FROM_EMAIL."""

from datetime import datetime, time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from core.discretion import require_discreet
from core.wording import clock_in_words, day_in_words, when_in_words, zone_name
from core.zones import zone_named

from .. import policy
from ..notices import calendar_file


def recipient_zone(user):
    """The person's zone (UTC when unset or unknown), from the cached lookup: a thousand
    e-mails a minute cannot each walk the tz database."""
    return zone_named(user.time_zone)


def _domain():
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "waypoint.localhost"


def _url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def lead_time_in_words(minutes):
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "tomorrow" if days == 1 else f"in {days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "in 1 hour" if hours == 1 else f"in {hours} hours"
    return f"in {minutes} minutes"


def reminder_subject(booking, zone):
    return f"Reminder: your session on {when_in_words(booking.starts_at, zone)}"


def reminder_preview(booking, zone):
    return (
        f"Your session starts at {clock_in_words(booking.starts_at, zone)} "
        f"({zone_name(zone)} time). The link to join is inside."
    )


def reminder_context(booking, offset_minutes, *, now):
    zone = recipient_zone(booking.client)
    may_move = policy.may_reschedule(booking, now)
    may_cancel = policy.may_cancel(booking, now)
    return {
        "preview": reminder_preview(booking, zone),
        "client_name": booking.client.name or "there",
        "coach_name": booking.coach.display_name,
        "when": when_in_words(booking.starts_at, zone),
        "lead": lead_time_in_words(offset_minutes),
        "zone": zone_name(zone),
        "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
        "meeting_link": booking.meeting_link,
        "booking_url": _url("bookings:detail", booking.pk),
        "reschedule_url": _url("bookings:reschedule", booking.pk) if may_move else "",
        "cancel_url": _url("bookings:cancel", booking.pk) if may_cancel else "",
        "refund_until": when_in_words(policy.change_deadline(booking), zone) if policy.within_notice(booking, now) else "",
        "is_free": booking.is_free,
        "settings_url": _url("bookings:reminder_settings"),
    }


def reminder_message(work, booking, *, now):
    zone = recipient_zone(booking.client)
    ctx = reminder_context(booking, work.payload["offset_minutes"], now=now)
    subject = reminder_subject(booking, zone)
    require_discreet(subject, ctx["preview"], settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("bookings/email/reminder.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[booking.client.email],
        headers={
            # The same on every attempt: a resend after a worker died reads as one message.
            "Message-ID": f"<reminder-{work.pk}@{_domain()}>",
            "X-Entity-Ref-ID": f"reminder-{work.pk}",
        },
    )
    message.attach_alternative(render_to_string("bookings/email/reminder.html", ctx), "text/html")
    message.attach("session.ics", calendar_file(booking), "text/calendar")
    return message


def agenda_subject(day, zone):
    return f"Your sessions on {day_in_words(agenda_instant(day, zone), zone)}"


def agenda_instant(day, zone):
    return datetime.combine(day, time(12), zone)


def agenda_preview(sessions, zone):
    count = "1 session" if len(sessions) == 1 else f"{len(sessions)} sessions"
    return f"{count} today, the first at {clock_in_words(sessions[0].starts_at, zone)}."


def agenda_context(coach, day, sessions, *, now):
    zone = zone_named(coach.time_zone)
    return {
        "preview": agenda_preview(sessions, zone),
        "coach_name": coach.display_name,
        "day": day_in_words(agenda_instant(day, zone), zone),
        "zone": zone_name(zone),
        "sessions": [
            {
                "time": clock_in_words(booking.starts_at, zone),
                "until": clock_in_words(booking.ends_at, zone),
                "client": booking.client.known_as,
                "kind": booking.session_type.name,
                "meeting_link": booking.meeting_link,
                "url": _url("bookings:detail", booking.pk),
                "started": booking.starts_at <= now,
            }
            for booking in sessions
        ],
        "calendar_url": _url("bookings:mine"),
        "settings_url": _url("bookings:reminder_settings"),
    }


def agenda_message(work, coach, day, sessions, *, now):
    zone = zone_named(coach.time_zone)
    ctx = agenda_context(coach, day, sessions, now=now)
    subject = agenda_subject(day, zone)
    require_discreet(subject, ctx["preview"], settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("bookings/email/agenda.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[coach.user.email],
        headers={"Message-ID": f"<agenda-{work.pk}@{_domain()}>"},
    )
    message.attach_alternative(render_to_string("bookings/email/agenda.html", ctx), "text/html")
    return message
