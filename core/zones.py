"""The one home of time-zone lookups: names a person may choose, and a name turned into
a zone without ever raising on a bad or empty value.

The places people pick from are the tz database's own `zone.tab` (every country's zones,
never an alias such as US/East-Indiana), plus UTC. What a person types is matched
generously: a zone name with spaces or any case ("america/new york"), an old alias
(mapped to the zone it links to), a city ("Lisbon") or a country with one zone ("Ireland").
"""

from functools import lru_cache
from importlib import resources
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


# Where most of our clients and coaches live; shown first in every picker.
COMMON = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Australia/Perth",
    "Pacific/Auckland",
    "UTC",
)


def _tz_file(name):
    return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")


def _rows(text):
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def places():
    """{zone: country name} for every zone in zone.tab that this machine knows, and UTC."""
    countries = dict(row[:2] for row in _rows(_tz_file("iso3166.tab")))
    found = {}
    for row in _rows(_tz_file("zone.tab")):
        code, zone = row[0], row[2]
        if is_valid_zone(zone):
            found[zone] = countries.get(code, code)
    found["UTC"] = "Coordinated Universal Time"
    return dict(sorted(found.items()))


@lru_cache(maxsize=1)
def _countries_by_zone():
    """{zone or alias: ISO 3166 country code}, from zone.tab and the tz database's links."""
    codes = {row[2]: row[0] for row in _rows(_tz_file("zone.tab"))}
    for line in _tz_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            if target in codes and alias not in codes:
                codes[alias] = codes[target]
    return codes


def country_of(zone_name):
    """The country code ("US", "GB") whose zone `zone_name` is, or "" for UTC, an unknown
    name, or nothing."""
    return _countries_by_zone().get(zone_name or "", "")


def label(zone):
    return zone.replace("_", " ")


def _key(text):
    return " ".join(text.replace("_", " ").split()).casefold()


@lru_cache(maxsize=1)
def _typed_names():
    """What a person may type, normalised, to the zone it means."""
    zones = places()
    names = {}
    by_country = {}
    by_city = {}
    for zone, country in zones.items():
        by_country.setdefault(_key(country), []).append(zone)
        by_city.setdefault(_key(zone.rsplit("/", 1)[-1]), []).append(zone)
    # Least sure first, so a more exact meaning overwrites it.
    names.update({key: found[0] for key, found in by_country.items() if len(found) == 1})
    names.update({key: found[0] for key, found in by_city.items() if len(found) == 1})
    for line in _tz_file("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            if target in zones and alias not in zones:
                names[_key(alias)] = target
    names.update({_key(zone): zone for zone in zones})
    return names


def find_zone(text):
    """The zone that `text` names, or None."""
    return _typed_names().get(_key(text or ""))
