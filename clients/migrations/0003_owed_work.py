"""Intake e-mails not yet sent become owed work in the one outbox, so a decision made
while the broker was down is still e-mailed. Sent ones are recorded as done."""

from django.db import migrations


class _Batches:
    """Rows written 1,000 at a time, so a database with millions of reminders never holds
    them all in memory at once."""

    def __init__(self, model, size=1000):
        self.model, self.size, self.rows = model, size, []

    def append(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self):
        self.model.objects.bulk_create(self.rows, ignore_conflicts=True)
        self.rows = []


def forward(apps, schema_editor):
    Intake = apps.get_model("clients", "Intake")
    IntakeReview = apps.get_model("clients", "IntakeReview")
    OwedWork = apps.get_model("core", "OwedWork")
    rows = _Batches(OwedWork)
    for review in IntakeReview.objects.all().iterator(chunk_size=2000):
        rows.append(
            OwedWork(
                kind="intake.review_decision",
                key=f"intake.review_decision:{review.pk}",
                about=f"intake:{review.intake_id}",
                payload={"review_id": review.pk},
                due_at=review.created_at,
                available_at=review.created_at,
                status="done" if review.emailed_at else "pending",
                finished_at=review.emailed_at,
            )
        )
    for intake in Intake.objects.filter(is_urgent=True, submitted_at__isnull=False).iterator(chunk_size=2000):
        rows.append(
            OwedWork(
                kind="intake.urgent_alert",
                key=f"intake.urgent_alert:{intake.pk}",
                about=f"intake:{intake.pk}",
                payload={"intake_id": intake.pk},
                due_at=intake.submitted_at,
                available_at=intake.submitted_at,
                status="done" if intake.urgent_alert_sent_at else "pending",
                finished_at=intake.urgent_alert_sent_at,
            )
        )
    rows.flush()


def backward(apps, schema_editor):
    Intake = apps.get_model("clients", "Intake")
    IntakeReview = apps.get_model("clients", "IntakeReview")
    OwedWork = apps.get_model("core", "OwedWork")
    for work in OwedWork.objects.filter(kind="intake.review_decision", status="done"):
        IntakeReview.objects.filter(pk=work.payload["review_id"]).update(emailed_at=work.finished_at)
    for work in OwedWork.objects.filter(kind="intake.urgent_alert", status="done"):
        Intake.objects.filter(pk=work.payload["intake_id"]).update(urgent_alert_sent_at=work.finished_at)
    OwedWork.objects.filter(kind__startswith="intake.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_progress_log"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
