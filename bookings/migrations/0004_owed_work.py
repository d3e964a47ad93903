"""Notices, reminders and morning agendas move into the one outbox (core.OwedWork).

Every row moves, sent or not: a sent one keeps its key as done, so an event that is
delivered again after the move still finds its e-mail already sent. Pending rows stay
pending with the same due time. Reversing moves pending work back where it was."""

from django.db import migrations

STATUS = {"pending": "pending", "sending": "pending", "sent": "done", "skipped": "skipped", "failed": "failed"}


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
    Notice = apps.get_model("bookings", "Notice")
    Reminder = apps.get_model("bookings", "Reminder")
    CoachAgenda = apps.get_model("bookings", "CoachAgenda")
    OwedWork = apps.get_model("core", "OwedWork")
    rows = _Batches(OwedWork)
    for notice in Notice.objects.all().iterator(chunk_size=2000):
        payload = {"booking_id": notice.booking_id}
        payload.update({k: v for k, v in (notice.context or {}).items() if k in ("payment_id", "refund_id", "old_start")})
        rows.append(
            OwedWork(
                kind=f"booking.{notice.kind}",
                key=f"booking.{notice.key}",
                about=f"booking:{notice.booking_id}",
                payload=payload,
                due_at=notice.created_at,
                available_at=notice.created_at,
                status="done" if notice.sent_at else "pending",
                finished_at=notice.sent_at,
                attempts=notice.attempts,
                last_error=notice.last_error,
            )
        )
    for reminder in Reminder.objects.all().iterator(chunk_size=2000):
        starts = reminder.session_starts_at.isoformat()
        rows.append(
            OwedWork(
                kind="booking.reminder",
                key=f"reminder:{reminder.booking_id}:{reminder.offset_minutes}:{starts}",
                about=f"booking:{reminder.booking_id}",
                payload={"booking_id": reminder.booking_id, "offset_minutes": reminder.offset_minutes, "session_starts_at": starts},
                due_at=reminder.due_at,
                available_at=reminder.due_at,
                status=STATUS[reminder.status],
                finished_at=reminder.finished_at,
                attempts=reminder.attempts,
                last_error=reminder.last_error,
            )
        )
    for agenda in CoachAgenda.objects.all().iterator(chunk_size=2000):
        rows.append(
            OwedWork(
                kind="coach.agenda",
                key=f"agenda:{agenda.coach_id}:{agenda.day.isoformat()}",
                about=f"coach:{agenda.coach_id}",
                payload={"coach_id": agenda.coach_id, "day": agenda.day.isoformat()},
                due_at=agenda.created_at,
                available_at=agenda.created_at,
                status=STATUS[agenda.status],
                finished_at=agenda.finished_at,
                attempts=agenda.attempts,
                last_error=agenda.last_error,
            )
        )
    rows.flush()


def backward(apps, schema_editor):
    from datetime import date, datetime

    Notice = apps.get_model("bookings", "Notice")
    Reminder = apps.get_model("bookings", "Reminder")
    CoachAgenda = apps.get_model("bookings", "CoachAgenda")
    OwedWork = apps.get_model("core", "OwedWork")
    for work in OwedWork.objects.filter(kind__startswith="booking.").exclude(kind="booking.reminder"):
        Notice.objects.get_or_create(
            key=work.key.removeprefix("booking."),
            defaults={
                "booking_id": work.payload["booking_id"],
                "kind": work.kind.removeprefix("booking."),
                "context": {k: v for k, v in work.payload.items() if k != "booking_id"},
                "sent_at": work.finished_at if work.status == "done" else None,
            },
        )
    for work in OwedWork.objects.filter(kind="booking.reminder"):
        Reminder.objects.get_or_create(
            booking_id=work.payload["booking_id"],
            offset_minutes=work.payload["offset_minutes"],
            session_starts_at=datetime.fromisoformat(work.payload["session_starts_at"]),
            defaults={"due_at": work.due_at, "status": "sent" if work.status == "done" else work.status,
                      "sent_at": work.finished_at, "finished_at": work.finished_at},
        )
    for work in OwedWork.objects.filter(kind="coach.agenda"):
        CoachAgenda.objects.get_or_create(
            coach_id=work.payload["coach_id"],
            day=date.fromisoformat(work.payload["day"]),
            defaults={"status": "sent" if work.status == "done" else work.status, "sent_at": work.finished_at},
        )
    OwedWork.objects.filter(kind__startswith="booking.").delete()
    OwedWork.objects.filter(kind="coach.agenda").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_notice_claim_lease"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
