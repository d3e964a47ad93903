"""Coaches who can be booked, for the bookings tests: open every day 9 am to 5 pm in
their own zone, one paid 50-minute session type. Kept here (not in factories.py) so
the slot engine's branch and this one add no conflicting lines."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coaching.models import CoachProfile, SessionType, WeeklyHours


def bookable_coach(user, *, zone="America/New_York", price_cents=6000, duration=50, **profile):
    coach = CoachProfile.objects.create(
        user=user,
        display_name=user.name,
        time_zone=zone,
        min_notice_hours=profile.pop("min_notice_hours", 1),
        **profile,
    )
    for weekday in range(7):
        WeeklyHours.objects.create(coach=coach, weekday=weekday, start_time=time(9), end_time=time(17))
    session_type = SessionType.objects.create(
        coach=coach, name="One-to-one session", duration_minutes=duration, price_cents=price_cents, currency="usd"
    )
    return coach, session_type


def local_time(coach, days_ahead, hour, minute=0):
    """An instant `days_ahead` days from today at `hour:minute` on the coach's wall clock, in UTC."""
    zone = ZoneInfo(coach.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), zone).astimezone(ZoneInfo("UTC"))
