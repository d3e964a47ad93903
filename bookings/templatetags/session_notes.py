from django import template

from bookings.notes import sessions_waiting_count

register = template.Library()


@register.simple_tag
def sessions_waiting(user):
    """How many of the coach's past sessions still need an outcome or a signed note."""
    return sessions_waiting_count(user)
