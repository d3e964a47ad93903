"""Template filters for dates and money in words. Aware instants are shown in the zone
given, else in the viewer's zone (the middleware activates it)."""

from django import template
from django.utils import timezone

from core import wording

register = template.Library()


def _zone(zone):
    return zone or timezone.get_current_timezone()


@register.filter
def when(instant, zone=None):
    """"Tuesday 3 March, 3:30 pm"."""
    return wording.when_in_words(instant, _zone(zone)) if instant else ""


@register.filter
def day(instant, zone=None):
    return wording.day_in_words(instant, _zone(zone)) if instant else ""


@register.filter
def clock(instant, zone=None):
    return wording.clock_in_words(instant, _zone(zone)) if instant else ""


@register.filter
def end_time_words(moment):
    return wording.end_of_hours_in_words(moment)


@register.simple_tag
def money(cents, currency):
    return wording.money(cents or 0, currency or "usd")


@register.filter
def price(session_type):
    return wording.price(session_type.price_cents, session_type.currency)


# The names the coaching pages were written with; the same words.
register.filter("moment_words", when)
register.filter("day_words", day)
register.filter("time_words", clock)
