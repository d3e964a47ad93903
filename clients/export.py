"""This app's part of "Download my data" and "Delete my account" (see accounts/export.py).

The intake (with its consents and reviews) and the progress log.
"""

from accounts.export import iso, register_eraser, register_section
from core.encryption import reveal

from .access import read_intake_of
from .models import CheckIn, CoachAssignment, Consent, Goal, Intake, ProgressSettings
from .progress import MOODS, describe_goal


@register_section("progress_log", "Your progress log", order=50)
def progress_log(user):
    settings = ProgressSettings.objects.filter(client=user).first()
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
    for goal in Goal.objects.filter(client=user).order_by("created_at", "id"):
        records.append(
            {
                "kind": "goal",
                "goal": describe_goal(goal),
                "in_your_words": reveal(goal.own_words),
                "active": goal.is_active,
                "set_on": iso(goal.created_at),
            }
        )
    # A row per substance answer (or one with none): one query for the whole log.
    days = {}
    for pk, day, cravings, mood, took_medication, note, substance, used, drinks in (
        CheckIn.objects.filter(client=user)
        .order_by("day", "uses__substance")
        .values_list("pk", "day", "cravings", "mood", "took_medication", "note", "uses__substance", "uses__used", "uses__standard_drinks")
    ):
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


@register_section("intake", "Your intake", order=20)
def intake(user):
    records = []
    # Through the one audited door, like every other read of an intake.
    answers = read_intake_of(user, user)
    if answers is not None:
        record = {field: reveal(getattr(answers, field)) for field in INTAKE_FIELDS}
        record.update(kind="intake", started=iso(answers.created_at), sent=iso(answers.submitted_at))
        records.append(record)
        for review in answers.reviews.order_by("created_at"):
            records.append({"kind": "review", "decision": review.get_action_display(), "message": reveal(review.message), "on": iso(review.created_at)})
    for consent in Consent.objects.filter(client=user).order_by("signed_at", "id"):
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
    for match in CoachAssignment.objects.filter(client=user).select_related("coach"):
        records.append({"kind": "coach_match", "coach": match.coach.name, "since": iso(match.assigned_at)})
    return records


@register_eraser("intake", order=20)
def erase_intake(user):
    # Reviews go with the intake (CASCADE); consents and matches name the person too.
    Intake.objects.filter(client=user).delete()
    Consent.objects.filter(client=user).delete()
    CoachAssignment.objects.filter(client=user).delete()
