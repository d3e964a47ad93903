"""Which paid sessions a person may book: individual ones once their own intake is approved,
family ones once their family intake is. Free sessions are open to everyone."""

from dataclasses import dataclass

from django.db.models import IntegerField

from clients.eligibility import intake_approved
from core.prepared import Arg, PreparedQuery

from .models import FamilyIntake

_APPROVED = PreparedQuery(
    lambda: FamilyIntake.objects.filter(client_id=Arg("client", IntegerField()), status=FamilyIntake.Status.APPROVED).values_list("pk")[:1]
)


def family_intake_approved(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_APPROVED.rows(client=user.pk))


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
