"""This app's part of "Download my data" and "Delete my account" (see accounts/export.py).

The intake (with its consents and reviews) and the progress log.
"""

from django.db.models import IntegerField

from accounts.export import USER, iso, register_eraser, register_section
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

from . import progress
from .access import read_intake_of
from .models import CheckIn, CoachAssignment, Consent, Goal, Intake, IntakeReview, ProgressSettings
from .progress import MOODS, describe_goal


# Compiled once per process, like the other sections' queries (see accounts/export.py).
_GOALS = PreparedQuery(lambda: Goal.objects.filter(client=USER).order_by("created_at", "id"))
# A row per substance answer (or one with none): one statement for the whole log.
_CHECK_INS = PreparedQuery(
    lambda: CheckIn.objects.filter(client=USER)
    .order_by("day", "uses__substance")
    .values_list("pk", "day", "cravings", "mood", "took_medication", "note", "uses__substance", "uses__used", "uses__standard_drinks")
)
_REVIEWS = PreparedQuery(lambda: IntakeReview.objects.filter(intake=Arg("intake", IntegerField())).order_by("created_at").values_list("action", "message", "created_at"))
_CONSENTS = PreparedQuery(lambda: Consent.objects.filter(client=USER).order_by("signed_at", "id"))
_MATCHES = PreparedQuery(lambda: CoachAssignment.objects.filter(client=USER).values_list("coach__name", "assigned_at"))
REVIEW_ACTIONS = dict(IntakeReview.Action.choices)


@register_section(
    "progress_log",
    "Your progress log",
    order=50,
    counts=lambda user: [
        ("your choices of what to track", None, ProgressSettings.objects.filter(client=user)),
        ("goal", "goals", Goal.objects.filter(client=user)),
        ("check-in", "check-ins", CheckIn.objects.filter(client=user)),
    ],
)
def progress_log(user):
    settings = progress.settings_of(user)
    records = []
    if settings is not None:
        records.append(
            {
                "kind": "settings",
                "tracking": list(settings.substances),
                "tracks_medication": settings.tracks_medication,
                "shared_with_coach": settings.share_with_coach,
            }
        )
    for goal in _GOALS.objects(user=user.pk):
        records.append(
            {
                "kind": "goal",
                "goal": describe_goal(goal),
                "in_your_words": reveal(goal.own_words),
                "active": goal.is_active,
                "set_on": iso(goal.created_at),
            }
        )
    days = {}
    for pk, day, cravings, mood, took_medication, note, substance, used, drinks in _CHECK_INS.rows(user=user.pk):
        record = days.get(pk)
        if record is None:
            record = days[pk] = {
                "kind": "check_in",
                "day": iso(day),
                "use": [],
                "cravings": cravings,
                "mood": MOODS.get(mood, mood),
                "took_medication": took_medication,
                "note": reveal(note),
            }
        if substance is not None:
            record["use"].append({"substance": substance, "used": used, "standard_drinks": drinks})
    records += days.values()
    return records


@register_eraser("progress_log", order=50)
def erase_progress_log(user):
    CheckIn.objects.filter(client=user).delete()
    Goal.objects.filter(client=user).delete()
    ProgressSettings.objects.filter(client=user).delete()


INTAKE_FIELDS = [
    "status", "preferred_name", "pronouns", "time_zone", "language", "phone", "emergency_contact",
    "substances", "substance_other", "treatment", "treatment_other", "goal", "goal_in_own_words", "sex",
    "audit_c_answers", "audit_c_score", "audit_c_positive", "dast_answers", "dast_score", "dast_band",
    "importance", "confidence", "thoughts_of_self_harm", "overdose_past_year", "is_urgent",
]


@register_section(
    "intake",
    "Your intake",
    order=20,
    counts=lambda user: [
        ("your intake answers", None, Intake.objects.filter(client=user)),
        ("review", "reviews", IntakeReview.objects.filter(intake__client=user)),
        ("consent", "consents", Consent.objects.filter(client=user)),
        ("coach match", "coach matches", CoachAssignment.objects.filter(client=user)),
    ],
)
def intake(user):
    records = []
    # Through the one audited door, like every other read of an intake.
    answers = read_intake_of(user, user)
    if answers is not None:
        record = {field: reveal(getattr(answers, field)) for field in INTAKE_FIELDS}
        record.update(kind="intake", started=iso(answers.created_at), sent=iso(answers.submitted_at))
        records.append(record)
        for action, message, on in _REVIEWS.rows(intake=answers.pk):
            records.append({"kind": "review", "decision": REVIEW_ACTIONS.get(action, action), "message": reveal(message), "on": iso(on)})
    for consent in _CONSENTS.objects(user=user.pk):
        records.append(
            {
                "kind": "consent",
                "consent": consent.kind,
                "version": consent.version,
                "text": consent.text,
                "signed_name": consent.signed_name,
                "signed_at": iso(consent.signed_at),
                "from_ip": consent.ip,
                "expires": iso(consent.expires_at),
                "revoked": iso(consent.revoked_at),
            }
        )
    for coach, since in _MATCHES.rows(user=user.pk):
        records.append({"kind": "coach_match", "coach": coach, "since": iso(since)})
    return records


@register_eraser("intake", order=20)
def erase_intake(user):
    # Reviews go with the intake (CASCADE); consents and matches name the person too.
    Intake.objects.filter(client=user).delete()
    Consent.objects.filter(client=user).delete()
    CoachAssignment.objects.filter(client=user).delete()
