"""The intake's steps, its drafts and its submission.

A client fills the intake in five steps. Every step is saved as a draft when the
client moves on, goes back or stops for now, so they can close the browser and carry
on later. It stays editable until submitted, and again when an admin asks for more.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.backends import forget_asked
from core.encryption import reveal

from . import consents, scoring
from .emails import owe_urgent_alerts
from .models import Intake
from .urgent_case import owe_draft_check, withdraw_draft_check


@dataclass(frozen=True)
class Step:
    slug: str
    title: str


class StepFlow:
    """The order of a questionnaire's steps: a step opens once every step before it is
    done. Shared by the client's intake and the family intake."""

    def __init__(self, steps):
        self.steps = list(steps)
        self.slugs = [step.slug for step in self.steps]
        self.by_slug = {step.slug: step for step in self.steps}

    def first_open_step(self, intake):
        for step in self.steps:
            if step.slug not in intake.steps_done:
                return step
        return self.steps[-1]

    def may_open(self, intake, slug):
        return all(earlier in intake.steps_done for earlier in self.slugs[: self.slugs.index(slug)])

    def neighbours(self, slug):
        index = self.slugs.index(slug)
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following

    def mark_done(self, intake, slug):
        if slug not in intake.steps_done:
            intake.steps_done = [s for s in self.slugs if s in intake.steps_done or s == slug]

    @staticmethod
    def mark_open(intake, slug):
        intake.steps_done = [s for s in intake.steps_done if s != slug]


FLOW = StepFlow(
    [
        Step("about", "About you"),
        Step("reasons", "What brings you here"),
        Step("screening", "A few questions about use"),
        Step("safety", "Your safety"),
        Step("consents", "Agreements"),
    ]
)
STEPS = FLOW.steps
SLUGS = FLOW.slugs
BY_SLUG = FLOW.by_slug
first_open_step = FLOW.first_open_step
may_open = FLOW.may_open
neighbours = FLOW.neighbours
mark_done = FLOW.mark_done
mark_open = FLOW.mark_open


def intake_for(client):
    """The client's intake, created as an empty draft on first visit."""
    intake, _ = Intake.objects.get_or_create(client=client, defaults={"time_zone": client.time_zone})
    return intake


def all_answered(answers, count):
    return answers is not None and len(answers) == count and None not in answers


def rescore(intake):
    """Work out the screening scores from the stored answers, for the screens this intake asks."""
    if not intake.asks_audit_c:
        intake.audit_c_answers = None
    audit_c_answers = reveal(intake.audit_c_answers)
    if all_answered(audit_c_answers, len(scoring.AUDIT_C_ITEMS)):
        result = scoring.audit_c(audit_c_answers, reveal(intake.sex))
        intake.audit_c_score, intake.audit_c_positive = result.score, result.positive
    else:
        intake.audit_c_score = intake.audit_c_positive = None
    if not intake.asks_dast:
        intake.dast_answers = None
    dast_answers = reveal(intake.dast_answers)
    if all_answered(dast_answers, len(scoring.DAST_10_ITEMS)):
        result = scoring.dast_10(dast_answers)
        intake.dast_score, intake.dast_band = result.score, result.band.name
    else:
        intake.dast_score, intake.dast_band = None, ""


# What a client's step may write. The status and review times belong to submission and
# review alone: a draft saved from a page opened before an admin decided must not undo it.
NOT_WRITTEN_BY_A_STEP = {
    "id", "client", "status", "submitted_at", "reviewed_at", "urgent_alert_sent_at", "urgent_draft_flagged_at", "created_at"
}


def step_fields():
    return [field.name for field in Intake._meta.concrete_fields if field.name not in NOT_WRITTEN_BY_A_STEP]


