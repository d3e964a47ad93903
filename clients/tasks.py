"""Background e-mails of the intake. Each task takes ids, claims its work atomically and
so sends one e-mail even when it runs twice."""

import logging

from celery import shared_task
from django.utils import timezone

from . import emails
from .models import Intake, IntakeReview

log = logging.getLogger(__name__)


@shared_task(name="clients.email_review_decision", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_review_decision(*, review_id):
    review = IntakeReview.objects.select_related("intake__client").filter(pk=review_id).first()
    if review is None:
        log.info("review %s is gone; nothing to send", review_id)
        return False
    if not IntakeReview.objects.filter(pk=review_id, emailed_at=None).update(emailed_at=timezone.now()):
        return False
    try:
        emails.review_decision_message(review).send()
    except Exception:
        # Let a retry claim it again.
        IntakeReview.objects.filter(pk=review_id).update(emailed_at=None)
        raise
    return True


@shared_task(name="clients.alert_admins_to_urgent_intake", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def alert_admins_to_urgent_intake(*, intake_id):
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is None:
        log.info("intake %s is gone; no alert to send", intake_id)
        return False
    if not Intake.objects.filter(pk=intake_id, urgent_alert_sent_at=None).update(urgent_alert_sent_at=timezone.now()):
        return False
    try:
        message = emails.urgent_intake_message(intake)
        if message.to:
            message.send()
    except Exception:
        Intake.objects.filter(pk=intake_id).update(urgent_alert_sent_at=None)
        raise
    return True
