"""Template filters for dates in words. Aware datetimes are shown in the current zone
(the middleware activates the viewer's zone)."""

from datetime import datetime

from django import template
from django.utils import timezone

from coaching import words

register = template.Library()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def moment_words(value):
    return words.moment_words(_local(value))


@register.filter
def day_words(value):
    return words.day_words(_local(value))


@register.filter
def time_words(value):
    return words.time_words(_local(value))


@register.filter
def end_time_words(value):
    return words.end_time_words(value)


@register.filter
def price(session_type):
    return words.price_words(session_type.price_cents, session_type.currency)
