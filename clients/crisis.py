"""Crisis lines by country, from one data file (`settings.CRISIS_LINES_FILE`,
`clients/crisis_lines.json` unless set) that admins extend without touching code. A
client's country comes from their time zone; where we cannot tell it, the file's
default (the United States); a country the file does not list gets the general lines and
"your local emergency number", never a number that would not answer there."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.zones import country_of

HREF_SCHEMES = ("tel:", "sms:", "https://")


@dataclass(frozen=True)
class Line:
    name: str
    how: str
    href: str
    text_href: str = ""


@dataclass(frozen=True)
class CountryLines:
    code: str
    name: str
    emergency: str  # as dialled; "" where we do not know it
    lines: tuple
    violence_lines: tuple = ()  # for someone afraid of a person close to them (the family intake)


def _lines(code, blocks):
    lines = tuple(Line(line["name"], line["how"], line["href"], line.get("text_href", "")) for line in blocks)
    for line in lines:
        if not line.href.startswith(HREF_SCHEMES):
            raise ImproperlyConfigured(f"crisis line {line.name!r} ({code}): href must start with one of {HREF_SCHEMES}")
    return lines


def _country(code, block):
    return CountryLines(
        code, block.get("name", ""), block.get("emergency", ""), _lines(code, block["lines"]), _lines(code, block.get("violence_lines", []))
    )


@lru_cache(maxsize=4)
def load(path):
    """(default code, {code: CountryLines}) from the data file; a broken file fails loudly."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        countries = {code: _country(code, block) for code, block in data["countries"].items()}
        default = data["default"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"the crisis lines file {path} cannot be read: {exc!r}") from exc
    if default not in countries or "elsewhere" not in countries:
        raise ImproperlyConfigured(f"the crisis lines file {path} needs its default country and 'elsewhere'")
    return default, countries


def lines_for_zone(zone_name):
    """The crisis lines for someone whose time zone is `zone_name`."""
    return lines_for_country(country_of(zone_name))


def lines_for_country(code):
    """The crisis lines of a country (ISO code): the default country's for no code, 'elsewhere' for one not listed."""
    default, countries = load(str(settings.CRISIS_LINES_FILE))
    if not code:
        return countries[default]
    return countries.get(code) or countries["elsewhere"]
