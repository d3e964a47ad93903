"""The intake's e-mails, as owed work the outbox delivers. Subjects and bodies are
discreet: no substance, diagnosis or treatment is named; the details wait behind the login."""

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, User
from core import outbox
from core.models import OwedStatus, OwedWork
from core.encryption import reveal

from .models import Intake, IntakeReview

SUBJECT_PREFIX = "Waypoint: "
REVIEW_DECISION = "intake.review_decision"
URGENT_ALERT = "intake.urgent_alert"

REVIEW_SUBJECTS = {
    IntakeReview.Action.APPROVED: "your next step is ready",
    IntakeReview.Action.MORE_INFO: "a quick question about your sign-up",
    IntakeReview.Action.DECLINED: "an update about your sign-up",
}
# Plain to an admin that it is urgent, without naming why (an inbox is not private).
URGENT_SUBJECT = "An intake is waiting for an urgent look"
URGENT_SUBJECT_MANY = "Intakes are waiting for an urgent look"


def absolute(path):
    return settings.SITE_URL + path


def review_decision_message(review):
    client = review.intake.client
    context = {
        "name": reveal(review.intake.preferred_name) or client.name or "there",
        "review": review,
        "intake_url": absolute(reverse("clients:intake_summary")),
        "coaches_url": absolute("/coaches/"),
    }
    return EmailMessage(
        subject=SUBJECT_PREFIX + REVIEW_SUBJECTS[review.action],
        body=render_to_string(f"clients/email/review_{review.action}.txt", context),
        to=[client.email],
    )


def urgent_window(moment):
    """The number of the fixed window (URGENT_ALERT_MINUTES long) that `moment` falls in."""
    return int(moment.timestamp()) // (settings.URGENT_ALERT_MINUTES * 60)


def owe_urgent_alerts(now):
    """An urgent intake was just sent: owe each admin an alert, bundled. Call it in the
    submission's transaction.

    Each admin has at most one alert per window, by its key. This window's alert is due
    now (the first urgent intake of a window is told at once); the next window's is due
    when that window opens and picks up whatever came in after this window's alert went.
    The alert itself lists every urgent intake waiting that no alert to that admin has
    listed yet, so an intake sent while an alert is going out is in the next one."""
    window = urgent_window(now)
    seconds = settings.URGENT_ALERT_MINUTES * 60
    for admin_id in User.objects.filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True):
        for number in (window, window + 1):
            due = now if number == window else datetime.fromtimestamp(number * seconds, tz=UTC)
            outbox.owe(URGENT_ALERT, key=f"{URGENT_ALERT}:{admin_id}:{number}", due_at=due, about=f"admin:{admin_id}", admin_id=admin_id)


def _already_listed(admin_id, work):
    """Intakes that an alert to this admin has listed, unless it failed for good (those
    are listed again) or was nothing to send."""
    rows = (
        OwedWork.objects.filter(kind=URGENT_ALERT, payload__admin_id=admin_id, payload__has_key="intake_ids")
        .exclude(status__in=(OwedStatus.FAILED, OwedStatus.SKIPPED))
        .exclude(pk=work.pk)
        .values_list("payload__intake_ids", flat=True)
    )
    return {intake_id for listed in rows for intake_id in listed}


def _intakes_for(work, admin):
    """The intakes this alert lists: chosen once, on its first attempt, and kept in its
    payload, so a retry after a failed send lists the same ones."""
    if "intake_ids" in work.payload:
        return work.payload["intake_ids"]
    with transaction.atomic():
        # One admin's alerts choose one after the other: two never list the same intake.
        User.objects.select_for_update(no_key=True).filter(pk=admin.pk).first()
        listed = _already_listed(admin.pk, work)
        # Sent urgent intakes, and drafts with a "yes" left unsent too long (urgent_case.py).
        waiting = Intake.objects.filter(is_urgent=True).filter(
            Q(status=Intake.Status.SUBMITTED) | Q(status=Intake.Status.DRAFT, urgent_draft_flagged_at__isnull=False)
        ).order_by("submitted_at", "urgent_draft_flagged_at", "pk")
        chosen = [pk for pk in waiting.values_list("pk", flat=True) if pk not in listed]
        if chosen:
            OwedWork.objects.filter(pk=work.pk).update(payload={**work.payload, "intake_ids": chosen})
    return chosen


def urgent_intakes_message(admin, intake_ids):
    context = {
        "count": len(intake_ids),
        "review_urls": [absolute(reverse("clients:review_detail", args=[pk])) for pk in intake_ids],
    }
    return EmailMessage(
        subject=URGENT_SUBJECT if len(intake_ids) == 1 else URGENT_SUBJECT_MANY,
        body=render_to_string("clients/email/urgent_intake.txt", context),
        to=[admin.email],
    )


@outbox.email(REVIEW_DECISION, label="Intake decision")
def review_decision_for(work):
    review = IntakeReview.objects.select_related("intake__client").filter(pk=work.payload["review_id"]).first()
    if review is None:
        raise outbox.Skip("the review is gone")
    return review_decision_message(review)


@outbox.email(URGENT_ALERT, label="Urgent intake alert")
def urgent_alert_for(work):
    admin = User.objects.filter(pk=work.payload["admin_id"], role=Role.ADMIN, is_active=True).first()
    if admin is None:
        raise outbox.Skip("this admin is no longer active")
    intake_ids = _intakes_for(work, admin)
    if not intake_ids:
        raise outbox.Skip("no urgent intake that this admin has not been told of")
    return urgent_intakes_message(admin, intake_ids)
