"""This app's part of "Download my data" and "Delete my account" (see accounts/export.py).

Progress log here; the intake's section and eraser belong beside it.
"""

from accounts.export import iso, register_eraser, register_section
from coaching.encryption import reveal

from .models import CheckIn, Goal, ProgressSettings
from .progress import describe_goal


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
    for entry in CheckIn.objects.filter(client=user).prefetch_related("uses").order_by("day"):
        records.append(
            {
                "kind": "check_in",
                "day": iso(entry.day),
                "use": [
                    {"substance": use.substance, "used": use.used, "standard_drinks": use.standard_drinks}
                    for use in entry.uses.all()
                ],
                "cravings": entry.cravings,
                "mood": entry.get_mood_display(),
                "took_medication": entry.took_medication,
                "note": reveal(entry.note),
            }
        )
    return records


@register_eraser("progress_log", order=50)
def erase_progress_log(user):
    CheckIn.objects.filter(client=user).delete()
    Goal.objects.filter(client=user).delete()
    ProgressSettings.objects.filter(client=user).delete()
