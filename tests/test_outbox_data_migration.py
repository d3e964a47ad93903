"""The move into the one outbox: pending e-mails and reminders arrive once each, sent ones
arrive as done (so they are never sent again), and nothing is lost on the way."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import ClientFactory, CoachUserFactory, bookable_coach

BEFORE = [("bookings", "0003_notice_claim_lease"), ("clients", "0002_progress_log"), ("core", "0001_initial")]
AFTER = [("bookings", "0005_outbox_moved"), ("clients", "0004_outbox_moved")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_pending_and_sent_work_moves_into_the_outbox_once_each(back_to_latest):
    # People and coaches are made with today's models before going back (their tables are
    # not part of the move, and rolling back drops only later columns); the rows being
    # moved, with the models as they were.
    alice = ClientFactory(email="alice@example.com")
    coach, kind = bookable_coach(CoachUserFactory(email="carol@example.com"), price_cents=0)
    old = migrate(BEFORE)
    now = timezone.now().replace(microsecond=0)
    starts = now + timedelta(days=3)
    booking = old.get_model("bookings", "Booking").objects.create(
        coach_id=coach.pk, client_id=alice.pk, session_type_id=kind.pk, starts_at=starts, ends_at=starts + timedelta(minutes=50),
        blocked_from=starts, blocked_until=starts + timedelta(minutes=50), price_cents=0, currency="usd",
        cancellation_notice_hours=24, max_reschedules=2, status="confirmed",
    )
    Notice = old.get_model("bookings", "Notice")
    Notice.objects.create(booking=booking, kind="confirmation", key=f"confirmation:{booking.pk}:", sent_at=now)
    Notice.objects.create(booking=booking, kind="receipt", key=f"receipt:{booking.pk}:payment-7", context={"payment_id": 7})
    Reminder = old.get_model("bookings", "Reminder")
    for minutes, status in [(1440, "pending"), (60, "pending")]:
        Reminder.objects.create(
            booking=booking, offset_minutes=minutes, session_starts_at=starts,
            due_at=starts - timedelta(minutes=minutes), status=status,
        )
    old.get_model("bookings", "CoachAgenda").objects.create(coach_id=coach.pk, day=starts.date(), status="sent", sent_at=now)
    Intake = old.get_model("clients", "Intake")
    intake = Intake.objects.create(client_id=alice.pk, status="approved", is_urgent=True, submitted_at=now, urgent_alert_sent_at=now)
    review = old.get_model("clients", "IntakeReview").objects.create(intake=intake, action="approved")

    new = migrate(AFTER)

    moved = sorted(new.get_model("core", "OwedWork").objects.values_list("kind", "key", "status", "due_at"))
    assert moved == [
        ("booking.confirmation", f"booking.confirmation:{booking.pk}:", "done", moved[0][3]),
        ("booking.receipt", f"booking.receipt:{booking.pk}:payment-7", "pending", moved[1][3]),
        ("booking.reminder", f"reminder:{booking.pk}:1440:{starts.isoformat()}", "pending", starts - timedelta(days=1)),
        ("booking.reminder", f"reminder:{booking.pk}:60:{starts.isoformat()}", "pending", starts - timedelta(hours=1)),
        ("coach.agenda", f"agenda:{coach.pk}:{starts.date().isoformat()}", "done", moved[4][3]),
        ("intake.review_decision", f"intake.review_decision:{review.pk}", "pending", moved[5][3]),
        ("intake.urgent_alert", f"intake.urgent_alert:{intake.pk}", "done", now),
    ]
    # Run twice (a migration retried after a crash), nothing is owed twice.
    migrate(BEFORE)
    migrate(AFTER)
    assert new.get_model("core", "OwedWork").objects.count() == 7
