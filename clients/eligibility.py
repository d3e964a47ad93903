"""Whether a client may book paid sessions: only once an admin has approved their intake."""

from django.db.models import IntegerField

from core.prepared import Arg, PreparedQuery

from .models import Intake

# Asked on every booking page: compiled once (core.prepared).
_APPROVED = PreparedQuery(
    lambda: Intake.objects.filter(client_id=Arg("client", IntegerField()), status=Intake.Status.APPROVED).values_list("pk")[:1]
)


def intake_approved(user):
    """True when `user` is a client whose intake an admin approved. Free intro sessions need no intake."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_APPROVED.rows(client=user.pk))
