"""An admin's review of a submitted family intake: approve and match coaches who work with
families, ask for more, or decline. One guarded function per decision, as for the client's
intake (clients/review.py): lock, refuse an intake not waiting, audit, owe the e-mail."""

from django.core.exceptions import ValidationError
from django.db import transaction

from clients.review import coaches_to_match, locked_waiting, record_decision

from .emails import owe_review_decision
from .models import FamilyMatch, FamilyReview

# coaching.models.Specialty's value for coaches who work with families (coaching sits above).
FAMILIES_SPECIALTY = "families"


def _decide(intake, action, *, by, message="", request=None, **details):
    review = record_decision(intake, action, by=by, message=message, request=request, audit_prefix="family_intake", **details)
    owe_review_decision(review)
    return review


def approve(intake, *, coaches, by, request=None):
    """Approve, and match the family member with one or more coaches."""
    coaches = coaches_to_match(coaches)
    with transaction.atomic():
        intake = locked_waiting(intake)
        for coach in coaches:
            FamilyMatch.objects.get_or_create(client=intake.client, coach=coach, defaults={"assigned_by": by})
        return _decide(intake, FamilyReview.Action.APPROVED, by=by, request=request, coach_ids=sorted(c.pk for c in coaches))


def ask_for_more(intake, *, message, by, request=None):
    if not message.strip():
        raise ValidationError("Please write what you would like to know.")
    with transaction.atomic():
        return _decide(locked_waiting(intake), FamilyReview.Action.MORE_INFO, by=by, message=message.strip(), request=request)


def decline(intake, *, message="", by, request=None):
    with transaction.atomic():
        return _decide(locked_waiting(intake), FamilyReview.Action.DECLINED, by=by, message=message.strip(), request=request)
