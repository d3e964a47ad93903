"""A coach knows a client who has (or had) a real session with them: the bookings
side of clients.relations.coach_knows_client, registered in BookingsConfig.ready()."""

from .models import SHOWN_STATUSES, Booking



def has_session_with(coach_user, client_user):
    return Booking.objects.filter(coach__user=coach_user, client=client_user, status__in=SHOWN_STATUSES).exists()
