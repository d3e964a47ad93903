"""The family intake's steps, drafts and submission: as careful as the client's intake
(clients/intake.py), with its own questions. Every step is saved as a draft when the
person moves on, goes back or stops for now."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import record
from clients import scoring
from clients.intake import Step, StepFlow, all_answered, send_for_review, sign_and_send
from core.encryption import reveal

from . import agreements
from .emails import owe_urgent_alerts
from .models import FamilyIntake

FLOW = StepFlow(
    [
        Step("about", "About you"),
        Step("loved-one", "Who you are worried about"),
        Step("hopes", "What you hope for"),
        Step("wellbeing", "Your own wellbeing"),
        Step("safety", "Safety"),
        Step("consents", "Agreements"),
    ]
)

# A "yes" to any of these shows help at once and puts the intake first in the admins' queue.
SAFETY_QUESTIONS = ("afraid_of_loved_one", "thoughts_of_self_harm", "overdose_at_home")

NOT_WRITTEN_BY_A_STEP = {"id", "client", "status", "submitted_at", "reviewed_at", "created_at"}


def intake_for(client):
    """The person's family intake, created as an empty draft on first visit."""
    intake, _ = FamilyIntake.objects.get_or_create(client=client, defaults={"time_zone": client.time_zone})
    return intake


def said_yes(intake):
    """{question: True} for each safety question answered yes."""
    return {name: reveal(getattr(intake, name)) is True for name in SAFETY_QUESTIONS}


def rescore(intake):
    answers = reveal(intake.pss_answers)
    intake.pss_score = scoring.pss_4(answers) if all_answered(answers, len(scoring.PSS_4_ITEMS)) else None


def step_fields():
    return [field.name for field in FamilyIntake._meta.concrete_fields if field.name not in NOT_WRITTEN_BY_A_STEP]


def save_step(intake, slug, form, *, complete, request=None):
    """Save one step's form as a draft; `complete` marks the step done. Returns the intake as saved."""
    with transaction.atomic():
        intake = FamilyIntake.objects.select_for_update().select_related("client").get(pk=intake.pk)
        if not intake.is_editable:
            raise ValidationError("This intake has been sent and can no longer be changed.")
        form.apply(intake)
        if slug == "safety" and any(said_yes(intake).values()):
            # Stays set even if the answer later changes: an admin should still look first.
            intake.is_urgent = True
        rescore(intake)
        if complete:
            FLOW.mark_done(intake, slug)
        intake.save(update_fields=step_fields())
        record("family_intake.saved", actor=intake.client, obj=intake, request=request, step=slug, complete=complete)
    return intake


def _sent(intake):
    if intake.is_urgent:
        owe_urgent_alerts(intake)


def submit(intake, *, request=None):
    """Send the family intake to the review queue. Urgent ones alert the admins at once."""
    return send_for_review(intake, flow=FLOW, documents=agreements.DOCUMENTS, audit_prefix="family_intake", when_sent=_sent, request=request)


def sign_and_submit(intake, *, documents, signed_name, request=None):
    """Sign the agreements ticked and send the intake: all of it, or none."""
    return sign_and_send(intake, documents=documents, signed_name=signed_name, send=submit, request=request)
