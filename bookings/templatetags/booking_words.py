from django import template
from django.utils import timezone

from bookings import wording

register = template.Library()


@register.filter
def when(instant, zone=None):
    """"Tuesday 3 March, 3:30 pm" in `zone`, else in the viewer's active zone."""
    if not instant:
        return ""
    return wording.when_in_words(instant, zone or timezone.get_current_timezone())


@register.filter
def day(instant, zone=None):
    if not instant:
        return ""
    return wording.day_in_words(instant, zone or timezone.get_current_timezone())


@register.filter
def clock(instant, zone=None):
    if not instant:
        return ""
    return wording.clock_in_words(instant, zone or timezone.get_current_timezone())


@register.simple_tag
def money(cents, currency):
    return wording.money(cents or 0, currency or "usd")
