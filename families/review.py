"""An admin's review of a submitted family intake: approve and match coaches who work with
families, ask for more, or decline. One guarded function per decision, as for the client's
intake (clients/review.py): lock, refuse an intake not waiting, audit, owe the e-mail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.models import Role

from .emails import owe_review_decision
from .models import FamilyIntake, FamilyMatch, FamilyReview

# coaching.models.Specialty's value for coaches who work with families (coaching sits above).
FAMILIES_SPECIALTY = "families"

STATUS_AFTER = {
    FamilyReview.Action.APPROVED: FamilyIntake.Status.APPROVED,
    FamilyReview.Action.MORE_INFO: FamilyIntake.Status.MORE_INFO,
    FamilyReview.Action.DECLINED: FamilyIntake.Status.DECLINED,
}


def _locked_waiting(intake):
    intake = FamilyIntake.objects.select_for_update().select_related("client").get(pk=intake.pk)
    if intake.status != FamilyIntake.Status.SUBMITTED:
        raise ValidationError("This intake is not waiting for review.")
    return intake


def _decide(intake, action, *, by, message="", request=None, **details):
    intake.status = STATUS_AFTER[action]
    intake.reviewed_at = timezone.now()
    intake.save(update_fields=["status", "reviewed_at", "updated_at"])
    review = FamilyReview.objects.create(intake=intake, action=action, message=message, reviewer=by)
    record(f"family_intake.{action}", actor=by, obj=intake, request=request, review_id=review.pk, **details)
    owe_review_decision(review)
    return review


def approve(intake, *, coaches, by, request=None):
    """Approve, and match the family member with one or more coaches."""
    coaches = list(coaches)
    if not coaches:
        raise ValidationError("Choose at least one coach.")
    if any(coach.role != Role.COACH for coach in coaches):
        raise ValidationError("Only coaches can be matched.")
    with transaction.atomic():
        intake = _locked_waiting(intake)
        for coach in coaches:
            FamilyMatch.objects.get_or_create(client=intake.client, coach=coach, defaults={"assigned_by": by})
        return _decide(intake, FamilyReview.Action.APPROVED, by=by, request=request, coach_ids=sorted(c.pk for c in coaches))


def ask_for_more(intake, *, message, by, request=None):
    if not message.strip():
        raise ValidationError("Please write what you would like to know.")
    with transaction.atomic():
        return _decide(_locked_waiting(intake), FamilyReview.Action.MORE_INFO, by=by, message=message.strip(), request=request)


def decline(intake, *, message="", by, request=None):
    with transaction.atomic():
        return _decide(_locked_waiting(intake), FamilyReview.Action.DECLINED, by=by, message=message.strip(), request=request)
