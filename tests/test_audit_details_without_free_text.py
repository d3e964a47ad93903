"""The audit trail outlives a deleted account, so its details are ids and kinds only:
never a reason, a message or an error that someone (or Stripe, or a mail server) wrote."""

import pytest

from accounts import audit
from accounts.models import AuditEvent
from bookings import payments, transitions
from bookings.payments import states as payment_states
from core.encryption import reveal
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "details",
    [
        {"reason": "Alice Moreno asked kindly"},
        {"error": "550 5.1.1 <alice@example.com>: no such mailbox"},
        {"message": "Your card was declined."},
        {"because": ["kind", "two words"]},
        {"note": "x" * 65},
    ],
)
def test_record_refuses_free_text(alice, details):
    with pytest.raises(ValueError, match="ids and kinds only"):
        audit.record("payment.refunded", obj=alice, **details)
    assert AuditEvent.objects.count() == 0


def test_record_takes_ids_kinds_and_instants(alice):
    event = audit.record(
        "booking.rescheduled", obj=alice, booking_id=7, old_start="2026-03-05T15:00:00+00:00", by="client",
        intent="pi_3Nk2", coach_ids=[1, 2], urgent=False, amount_cents=None,
    )
    assert event.details == {
        "booking_id": 7, "old_start": "2026-03-05T15:00:00+00:00", "by": "client", "intent": "pi_3Nk2",
        "coach_ids": [1, 2], "urgent": False, "amount_cents": None,
    }


def test_a_refund_with_erins_reason_and_a_decline_leave_only_ids_in_the_trail(
    alice, carol, erin, eager_tasks, django_capture_on_commit_callbacks
):
    coach, session_type = bookable_coach(carol)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    payment = booking.payments.get()
    with django_capture_on_commit_callbacks(execute=True):
        refund = payments.refund(payment, 2500, actor=erin, reason="Alice Moreno asked kindly")
    failed = payment.__class__.objects.create(booking=booking, amount_cents=6000, currency="usd", status="processing")
    payment_states.fail(failed, "Your card was declined. Call 555-0100.")

    details = dict(AuditEvent.objects.filter(action__in=["payment.refund_owed", "payment.refunded", "payment.failed"]).values_list("action", "details"))
    assert details == {
        "payment.refund_owed": {"refund_id": refund.pk, "amount_cents": 2500},
        "payment.refunded": {"refund_id": refund.pk, "amount_cents": 2500},
        "payment.failed": {},
    }
    # The words stay where they can be erased with the account: on the refund and the payment.
    assert (reveal(refund.reason), payment.__class__.objects.get(pk=failed.pk).failure_message) == (
        "Alice Moreno asked kindly", "Your card was declined. Call 555-0100."
    )
