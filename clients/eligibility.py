"""Whether a client may book paid sessions: only once an admin has approved their intake."""

from .models import Intake


def intake_approved(user):
    """True when `user` is a client whose intake an admin approved. Free intro sessions need no intake."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Intake.objects.filter(client=user, status=Intake.Status.APPROVED).exists()
