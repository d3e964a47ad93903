"""Whether a client may book paid sessions: only once an admin has approved their intake."""

from django.db.models import IntegerField, Subquery

from accounts.backends import NOT_ASKED, asked
from core.prepared import Arg, PreparedQuery

from .models import Intake

# Its name among the facts fetched with the signed-in person (accounts.backends, apps.py).
STATUS_FACT = "intake_status"


def intake_status_of(me):
    """The status of the intake of the person `me` (an OuterRef of their id), NULL for none, as SQL."""
    return Subquery(Intake.objects.filter(client_id=me).values("status")[:1])


# For anyone but the signed-in person as loaded: compiled once (core.prepared).
_STATUS = PreparedQuery(lambda: Intake.objects.filter(client_id=Arg("client", IntegerField())).values_list("status"))


def intake_status(user):
    """The status of `user`'s intake (a client has one at most), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    known = asked(user, STATUS_FACT)
    if known is NOT_ASKED:
        found = _STATUS.rows(client=user.pk)
        known = found[0][0] if found else None
    return known


def intake_approved(user):
    """True when `user` is a client whose intake an admin approved. Free intro sessions need no intake."""
    return intake_status(user) == Intake.Status.APPROVED
