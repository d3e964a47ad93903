"""Nobody can hoard a coach's time: one unpaid hold at a time, one free intro call per
coach and two in all, and two sessions at most until the intake is approved. Each
refusal says what to do instead and is written to the audit trail."""

import threading

import pytest
from django.db import connection

from accounts.models import AuditEvent
from bookings import eligibility, transitions
from bookings.errors import LimitReached
from bookings.models import Booking, Status
from clients.models import Intake
from core.wording import when_in_words
from tests.factories import IntakeFactory, bookable_coach, demo_paid, local_time


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def intro_call(coach):
    return coach.session_types.create(name="Intro call", duration_minutes=20, price_cents=0)


def refusals():
    return list(AuditEvent.objects.filter(action="booking.refused").values_list("actor__email", "details__rule"))


def test_alice_holds_one_unpaid_time_at_a_time(alice, carols):
    coach, session_type = carols
    first = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))

    with pytest.raises(LimitReached) as refused:
        transitions.place_hold(alice, session_type, local_time(coach, 3, 14))

    assert str(refused.value) == (
        f"You are already holding {when_in_words(first.starts_at, alice.zone)} with Carol Rivera. "
        "Please pay for that session, or let it go with \u201cChoose another time\u201d on its payment page, "
        "and then pick this one."
    )
    assert list(Booking.objects.filter(client=alice).values_list("pk", flat=True)) == [first.pk]
    assert refusals() == [("alice@example.com", "unpaid_holds")]
    demo_paid(first)
    assert transitions.place_hold(alice, session_type, local_time(coach, 3, 14)).status == Status.PENDING_PAYMENT


def test_a_hold_that_ran_out_does_not_count(alice, carols):
    coach, session_type = carols
    first = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    Booking.objects.filter(pk=first.pk).update(hold_expires_at=first.created_at)

    second = transitions.place_hold(alice, session_type, local_time(coach, 3, 14))

    assert second.status == Status.PENDING_PAYMENT
    assert Booking.objects.get(pk=first.pk).status == Status.EXPIRED


def test_the_page_says_what_to_do_and_links_to_the_time_alice_holds(client, alice, carols):
    coach, session_type = carols
    first = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    client.force_login(alice)

    answer = client.post(
        "/bookings/new/", {"coach": coach.pk, "type": session_type.pk, "start": local_time(coach, 3, 14).isoformat()}
    )

    page = answer.content.decode()
    assert answer.status_code == 409
    assert "<h1>One thing first</h1>" in page
    assert "let it go with \u201cChoose another time\u201d on its payment page" in page
    assert f'<a class="button" href="/bookings/{first.pk}/pay/">Go to the time you are holding</a>' in page


def test_one_free_intro_call_per_coach(alice, carol, dave):
    carols_coach, _ = bookable_coach(carol)
    daves_coach, _ = bookable_coach(dave)
    booked = transitions.place_hold(alice, intro_call(carols_coach), local_time(carols_coach, 3, 10))

    with pytest.raises(LimitReached) as refused:
        transitions.place_hold(alice, intro_call(carols_coach), local_time(carols_coach, 4, 10))

    assert str(refused.value) == (
        f"You already have a free intro call with Carol Rivera on {when_in_words(booked.starts_at, alice.zone)}. "
        "If that time no longer suits you, you can move or cancel it from your sessions, and then pick this one."
    )
    assert transitions.place_hold(alice, intro_call(daves_coach), local_time(daves_coach, 4, 10)).status == Status.CONFIRMED
    assert refusals() == [("alice@example.com", "free_calls_per_coach")]


def test_two_free_intro_calls_in_all(alice, carols, settings):
    coach, _ = carols
    settings.BOOKING_MAX_FREE_CALLS_PER_COACH = 5
    intro = intro_call(coach)
    transitions.place_hold(alice, intro, local_time(coach, 3, 10))
    transitions.place_hold(alice, intro, local_time(coach, 4, 10))

    with pytest.raises(LimitReached) as refused:
        transitions.place_hold(alice, intro, local_time(coach, 5, 10))

    assert str(refused.value) == (
        "You already have two free intro calls coming up, the most we can offer at once. "
        "Once one of them has taken place, or if you cancel one from your sessions, you can book another."
    )
    assert Booking.objects.filter(client=alice).count() == 2
    assert refusals() == [("alice@example.com", "free_calls")]


@pytest.mark.intake_gate
def test_two_sessions_at_most_until_alices_intake_is_approved(alice, carols, settings):
    coach, _ = carols
    settings.BOOKING_MAX_FREE_CALLS_PER_COACH = settings.BOOKING_MAX_FREE_CALLS = 5
    intro = intro_call(coach)
    transitions.place_hold(alice, intro, local_time(coach, 3, 10))
    transitions.place_hold(alice, intro, local_time(coach, 4, 10))
    intake = IntakeFactory(client=alice, status=Intake.Status.SUBMITTED)

    with pytest.raises(LimitReached) as refused:
        transitions.place_hold(alice, intro, local_time(coach, 5, 10))

    assert str(refused.value) == (
        "You can have two sessions booked while our team has not yet approved your intake, and you have that many "
        "coming up. Finish your intake, or wait for our reply if you have sent it, and then you can book more."
    )
    assert refusals() == [("alice@example.com", "before_intake_approved")]
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.APPROVED)
    assert transitions.place_hold(alice, intro, local_time(coach, 5, 10)).status == Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_two_holds_sent_at_once_to_two_coaches_give_alice_one(alice, carol, dave, monkeypatch):
    carols_coach, carols_type = bookable_coach(carol)
    daves_coach, daves_type = bookable_coach(dave)
    # Each request pauses after counting Alice's holds until the other has counted too
    # (or a second has passed): without a lock on Alice, both would count none.
    both_counted = threading.Barrier(2, timeout=1)
    counted = eligibility.hold_limit

    def count_then_wait(*args, **kwargs):
        answer = counted(*args, **kwargs)
        try:
            both_counted.wait()
        except threading.BrokenBarrierError:
            pass
        return answer

    monkeypatch.setattr(eligibility, "hold_limit", count_then_wait)
    outcomes = []

    def hold(session_type, coach, hour):
        try:
            outcomes.append(transitions.place_hold(alice, session_type, local_time(coach, 3, hour)).status)
        except LimitReached as refusal:
            outcomes.append(refusal.rule)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold, args=pair) for pair in ((carols_type, carols_coach, 10), (daves_type, daves_coach, 14))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == [Status.PENDING_PAYMENT, "unpaid_holds"]
    assert Booking.objects.filter(client=alice).count() == 1
