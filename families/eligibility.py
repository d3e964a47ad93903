"""Which paid sessions a person may book: individual ones once their own intake is approved,
family ones once their family intake is. Free sessions are open to everyone."""

from dataclasses import dataclass

from django.db.models import IntegerField, Subquery

from accounts.backends import NOT_ASKED, asked
from clients.eligibility import intake_approved
from core.prepared import Arg, PreparedQuery

from .models import FamilyIntake

# Its name among the facts fetched with the signed-in person (accounts.backends, apps.py).
STATUS_FACT = "family_intake_status"


def family_intake_status_of(me):
    """The status of the family intake of the person `me` (an OuterRef of their id), NULL for none, as SQL."""
    return Subquery(FamilyIntake.objects.filter(client_id=me).values("status")[:1])


_STATUS = PreparedQuery(lambda: FamilyIntake.objects.filter(client_id=Arg("client", IntegerField())).values_list("status"))


def family_intake_status(user):
    """The status of `user`'s family intake (one at most), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    known = asked(user, STATUS_FACT)
    if known is NOT_ASKED:
        found = _STATUS.rows(client=user.pk)
        known = found[0][0] if found else None
    return known


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
