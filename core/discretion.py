"""Words that must never reach a subject line, a preview or a sender name: an inbox,
a lock screen or a shared laptop must not say what the sessions are about."""

import re

TERMS = (
    "addiction", "addict", "addicted", "substance", "substances", "alcohol", "alcoholic", "alcoholism",
    "drink", "drinking", "drunk", "drug", "drugs", "opioid", "opioids", "opiate", "heroin", "fentanyl",
    "cocaine", "crack", "meth", "methamphetamine", "amphetamine", "cannabis", "marijuana", "weed",
    "benzodiazepine", "benzo", "methadone", "suboxone", "buprenorphine", "naloxone", "narcan", "naltrexone",
    "vivitrol", "overdose", "relapse", "sober", "sobriety", "recovery", "rehab", "detox", "withdrawal",
    "dependence", "abuse", "disorder", "diagnosis", "harm reduction", "harm-reduction", "use log",
    "aud", "oud", "sud", "mat", "treatment", "stimulant", "stimulants", "self-harm", "suicide", "suicidal",
    "crisis",
)

_PATTERN = re.compile(r"\b(" + "|".join(re.escape(term) for term in TERMS) + r")\b", re.IGNORECASE)


def indiscreet_words(text):
    """The listed words found in `text`, lower-cased, in order."""
    return [match.lower() for match in _PATTERN.findall(text or "")]


def require_discreet(*texts):
    for text in texts:
        found = indiscreet_words(text)
        if found:
            raise ValueError(f"an e-mail subject or preview would name {found}")
