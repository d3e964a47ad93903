"""Periodic work for bookings: thin tasks that take ids and call the rules. Side effects
are owed work (`core.outbox`), so nothing here sends or enqueues."""

from celery import shared_task
from django.utils import timezone

from . import reminders, transitions
from .errors import BookingRefused
from .models import Booking, Status


@shared_task(name="bookings.expire_holds")
def expire_holds():
    """Release holds whose 15 minutes are up (the periodic half of expiry: the booking
    function also expires a coach's stale holds before it books)."""
    now = timezone.now()
    expired = 0
    for booking_id in Booking.objects.filter(status=Status.PENDING_PAYMENT, hold_expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            transitions.expire(Booking(pk=booking_id), now=now)
            expired += 1
        except BookingRefused:
            continue
    return expired


@shared_task(name="bookings.complete_past_sessions")
def complete_past_sessions():
    now = timezone.now()
    done = 0
    for booking_id in Booking.objects.filter(status=Status.CONFIRMED, ends_at__lte=now).values_list("pk", flat=True):
        try:
            transitions.complete(Booking(pk=booking_id), now=now)
            done += 1
        except BookingRefused:
            continue
    return done


@shared_task(name="bookings.owe_agendas")
def owe_agendas():
    return len(reminders.owe_agendas())
