"""Dates and money in words, the way people read them: "Tuesday 3 March, 3:30 pm"."""

from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def _local(instant, zone):
    return instant.astimezone(zone or UTC)


def day_in_words(instant, zone=None):
    local = _local(instant, zone)
    return f"{local:%A} {local.day} {local:%B}"


def clock_in_words(instant, zone=None):
    local = _local(instant, zone)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d} {suffix}"


def when_in_words(instant, zone=None):
    return f"{day_in_words(instant, zone)}, {clock_in_words(instant, zone)}"


def zone_name(zone):
    return str(getattr(zone, "key", zone) or "UTC").replace("_", " ")


def money(cents, currency):
    symbol = {"usd": "$", "gbp": "£", "eur": "€", "cad": "CA$", "aud": "A$"}.get(currency.lower(), "")
    amount = f"{cents / 100:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"
