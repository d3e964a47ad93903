"""Carol, the coach, is e-mailed when a client books, pays, moves or cancels: owed work
in the change's transaction, discreet subjects in her zone, each kind hers to turn off."""

import pytest
from django.urls import reverse

from bookings import cancellation, transitions
from bookings.models import CancelledBy
from bookings.notices import CoachNoticeKind
from core import tasks as outbox_tasks
from core.models import OwedStatus, OwedWork
from core.wording import day_in_words
from core.zones import zone_named
from tests.factories import bookable_coach, demo_paid, local_time

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def coach_work():
    return list(OwedWork.objects.filter(kind__in=CoachNoticeKind.values).order_by("pk").values_list("kind", "payload"))


def deliver_coach_notices():
    for pk in OwedWork.objects.filter(kind__in=CoachNoticeKind.values, status=OwedStatus.PENDING).values_list("pk", flat=True):
        outbox_tasks.deliver_owed.apply(kwargs={"work_ids": [pk]})


def test_carol_hears_of_a_hold_then_of_the_paid_session(alice, carols, mailoutbox):
    coach, session_type = carols
    hold = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    booking = demo_paid(hold)
    payment = booking.payments.get()

    assert coach_work() == [
        (CoachNoticeKind.HELD, {"booking_id": booking.pk}),
        (CoachNoticeKind.BOOKED, {"booking_id": booking.pk, "payment_id": payment.pk}),
    ]
    deliver_coach_notices()
    day = day_in_words(booking.starts_at, zone_named(coach.time_zone))
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["carol@example.com"], f"A time on {day} is being booked"),
        (["carol@example.com"], f"New session on {day}"),
    ]
    assert "Alice Moreno booked a " in mailoutbox[1].body and "It is paid ($60.00)." in mailoutbox[1].body
    assert f"/bookings/{booking.pk}/" in mailoutbox[1].body


def test_a_free_session_is_one_e_mail_to_carol(alice, carol):
    coach, intro = bookable_coach(carol, price_cents=0)
    booking = transitions.place_hold(alice, intro, local_time(coach, 3, 10))
    assert coach_work() == [(CoachNoticeKind.BOOKED, {"booking_id": booking.pk})]


def test_carol_hears_when_alice_moves_or_cancels_but_not_of_her_own_cancellation(alice, bob, carols, mailoutbox):
    coach, session_type = carols
    alices = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    bobs = demo_paid(transitions.place_hold(bob, session_type, local_time(coach, 4, 10)))
    OwedWork.objects.filter(kind__in=CoachNoticeKind.values).delete()

    old_start = alices.starts_at
    moved = cancellation.reschedule_by_client(alices, local_time(coach, 5, 10), actor=alice)
    cancellation.cancel_by_client(moved, actor=alice)
    cancellation.cancel_by_coach(bobs, actor=coach.user)

    assert coach_work() == [
        (CoachNoticeKind.MOVED, {"booking_id": alices.pk, "old_start": old_start.isoformat()}),
        (CoachNoticeKind.CANCELLED, {"booking_id": alices.pk}),
    ]
    deliver_coach_notices()
    day = day_in_words(moved.starts_at, zone_named(coach.time_zone))
    assert [m.subject for m in mailoutbox] == [f"A session moved to {day}", f"A session on {day} is cancelled"]
    assert "was cancelled by the client" in mailoutbox[1].body


def test_carol_hears_when_our_team_cancels_a_clients_sessions(alice, carols, erin):
    coach, session_type = carols
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    cancellation.cancel_all_for_client(alice, actor=erin)
    assert coach_work()[-1] == (CoachNoticeKind.CANCELLED, {"booking_id": booking.pk})
    assert booking.__class__.objects.get(pk=booking.pk).cancelled_by == CancelledBy.ADMIN


def test_carol_turns_off_the_hold_e_mails_and_keeps_the_rest(client, carol, carols, alice, mailoutbox):
    coach, session_type = carols
    client.force_login(carol)
    page = client.get(reverse("bookings:reminder_settings")).content.decode()
    assert page.count('name="booking_emails"') == 4 and page.count("checked") == 5  # every kind on by default

    on = [kind for kind in CoachNoticeKind.values if kind != CoachNoticeKind.HELD]
    client.post(reverse("bookings:reminder_settings"), {"morning_agenda": "on", "booking_emails": on})
    demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    deliver_coach_notices()

    assert [m.subject.split(" on ")[0] for m in mailoutbox] == ["New session"]
    assert OwedWork.objects.get(kind=CoachNoticeKind.HELD).status == OwedStatus.SKIPPED
    page = client.get(reverse("bookings:reminder_settings")).content.decode()
    assert page.count("checked") == 4
