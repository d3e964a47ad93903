"""The intake's e-mails, as owed work the outbox delivers. Subjects and bodies are
discreet: no substance, diagnosis or treatment is named; the details wait behind the login."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, User
from core import outbox
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
URGENT_SUBJECT = "a new sign-up would like a prompt look"


def _absolute(path):
    return settings.SITE_URL + path


def review_decision_message(review):
    client = review.intake.client
    context = {
        "name": reveal(review.intake.preferred_name) or client.name or "there",
        "review": review,
        "intake_url": _absolute(reverse("clients:intake_summary")),
        "coaches_url": _absolute("/coaches/"),
    }
    return EmailMessage(
        subject=SUBJECT_PREFIX + REVIEW_SUBJECTS[review.action],
        body=render_to_string(f"clients/email/review_{review.action}.txt", context),
        to=[client.email],
    )


def urgent_intake_message(intake):
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("email").values_list("email", flat=True))
    context = {"review_url": _absolute(reverse("clients:review_detail", args=[intake.pk]))}
    return EmailMessage(
        subject=SUBJECT_PREFIX + URGENT_SUBJECT,
        body=render_to_string("clients/email/urgent_intake.txt", context),
        to=admins,
    )


@outbox.email(REVIEW_DECISION, label="Intake decision")
def review_decision_for(work):
    review = IntakeReview.objects.select_related("intake__client").filter(pk=work.payload["review_id"]).first()
    if review is None:
        raise outbox.Skip("the review is gone")
    return review_decision_message(review)


@outbox.email(URGENT_ALERT, label="Urgent intake alert")
def urgent_alert_for(work):
    intake = Intake.objects.filter(pk=work.payload["intake_id"]).first()
    if intake is None:
        raise outbox.Skip("the intake is gone")
    message = urgent_intake_message(intake)
    if not message.to:
        raise outbox.Skip("there is no active admin to tell")
    return message
