"""The one home of time-zone lookups: names a person may choose, and a name turned into
a zone without ever raising on a bad or empty value."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = ZoneInfo("UTC")


@lru_cache(maxsize=1)
def known_zones():
    # available_timezones() walks the tz database on disk: about 40 ms a call.
    return frozenset(available_timezones())


def is_valid_zone(name):
    return name in known_zones()


@lru_cache(maxsize=1)
def zone_choices():
    """(name, label) of every region/city zone, and UTC, for the forms that ask for one."""
    return tuple((name, name.replace("_", " ")) for name in sorted(known_zones()) if "/" in name or name == "UTC")


@lru_cache(maxsize=None)
def zone_named(name, default=UTC):
    """The zone called `name`, or `default` when it is empty or unknown. Cached: a
    thousand e-mails a minute each ask for their recipient's zone."""
    if not name or name not in known_zones():
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def zone_label(zone):
    """"America/New York" for people to read."""
    return str(getattr(zone, "key", zone) or "UTC").replace("_", " ")
