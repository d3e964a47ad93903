"""Which paid sessions a person may book: individual ones once their own intake is approved,
family ones once their family intake is. Free sessions are open to everyone."""

from dataclasses import dataclass

from accounts.backends import PersonValue
from clients.eligibility import intake_approved

from .models import FamilyIntake

# Where a person's family intake stands (one at most): fetched with the signed-in person on
# every request (registered in apps.py), asked on its own for anyone else.
FAMILY_INTAKE_STATUS = PersonValue("family_intake_status", lambda me: FamilyIntake.objects.filter(client_id=me), "status")


def family_intake_status(user):
    """The status of `user`'s family intake, or None."""
    return FAMILY_INTAKE_STATUS.of(user)


def family_intake_approved(user):
    return family_intake_status(user) == FamilyIntake.Status.APPROVED


@dataclass(frozen=True)
class Approvals:
    about_me: bool
    family: bool

    @property
    def either(self):
        return self.about_me or self.family

    def cover(self, session_type):
        """May a session of this type be booked? (`session_type` is a coaching SessionType.)"""
        if session_type.is_free:
            return True
        return self.family if session_type.for_families else self.about_me


def may_book_all(user, session_types):
    """May `user` book every one of these session types? Asks only for the intakes that
    their paid ones need."""
    paid = [t for t in session_types if not t.is_free]
    if any(not t.for_families for t in paid) and not intake_approved(user):
        return False
    return not any(t.for_families for t in paid) or family_intake_approved(user)


def approvals(user):
    return Approvals(about_me=intake_approved(user), family=family_intake_approved(user))
