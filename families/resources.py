"""Where to turn, by country: the lines a family member sees at once when they say they are
afraid of the person they are worried about, and how to respond to an overdose.

Numbers are the national services' own (checked November 2026). A country we do not list
gets its emergency number and a way to find local help, never a US number that would
not answer."""

from dataclasses import dataclass

from .models import Country


@dataclass(frozen=True)
class Line:
    name: str
    href: str
    how: str


@dataclass(frozen=True)
class CountryHelp:
    emergency: str  # the number to call in an emergency, as dialled
    violence_lines: tuple
    naloxone_note: str


HELP = {
    Country.US: CountryHelp(
        "911",
        (
            Line("National Domestic Violence Hotline", "tel:18007997233", "Call 1-800-799-7233, or text START to 88788. Free, confidential, 24/7."),
            Line("988 Suicide & Crisis Lifeline", "tel:988", "Call or text 988 any time."),
        ),
        "Many US pharmacies sell naloxone (Narcan) without a prescription, and many health departments give it out free.",
    ),
    Country.CA: CountryHelp(
        "911",
        (
            Line("ShelterSafe", "https://www.sheltersafe.ca/", "A map of shelters and crisis lines for abuse near you, across Canada."),
            Line("9-8-8 Suicide Crisis Helpline", "tel:988", "Call or text 988 any time."),
        ),
        "Naloxone kits are free at many Canadian pharmacies without a prescription.",
    ),
    Country.GB: CountryHelp(
        "999",
        (
            Line("National Domestic Abuse Helpline (Refuge)", "tel:08082000247", "Call 0808 2000 247. Free, confidential, 24/7."),
            Line("Samaritans", "tel:116123", "Call 116 123 any time."),
        ),
        "Ask a drug service or some pharmacies for a free naloxone kit.",
    ),
    Country.IE: CountryHelp(
        "112",
        (
            Line("Women\u2019s Aid 24hr National Freephone Helpline", "tel:1800341900", "Call 1800 341 900."),
            Line("Men\u2019s Aid", "tel:015543811", "Call 01 554 3811 (weekdays)."),
        ),
        "Naloxone is available from drug services and some pharmacies.",
    ),
    Country.AU: CountryHelp(
        "000",
        (
            Line("1800RESPECT", "tel:1800737732", "Call 1800 737 732. Free, confidential, 24/7."),
            Line("Lifeline", "tel:131114", "Call 13 11 14 any time."),
        ),
        "Naloxone is free without a prescription at many Australian pharmacies.",
    ),
    Country.NZ: CountryHelp(
        "111",
        (
            Line("Women\u2019s Refuge crisis line", "tel:0800733843", "Call 0800 733 843, 24/7."),
            Line("Need to talk?", "tel:1737", "Call or text 1737 any time."),
        ),
        "Ask a pharmacy or needle exchange about naloxone.",
    ),
}
ELSEWHERE = CountryHelp(
    "your local emergency number",
    (Line("Find a helpline near you", "https://findahelpline.com/", "Free, confidential helplines in many countries."),),
    "Ask a pharmacy or a drug service near you about naloxone.",
)


def help_for(country):
    """The lines and the emergency number for `country` (a Country value); elsewhere, the general ones."""
    return HELP.get(country, ELSEWHERE)


# How to respond to an overdose: the same steps everywhere; only the number changes.
OVERDOSE_STEPS = (
    "Signs: they will not wake up, breathing is slow or has stopped, lips or fingertips are blue or grey.",
    "Call {emergency}. Say someone is not breathing or will not wake up.",
    "Give naloxone if you have it: one spray into a nostril. If there is no response after 2\u20133 minutes, give another.",
    "If they are not breathing, give rescue breaths. Once they breathe, lay them on their side.",
    "Stay with them until help arrives: naloxone wears off and the overdose can come back.",
)


def overdose_steps(country):
    emergency = help_for(country).emergency
    return [step.format(emergency=emergency) for step in OVERDOSE_STEPS]
