"""The family path's e-mails, as owed work: an admin's decision, and the alert that an
urgent family intake is waiting. Same discreet subjects as the client's intake."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, User
from clients.emails import REVIEW_SUBJECTS, SUBJECT_PREFIX, URGENT_SUBJECT, absolute
from core import outbox
from core.encryption import reveal

from .models import FamilyIntake, FamilyReview

REVIEW_DECISION = "family.review_decision"
URGENT_ALERT = "family.urgent_alert"


def owe_urgent_alerts(intake):
    """Each active admin is owed one alert for this intake. Call it in the submission's transaction."""
    for admin_id in User.objects.filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True):
        outbox.owe(URGENT_ALERT, key=f"{URGENT_ALERT}:{admin_id}:{intake.pk}", about=f"family_intake:{intake.pk}", admin_id=admin_id, intake_id=intake.pk)


def owe_review_decision(review):
    outbox.owe(REVIEW_DECISION, key=f"{REVIEW_DECISION}:{review.pk}", about=f"family_intake:{review.intake_id}", review_id=review.pk)


@outbox.email(REVIEW_DECISION, label="Family intake decision")
def review_decision_for(work):
    review = FamilyReview.objects.select_related("intake__client").filter(pk=work.payload["review_id"]).first()
    if review is None:
        raise outbox.Skip("the review is gone")
    client = review.intake.client
    context = {
        "name": reveal(review.intake.preferred_name) or client.name or "there",
        "review": review,
        "intake_url": absolute(reverse("families:intake_summary")),
        "coaches_url": absolute(reverse("coaching:directory")),
    }
    return EmailMessage(
        subject=SUBJECT_PREFIX + REVIEW_SUBJECTS[review.action],
        body=render_to_string(f"clients/email/review_{review.action}.txt", context),
        to=[client.email],
    )


@outbox.email(URGENT_ALERT, label="Urgent family intake alert")
def urgent_alert_for(work):
    admin = User.objects.filter(pk=work.payload["admin_id"], role=Role.ADMIN, is_active=True).first()
    if admin is None:
        raise outbox.Skip("this admin is no longer active")
    if not FamilyIntake.objects.filter(pk=work.payload["intake_id"], status=FamilyIntake.Status.SUBMITTED).exists():
        raise outbox.Skip("the intake is no longer waiting")
    context = {"count": 1, "review_urls": [absolute(reverse("families:review_detail", args=[work.payload["intake_id"]]))]}
    return EmailMessage(
        subject=URGENT_SUBJECT,
        body=render_to_string("clients/email/urgent_intake.txt", context),
        to=[admin.email],
    )
