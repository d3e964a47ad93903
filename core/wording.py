"""Dates and money in words, the way people read them: "Tuesday 3 March, 3:30 pm",
"$60" or "$60.50". The one home of this wording: e-mails, pages and templates use it."""

from datetime import datetime

from django.utils import timezone

from .zones import zone_label


def _local(moment, zone):
    """An aware instant seen in `zone`; with no zone, or for a naive time or a date, the
    value as it is (already on the reader's wall clock)."""
    if zone is not None and isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(zone)
    return moment


def _this_year(zone):
    now = timezone.now()
    return (now.astimezone(zone) if zone is not None else now).year


def day_in_words(moment, zone=None):
    """"Tuesday 3 March"; with the year when it is not this year ("Tuesday 5 January 2027"),
    so a date in December's list of what is coming is never read as last January."""
    local = _local(moment, zone)
    text = f"{local:%A} {local.day} {local:%B}"
    return text if local.year == _this_year(zone) else f"{text} {local.year}"


def how_many_times(count):
    """"once", "twice", "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def clock_in_words(moment, zone=None):
    local = _local(moment, zone)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d} {suffix}"


def end_of_hours_in_words(moment):
    """The end of a range of weekly hours: 00:00 there is midnight, the end of the day."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    return clock_in_words(moment)


def when_in_words(moment, zone=None):
    return f"{day_in_words(moment, zone)}, {clock_in_words(moment, zone)}"


def zone_name(zone):
    return zone_label(zone)


SYMBOLS = {"usd": "$", "gbp": "£", "eur": "€", "cad": "CA$", "aud": "A$"}


def money(cents, currency):
    """An amount as people write it: "$60.00". Receipts and refunds always show cents."""
    symbol = SYMBOLS.get((currency or "").lower(), "")
    amount = f"{(cents or 0) / 100:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {(currency or '').upper()}"


def price(cents, currency):
    """A price on a page: "Free", "$60" or "$60.50"."""
    if not cents:
        return "Free"
    text = money(cents, currency)
    return text.replace(".00", "", 1) if cents % 100 == 0 else text