def save_step(intake, slug, form, *, complete, request=None):
    """Save one step's form as a draft; `complete` marks the step done (all it asks is answered).
    Returns the intake as saved."""
    with transaction.atomic():
        # The row is locked, and editability read from it, so that a submission or a
        # review landing at the same moment is seen rather than overwritten.
        intake = Intake.objects.select_for_update().select_related("client").get(pk=intake.pk)
        if not intake.is_editable:
            raise ValidationError("This intake has been submitted and can no longer be changed.")
        screens_before = (intake.asks_audit_c, intake.asks_dast)
        form.apply(intake)
        if slug == "reasons" and (intake.asks_audit_c, intake.asks_dast) != screens_before:
            # Different substances ask different questions: the screening step must be seen again.
            mark_open(intake, "screening")
        if slug == "safety" and reveal(intake.thoughts_of_self_harm):
            # Stays set even if the answer later changes: an admin should still look first.
            intake.is_urgent = True
            if intake.status == Intake.Status.DRAFT:
                # Not lost if the draft is never sent: the admins hear of it all the same.
                owe_draft_check(intake)
        rescore(intake)
        if complete:
            mark_done(intake, slug)
        intake.save(update_fields=step_fields())
        # Every write of an intake is on the audit trail; the answers themselves are not copied there.
        record("intake.saved", actor=intake.client, obj=intake, request=request, step=slug, complete=complete)
    return intake


def missing_before_sending(intake, flow, documents):
    """What still stands between a questionnaire (this intake, or a family intake) and
    submission, in the person's words: its steps before the last, and the required agreements."""
    missing = [f"Please complete \u201c{step.title}\u201d." for step in flow.steps[:-1] if step.slug not in intake.steps_done]
    signed = consents.current(intake.client, documents)
    for document in documents:
        if document.required and consents.needs_signature(signed[document.kind], document):
            missing.append(f"Please read and sign \u201c{document.title}\u201d.")
    return missing


def send_for_review(intake, *, flow, documents, audit_prefix, when_sent, request=None):
    """Send a questionnaire to the admins' review queue; `when_sent(intake)` runs in the same
    transaction (the urgent alerts). Sending twice changes nothing; a reviewed one is refused."""
    model = type(intake)
    with transaction.atomic():
        intake = model.objects.select_for_update().get(pk=intake.pk)
        if intake.status == Intake.Status.SUBMITTED:
            return intake
        if not intake.is_editable:
            raise ValidationError("This intake has already been reviewed.")
        missing = missing_before_sending(intake, flow, documents)
        if missing:
            raise ValidationError(missing)
        resubmission = intake.status == Intake.Status.MORE_INFO
        intake.status = Intake.Status.SUBMITTED
        intake.submitted_at = timezone.now()
        flow.mark_done(intake, "consents")
        intake.save(update_fields=["status", "submitted_at", "steps_done", "updated_at"])
        if request is not None:
            forget_asked(request.user)  # where their intake stands, as fetched with them, is behind now
        record(
            f"{audit_prefix}.resubmitted" if resubmission else f"{audit_prefix}.submitted",
            actor=intake.client,
            obj=intake,
            request=request,
            urgent=intake.is_urgent,
        )
        when_sent(intake)
    return intake


def sign_and_send(intake, *, documents, signed_name, send, request=None):
    """Sign the agreements ticked and send the questionnaire with `send`: all of it, or none."""
    with transaction.atomic():
        for document in documents:
            consents.sign(intake.client, document, signed_name=signed_name, request=request)
        return send(intake, request=request)


def missing_for_submission(intake):
    return missing_before_sending(intake, FLOW, consents.DOCUMENTS)


def _sent(intake):
    withdraw_draft_check(intake)
    if intake.is_urgent:
        # Bundled per admin; an intake an admin was already told of is not listed again.
        owe_urgent_alerts(intake.submitted_at)


def submit(intake, *, request=None):
    """Send the intake to the review queue. Urgent ones alert the admins at once."""
    return send_for_review(intake, flow=FLOW, documents=consents.DOCUMENTS, audit_prefix="intake", when_sent=_sent, request=request)


def sign_and_submit(intake, *, documents, signed_name, request=None):
    """Sign the agreements the client ticked and send the intake: all of it, or none."""
    return sign_and_send(intake, documents=documents, signed_name=signed_name, send=submit, request=request)
