"""Who is whose client, as far as bookings tell."""

from .models import Booking, Status


def coach_has_client(coach_user, client_user):
    """True when `coach_user` has a held, confirmed or past session with `client_user`."""
    return Booking.objects.filter(
        coach__user=coach_user,
        client=client_user,
        status__in=[Status.PENDING_PAYMENT, Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW],
    ).exists()
