"""An urgent intake is a case an admin follows through: who the client is and how to reach
them, how long it has waited, and a log of what was done ("called, left a voicemail").

A "yes" to the safety question in a draft the client never sends is not lost: the step
that saves it owes a check `URGENT_DRAFT_HOURS` later; if the intake is still unsent then,
it is flagged and the admins get the same urgent alert as for a sent one. Sending the
intake withdraws the check (and the check skips itself if it finds the intake sent)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField
from django.utils import timezone

from accounts.audit import record
from core import outbox
from core.prepared import Arg, PreparedQuery

from .emails import owe_urgent_alerts
from .models import Intake, UrgentFollowUp

URGENT_DRAFT = "intake.urgent_draft"
FOLLOW_UP_MAX = 1000


def _about(intake):
    return f"intake:{intake.pk}"


def owe_draft_check(intake, now=None):
    """In the transaction that saved a "yes" into a draft: check on it later. Once per intake."""
    now = now or timezone.now()
    outbox.owe(
        URGENT_DRAFT,
        key=f"{URGENT_DRAFT}:{intake.pk}",
        due_at=now + timedelta(hours=settings.URGENT_DRAFT_HOURS),
        about=_about(intake),
        intake_id=intake.pk,
    )


def withdraw_draft_check(intake):
    """The intake was sent: its own urgent alert goes now, so the check is not owed."""
    return outbox.withdraw(about=_about(intake), kind=URGENT_DRAFT)


@outbox.action(URGENT_DRAFT, label="Urgent answer in an unsent intake")
def check_unsent_draft(work):
    now = timezone.now()
    with transaction.atomic():
        intake = Intake.objects.select_for_update().filter(pk=work.payload["intake_id"]).first()
        if intake is None:
            raise outbox.Skip("the intake is gone")
        if intake.status != Intake.Status.DRAFT:
            raise outbox.Skip("the intake was sent")
        if intake.urgent_draft_flagged_at is None:
            intake.urgent_draft_flagged_at = now
            intake.save(update_fields=["urgent_draft_flagged_at", "updated_at"])
            record("intake.urgent_draft_flagged", obj=intake, client_id=intake.client_id)
            owe_urgent_alerts(now)


def waiting_since(intake):
    """When the case started to wait for us: its sending, or the flag on an unsent draft."""
    return intake.submitted_at or intake.urgent_draft_flagged_at


def log_follow_up(intake, *, by, note, request=None):
    note = (note or "").strip()
    if not note:
        raise ValidationError("Please write what was done.")
    if len(note) > FOLLOW_UP_MAX:
        raise ValidationError(f"Please keep it to {FOLLOW_UP_MAX} characters.")
    with transaction.atomic():
        follow_up = UrgentFollowUp.objects.create(intake=intake, author=by, note=note)
        record("intake.follow_up_logged", actor=by, obj=intake, request=request, follow_up_id=follow_up.pk)
    return follow_up


# The case's log as its page shows it: the note, when, and by whom (name or e-mail only).
_FOLLOW_UPS = PreparedQuery(
    lambda: UrgentFollowUp.objects.filter(intake=Arg("intake", IntegerField()))
    .select_related("author")
    .only("note", "created_at", "author", "author__name", "author__email")
)


def read_follow_ups(user, intake, request=None):
    """The case's log, for an admin who may read the intake; the read is audited."""
    follow_ups = _FOLLOW_UPS.objects(intake=intake.pk)
    if follow_ups:
        record(
            "intake.follow_ups_read",
            actor=user,
            obj=intake,
            request=request,
            follow_up_ids=[follow_up.pk for follow_up in follow_ups],
        )
    return follow_ups
