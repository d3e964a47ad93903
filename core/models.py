"""Owed work: every side effect (an e-mail, a refund, a Stripe clean-up) as a row written
in the transaction of the change that causes it. The rules live in `core/outbox.py`."""

from django.db import models
from django.db.models import Q


class OwedStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Being delivered"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Not needed any more"
    FAILED = "failed", "Could not be delivered"


class OwedWork(models.Model):
    """One piece of work we owe. `key` makes owing it twice the same row; a claim (status
    `sending`, `claimed_at`) is a lease that a scan takes back once it has run out."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, unique=True)
    # What the work is about ("booking:42"), so its owner can find and withdraw pending rows.
    about = models.CharField(max_length=60, blank=True)
    # Ids and small facts only, never what a person wrote (`outbox.owe` refuses anything else).
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    # When a scan may take it: the due time, or later after a failure worth retrying.
    available_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OwedStatus.choices, default=OwedStatus.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The due scan: pending rows by when they may go. Finished rows (almost all) are not in it.
            models.Index(fields=["available_at"], name="owed_due_pending", condition=Q(status="pending")),
            # Claims whose worker died: few rows, found by when they were claimed.
            models.Index(fields=["claimed_at"], name="owed_sending", condition=Q(status="sending")),
            models.Index(fields=["-finished_at"], name="owed_failed", condition=Q(status="failed")),
            models.Index(fields=["about", "kind"], name="owed_about"),
        ]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.get_status_display()})"
