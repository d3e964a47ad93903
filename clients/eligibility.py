"""Whether a client may book paid sessions: only once an admin has approved their intake."""

from accounts.backends import PersonValue

from .models import Intake

# Where a client's intake stands (a client has one at most): fetched with the signed-in
# person on every request (registered in apps.py), asked on its own for anyone else.
INTAKE_STATUS = PersonValue("intake_status", lambda me: Intake.objects.filter(client_id=me), "status")


def intake_status(user):
    """The status of `user`'s intake, or None."""
    return INTAKE_STATUS.of(user)


def intake_approved(user):
    """True when `user` is a client whose intake an admin approved. Free intro sessions need no intake."""
    return intake_status(user) == Intake.Status.APPROVED
