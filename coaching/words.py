"""Dates and times in words, the way people say them: "Tuesday 3 March, 3:30 pm"."""


def time_words(moment):
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def end_time_words(value):
    """The end of a range of weekly hours: 00:00 there is midnight, the end of the day."""
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    return time_words(value)


def day_words(day):
    return f"{day:%A} {day.day} {day:%B}"


def moment_words(moment):
    return f"{day_words(moment)}, {time_words(moment)}"


SYMBOLS = {"usd": "$", "cad": "CA$", "gbp": "£", "eur": "€"}


def price_words(cents, currency):
    if not cents:
        return "Free"
    symbol = SYMBOLS.get(currency.lower())
    amount = f"{cents / 100:,.2f}".removesuffix(".00")
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"
