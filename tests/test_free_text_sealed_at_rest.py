"""What people write outside the intake (a coach's reason for cancelling, an admin's reason
for a refund, a coach's note on their time off) is ciphertext in the database, and still
reaches whoever it was written for."""

import pytest
from django.db import connection
from django.urls import reverse

from bookings import transitions
from bookings.models import Booking, CancelledBy, Refund
from bookings.notices import NoticeKind
from coaching.models import TimeOff
from core import outbox
from core.models import OwedWork
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


def stored(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def alices_session(alice, carol):
    coach, session_type = bookable_coach(carol)
    return demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))


def test_carols_reason_for_cancelling_is_sealed_and_still_reaches_alice(carol, alices_session):
    transitions.cancel(alices_session, by=CancelledBy.COACH, actor=carol, reason="My father is in hospital.")
    assert "hospital" not in stored("bookings_booking", "cancel_reason", alices_session.pk)
    assert Booking.objects.get(pk=alices_session.pk).cancel_reason.reveal() == "My father is in hospital."

    # The e-mail owed to Alice names the booking only; the words are read when it is written.
    work = OwedWork(kind=NoticeKind.COACH_CANCELLATION, key="test", payload={"booking_id": alices_session.pk})
    message = outbox.handler_for(NoticeKind.COACH_CANCELLATION).run(work)
    assert "wrote: My father is in hospital." in message.body


def test_erins_reason_for_a_refund_is_sealed_and_shown_on_the_payment_page(client, erin, alices_session):
    payment = alices_session.payments.get()
    refund = Refund.objects.create(payment=payment, amount_cents=1000, status="succeeded", reason="Alice was in crisis", created_by=erin)
    assert "crisis" not in stored("bookings_refund", "reason", refund.pk)
    client.force_login(erin)
    page = client.get(reverse("bookings:manage_payment", args=[payment.pk])).content.decode()
    assert "(Alice was in crisis), by erin@example.com" in page


def test_carols_note_on_her_time_off_is_sealed_and_shown_to_her(client, carol):
    bookable_coach(carol)
    client.force_login(carol)
    client.post(reverse("coaching:time_off"), {"first_day": "2026-12-24", "last_day": "2026-12-26", "note": "Chemotherapy week"})
    away = TimeOff.objects.get(coach__user=carol)
    assert "Chemo" not in stored("coaching_timeoff", "note", away.pk)
    assert ": Chemotherapy week" in client.get(reverse("coaching:time_off")).content.decode()
