from django import template

from bookings.models import CancelledBy

register = template.Library()


@register.filter
def cancelled_by_words(booking, viewer):
    """Who cancelled, as the viewer would say it: "by you", "by your coach", "by our team"."""
    who = booking.cancelled_by
    if who == CancelledBy.CLIENT:
        return "by you" if viewer.pk == booking.client_id else "by the client"
    if who == CancelledBy.COACH:
        return "by you" if viewer.pk == booking.coach.user_id else "by your coach"
    if who == CancelledBy.ADMIN:
        return "by our team"
    return "by Waypoint" if who == CancelledBy.SYSTEM else ""
