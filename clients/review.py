"""An admin's review of a submitted intake: approve and match coaches, ask for more, or decline.

Each decision is one guarded function: it locks the intake, refuses an intake that is
not waiting for review, writes the audit entry, and owes the client a (discreet) e-mail
in the same transaction; the outbox delivers it once the decision is committed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.models import Role
from core import outbox
from core.encryption import reveal

from .emails import REVIEW_DECISION
from .models import CoachAssignment, Intake, IntakeReview, Substance, Treatment

# coaching.models.Specialty values; clients sits below coaching, so it names them, not imports them.
SPECIALTIES_FOR_SUBSTANCE = {
    Substance.ALCOHOL: "alcohol",
    Substance.OPIOIDS: "opioids_mat",
    Substance.STIMULANTS: "stimulants",
    Substance.CANNABIS: "cannabis",
    Substance.BENZODIAZEPINES: "benzodiazepines",
    Substance.OTHER: "general",
}
MAT_SPECIALTY = "opioids_mat"

# Where we point someone whose needs are beyond coaching; shown on their intake page.
REFERRAL_RESOURCES = [
    ("FindTreatment.gov", "https://findtreatment.gov/", "A confidential map of licensed treatment near you, from SAMHSA."),
    ("SAMHSA National Helpline", "tel:18006624357", "1-800-662-4357: free, confidential, 24/7, in English and Spanish."),
    ("988 Suicide & Crisis Lifeline", "tel:988", "Call or text 988 any time of day or night."),
    ("Never Use Alone", "tel:18004843731", "1-800-484-3731: someone stays on the line while you use and calls for help if you stop answering."),
]


def wanted_specialties(intake):
    wanted = [SPECIALTIES_FOR_SUBSTANCE[Substance(value)] for value in reveal(intake.substances)]
    if reveal(intake.treatment) not in (Treatment.NONE, ""):
        wanted.append(MAT_SPECIALTY)
    return list(dict.fromkeys(wanted))


STATUS_AFTER = {
    IntakeReview.Action.APPROVED: Intake.Status.APPROVED,
    IntakeReview.Action.MORE_INFO: Intake.Status.MORE_INFO,
    IntakeReview.Action.DECLINED: Intake.Status.DECLINED,
}


def locked_waiting(intake):
    """The intake (a client's or a family one) locked, if it is waiting for review."""
    intake = type(intake).objects.select_for_update().select_related("client").get(pk=intake.pk)
    if intake.status != Intake.Status.SUBMITTED:
        raise ValidationError("This intake is not waiting for review.")
    return intake


def coaches_to_match(coaches):
    coaches = list(coaches)
    if not coaches:
        raise ValidationError("Choose at least one coach.")
    if any(coach.role != Role.COACH for coach in coaches):
        raise ValidationError("Only coaches can be matched with a client.")
    return coaches


def record_decision(intake, action, *, by, message="", request=None, audit_prefix="intake", **details):
    """Move a locked intake to the status `action` leads to, keep the decision among its
    `reviews`, and audit it. Returns the review (the caller owes its e-mail)."""
    intake.status = STATUS_AFTER[action]
    intake.reviewed_at = timezone.now()
    intake.save(update_fields=["status", "reviewed_at", "updated_at"])
    review = intake.reviews.create(action=action, message=message, reviewer=by)
    record(f"{audit_prefix}.{action}", actor=by, obj=intake, request=request, review_id=review.pk, **details)
    return review


def _decide(intake, action, *, by, message="", request=None, **details):
    review = record_decision(intake, action, by=by, message=message, request=request, **details)
    outbox.owe(REVIEW_DECISION, key=f"{REVIEW_DECISION}:{review.pk}", about=f"intake:{intake.pk}", review_id=review.pk)
    return review


def approve(intake, *, coaches, by, request=None):
    """Approve the intake and match the client with one or more coaches."""
    coaches = coaches_to_match(coaches)
    with transaction.atomic():
        intake = locked_waiting(intake)
        for coach in coaches:
            CoachAssignment.objects.get_or_create(client=intake.client, coach=coach, defaults={"assigned_by": by})
        return _decide(
            intake, IntakeReview.Action.APPROVED, by=by, request=request, coach_ids=sorted(coach.pk for coach in coaches)
        )


def ask_for_more(intake, *, message, by, request=None):
    """Send the intake back to the client with a question; they edit and resubmit."""
    if not message.strip():
        raise ValidationError("Please write what you would like to know.")
    with transaction.atomic():
        intake = locked_waiting(intake)
        return _decide(intake, IntakeReview.Action.MORE_INFO, by=by, message=message.strip(), request=request)


def decline(intake, *, message="", by, request=None):
    """Decline with referral resources, for needs beyond what coaching can safely offer."""
    with transaction.atomic():
        intake = locked_waiting(intake)
        return _decide(intake, IntakeReview.Action.DECLINED, by=by, message=message.strip(), request=request)
