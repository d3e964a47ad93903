from django import template

from bookings import eligibility
from bookings.web import picked

register = template.Library()


@register.inclusion_tag("bookings/_picked_time.html", takes_context=True)
def picked_time(context):
    """The time the person picked before they could book it, offered again."""
    request = context["request"]
    pick = picked.picked(request)
    return {
        "pick": pick,
        "may_book": pick is not None and eligibility.may_book(request.user, pick.session_type),
        "waits_for_review": pick is not None and eligibility.waits_for_review(request.user, pick.session_type),
    }
