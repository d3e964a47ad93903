"""Scoring of the intake's screens, exactly by their published rules.

AUDIT-C (Bush et al. 1998; the first three items of the WHO AUDIT): three items scored
0-4 each, a total of 0-12. A screen is positive at 4 or more for men and 3 or more for
women; when the client does not say, we use the sex-neutral 3 or more, so nobody is
missed for leaving the question blank.

DAST-10 (Skinner 1982): ten yes/no items about the past 12 months, one point per "yes"
except item 3 ("Are you always able to stop...?"), where "no" scores the point. Bands:
0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.

Readiness ruler: importance and confidence, each 0-10.

These numbers help an admin match a coach; they are never a diagnosis and never shown
to anyone as a label of the person.
"""

from dataclasses import dataclass

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_SAID = "", "I would rather not say"


# The published wordings and answer weights of AUDIT-C.
AUDIT_C_ITEMS = [
    (
        "How often do you have a drink containing alcohol?",
        ["Never", "Monthly or less", "2 to 4 times a month", "2 to 3 times a week", "4 or more times a week"],
    ),
    (
        "How many standard drinks containing alcohol do you have on a typical day?",
        ["1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"],
    ),
    (
        "How often do you have six or more drinks on one occasion?",
        ["Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"],
    ),
]

AUDIT_C_THRESHOLD = {Sex.MALE: 4, Sex.FEMALE: 3, Sex.NOT_SAID: 3}

# DAST-10 items as published (Skinner 1982); item 2 reads "use" where the original says
# "abuse", as adapted versions in clinical guidelines do: the question is the same, the
# word is kinder.
DAST_10_ITEMS = [
    "Have you used drugs other than those required for medical reasons?",
    "Do you use more than one drug at a time?",
    "Are you always able to stop using drugs when you want to?",
    "Have you had \u201cblackouts\u201d or \u201cflashbacks\u201d as a result of drug use?",
    "Do you ever feel bad or guilty about your drug use?",
    "Does your spouse (or parents) ever complain about your involvement with drugs?",
    "Have you neglected your family because of your use of drugs?",
    "Have you engaged in illegal activities in order to obtain drugs?",
    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    "Have you had medical problems as a result of your drug use (e.g. memory loss, hepatitis, convulsions, bleeding)?",
]
DAST_10_REVERSED_ITEM = 3  # 1-based, as the instrument numbers it


@dataclass(frozen=True)
class DastBand:
    low: int
    high: int
    name: str
    suggested_action: str


# Skinner's bands with the published names ("degree of problems related to drug abuse")
# and the suggested action for each.
DAST_10_BANDS = [
    DastBand(0, 0, "No problems reported", "None at this time"),
    DastBand(1, 2, "Low level", "Monitor, reassess at a later date"),
    DastBand(3, 5, "Moderate level", "Further investigation"),
    DastBand(6, 8, "Substantial level", "Intensive assessment"),
    DastBand(9, 10, "Severe level", "Intensive assessment"),
]

RULER_MIN, RULER_MAX = 0, 10


@dataclass(frozen=True)
class AuditCResult:
    score: int
    threshold: int
    positive: bool


@dataclass(frozen=True)
class Dast10Result:
    score: int
    band: DastBand


def audit_c(answers, sex=Sex.NOT_SAID):
    """Score three AUDIT-C answers (each the index 0-4 of the chosen option)."""
    answers = list(answers)
    if len(answers) != len(AUDIT_C_ITEMS):
        raise ValueError(f"AUDIT-C has {len(AUDIT_C_ITEMS)} items, got {len(answers)} answers.")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 4:
            raise ValueError(f"An AUDIT-C answer is scored 0 to 4, got {answer!r}.")
    threshold = AUDIT_C_THRESHOLD[Sex(sex or Sex.NOT_SAID)]
    score = sum(answers)
    return AuditCResult(score=score, threshold=threshold, positive=score >= threshold)


def dast_10(answers):
    """Score ten DAST-10 answers (True for "yes"), item 3 reversed."""
    answers = list(answers)
    if len(answers) != len(DAST_10_ITEMS):
        raise ValueError(f"DAST-10 has {len(DAST_10_ITEMS)} items, got {len(answers)} answers.")
    if not all(isinstance(answer, bool) for answer in answers):
        raise ValueError("DAST-10 answers are yes (True) or no (False).")
    score = sum(
        (not answer) if number == DAST_10_REVERSED_ITEM else answer for number, answer in enumerate(answers, start=1)
    )
    return Dast10Result(score=score, band=dast_10_band(score))


def dast_10_band(score):
    for band in DAST_10_BANDS:
        if band.low <= score <= band.high:
            return band
    raise ValueError(f"A DAST-10 score is 0 to 10, got {score!r}.")


def readiness(value):
    """A readiness ruler answer (importance or confidence): a whole number 0-10."""
    if isinstance(value, bool) or not isinstance(value, int) or not RULER_MIN <= value <= RULER_MAX:
        raise ValueError(f"The readiness ruler runs from {RULER_MIN} to {RULER_MAX}, got {value!r}.")
    return value


# PSS-4 (Cohen, Kamarck & Mermelstein 1983; Cohen & Williamson 1988): the four-item
# Perceived Stress Scale, about the last month. Each item is answered 0 (never) to 4
# (very often); items 2 and 3 are worded positively and scored in reverse (4 minus the
# answer). The total runs 0-16, higher meaning more stress. It has no published cut-off:
# it is a measure to watch over time, never a label.
PSS_4_OPTIONS = ["Never", "Almost never", "Sometimes", "Fairly often", "Very often"]
PSS_4_ITEMS = [
    "In the last month, how often have you felt that you were unable to control the important things in your life?",
    "In the last month, how often have you felt confident about your ability to handle your personal problems?",
    "In the last month, how often have you felt that things were going your way?",
    "In the last month, how often have you felt difficulties were piling up so high that you could not overcome them?",
]
PSS_4_REVERSED_ITEMS = (2, 3)  # 1-based, as the scale numbers them
PSS_4_MAX = 16


def pss_4(answers):
    """Score four PSS-4 answers (each 0-4, as given), items 2 and 3 reversed: a total of 0-16."""
    answers = list(answers)
    if len(answers) != len(PSS_4_ITEMS):
        raise ValueError(f"PSS-4 has {len(PSS_4_ITEMS)} items, got {len(answers)} answers.")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 4:
            raise ValueError(f"A PSS-4 answer is scored 0 to 4, got {answer!r}.")
    return sum(4 - answer if number in PSS_4_REVERSED_ITEMS else answer for number, answer in enumerate(answers, start=1))
