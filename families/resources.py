"""What a family member sees at once when they say they are afraid of the person they are
worried about (the lines of their country, from the one crisis-lines file, clients/crisis.py),
or that the person has overdosed (how to respond, with their country's emergency number)."""

from clients.crisis import lines_for_country

from .models import Country

NALOXONE_WHERE = {
    Country.US: "Many US pharmacies sell naloxone (Narcan) without a prescription, and many health departments give it out free.",
    Country.CA: "Naloxone kits are free at many Canadian pharmacies without a prescription.",
    Country.GB: "Ask a drug service or some pharmacies for a free naloxone kit.",
    Country.IE: "Naloxone is available from drug services and some pharmacies.",
    Country.AU: "Naloxone is free without a prescription at many Australian pharmacies.",
    Country.NZ: "Ask a pharmacy or needle exchange about naloxone.",
}
NALOXONE_ELSEWHERE = "Ask a pharmacy or a drug service near you about naloxone."
LOCAL_EMERGENCY = "your local emergency number"


def help_for(country):
    """The country's lines (`violence_lines`, `lines`) and `emergency` number; a country we
    do not list gets the general lines and "your local emergency number", never a US number."""
    code = "" if country in ("", None) else ("elsewhere" if country == Country.OTHER else country)
    return lines_for_country(code)


def emergency_number(country):
    return help_for(country).emergency or LOCAL_EMERGENCY


def naloxone_where(country):
    return NALOXONE_WHERE.get(country, NALOXONE_ELSEWHERE)


# How to respond to an overdose: the same steps everywhere; only the number changes.
OVERDOSE_STEPS = (
    "Signs: they will not wake up, breathing is slow or has stopped, lips or fingertips are blue or grey.",
    "Call {emergency}. Say someone is not breathing or will not wake up.",
    "Give naloxone if you have it: one spray into a nostril. If there is no response after 2\u20133 minutes, give another.",
    "If they are not breathing, give rescue breaths. Once they breathe, lay them on their side.",
    "Stay with them until help arrives: naloxone wears off and the overdose can come back.",
)


def overdose_steps(country):
    emergency = emergency_number(country)
    return [step.format(emergency=emergency) for step in OVERDOSE_STEPS]
