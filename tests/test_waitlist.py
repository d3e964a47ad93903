"""The waitlist: freed time goes to those waiting, in the order they joined, held for one
client at a time; an offer not taken in time (or passed on) goes to the next in line."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.utils import timezone

from bookings import availability, transitions, waitlist
from bookings.errors import NotAllowed, SlotTaken
from bookings.models import EntryEnd, OfferStatus, Status, WaitlistEntry, WaitlistOffer
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import ClientFactory, bookable_coach, demo_paid, local_time

EVERY_DAY = list(range(7))
ALL_DAY = ["morning", "afternoon", "evening"]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


def wait(client, session_type, *, days=EVERY_DAY, parts=ALL_DAY, joined_minutes_ago=0, until_days=30):
    entry = waitlist.join(
        client,
        session_type,
        weekdays=days,
        parts_of_day=parts,
        until=timezone.localdate() + timedelta(days=until_days),
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(joined_at=timezone.now() - timedelta(minutes=joined_minutes_ago))
    return entry


def booked_and_cancelled(session_type, start):
    """Someone not waiting books `start` and cancels it: the time opens."""
    booking = demo_paid(transitions.place_hold(ClientFactory(), session_type, start))
    return transitions.cancel(booking, by="client")


def pass_over(booking, now=None):
    return waitlist.offer_open_times(booking.coach_id, booking.blocked_from, booking.blocked_until, now=now)


def offers():
    return list(WaitlistOffer.objects.order_by("pk").values_list("client__email", "starts_at", "status"))


def test_a_freed_time_goes_to_whoever_joined_first(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type, joined_minutes_ago=5)
    wait(bob, session_type, joined_minutes_ago=50)
    cancelled = booked_and_cancelled(session_type, ten_am)

    made = pass_over(cancelled)

    assert [(o.client, o.starts_at) for o in made] == [(bob, ten_am)]
    assert offers() == [("bob@example.com", ten_am, OfferStatus.OPEN)]


def test_an_entry_whose_days_or_parts_of_the_day_do_not_suit_is_passed_over(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)  # 9 am in Chicago (Alice), 3 pm in London (Bob)
    weekday = ten_am.astimezone(alice.zone).weekday()
    wait(bob, session_type, days=[weekday], parts=["morning"], joined_minutes_ago=50)  # his morning is over by then
    wait(alice, session_type, days=[(weekday + 1) % 7], joined_minutes_ago=40)  # another day
    frank = ClientFactory(email="frank@example.com", time_zone="America/Chicago")
    wait(frank, session_type, days=[weekday], parts=["morning"], joined_minutes_ago=30)

    made = pass_over(booked_and_cancelled(session_type, ten_am))

    assert [(o.client, o.starts_at) for o in made] == [(frank, ten_am)]


def test_nobody_waiting_owes_no_pass_and_someone_waiting_owes_one(alice, carols):
    coach, session_type = carols
    booked_and_cancelled(session_type, local_time(coach, 3, 10))
    assert OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES).count() == 0

    wait(alice, session_type)
    booked_and_cancelled(session_type, local_time(coach, 3, 14))
    assert list(OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES).values_list("payload__cause", flat=True)) == [
        "cancelled"
    ]


def test_the_offered_time_is_shown_to_no_one_else_while_the_hold_lasts(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type)
    cancelled = booked_and_cancelled(session_type, ten_am)
    day = (ten_am - timedelta(hours=2), ten_am + timedelta(hours=2))
    assert ten_am in availability.open_slots(coach, session_type, *day)

    [offer] = pass_over(cancelled)

    def clashing(starts):
        return [s for s in starts if offer.blocked_from - timedelta(minutes=50) < s < offer.blocked_until]

    assert clashing(availability.open_slots(coach, session_type, *day)) == []
    assert clashing([o.starts_at for o in availability.first_available(session_type, *day, limit=100)]) == []
    assert clashing(availability.open_slots(coach, session_type, *day, for_client=alice)) == [
        ten_am + timedelta(minutes=m) for m in (-45, -30, -15, 0, 15, 30, 45)
    ]
    with pytest.raises(SlotTaken):
        transitions.place_hold(bob, session_type, ten_am)
    with pytest.raises(SlotTaken):
        transitions.place_hold(bob, session_type, ten_am + timedelta(minutes=15))
    # Once the hold has run out, it is open to everyone again.
    later = timezone.now() + timedelta(minutes=31)
    assert ten_am in availability.open_slots(coach, session_type, *day, now=later)


def test_accepting_is_booking_the_offered_time_through_the_normal_path(alice, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    entry = wait(alice, session_type)
    [offer] = pass_over(booked_and_cancelled(session_type, ten_am))

    hold = transitions.place_hold(alice, session_type, ten_am)

    offer.refresh_from_db()
    assert (hold.status, offer.status, offer.booking_id) == (Status.PENDING_PAYMENT, OfferStatus.TAKEN, hold.pk)
    assert WaitlistEntry.objects.get(pk=entry.pk).ended_at is None  # not booked until paid
    demo_paid(hold)
    entry.refresh_from_db()
    assert entry.end_reason == EntryEnd.BOOKED


def test_an_offer_not_taken_in_time_goes_to_the_next_in_line(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type, joined_minutes_ago=50)
    wait(bob, session_type, joined_minutes_ago=5)
    [alices] = pass_over(booked_and_cancelled(session_type, ten_am))
    expiry = OwedWork.objects.get(kind=waitlist.OFFER_EXPIRY)
    assert expiry.due_at == alices.expires_at == alices.created_at + timedelta(minutes=30)

    assert outbox.deliver(expiry.pk, now=alices.expires_at - timedelta(seconds=1)) is None  # not due yet
    made = waitlist.expire_offer(alices.pk, now=alices.expires_at + timedelta(seconds=1))

    assert [(o.client, o.starts_at) for o in made] == [(bob, ten_am)]
    assert offers() == [
        ("alice@example.com", ten_am, OfferStatus.EXPIRED),
        ("bob@example.com", ten_am, OfferStatus.OPEN),
    ]


def test_the_expiry_is_owed_work_that_passes_the_offer_on(alice, bob, carols, monkeypatch):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type, joined_minutes_ago=50)
    wait(bob, session_type, joined_minutes_ago=5)
    [alices] = pass_over(booked_and_cancelled(session_type, ten_am))
    expiry = OwedWork.objects.get(kind=waitlist.OFFER_EXPIRY)
    later = alices.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert outbox.deliver(expiry.pk, now=later) == OwedStatus.DONE

    assert offers() == [
        ("alice@example.com", ten_am, OfferStatus.EXPIRED),
        ("bob@example.com", ten_am, OfferStatus.OPEN),
    ]


def test_a_declined_offer_goes_to_the_next_in_line_at_once(alice, bob, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type, joined_minutes_ago=50)
    wait(bob, session_type, joined_minutes_ago=5)
    [alices] = pass_over(booked_and_cancelled(session_type, ten_am))

    waitlist.decline(alices, actor=alice)

    assert offers() == [
        ("alice@example.com", ten_am, OfferStatus.DECLINED),
        ("bob@example.com", ten_am, OfferStatus.OPEN),
    ]
    assert OwedWork.objects.filter(kind=waitlist.OFFER_EXPIRY, about=f"waitlist_offer:{alices.pk}").count() == 0


def test_with_nobody_left_in_line_the_time_is_open_to_everyone(alice, carols):
    coach, session_type = carols
    ten_am = local_time(coach, 3, 10)
    wait(alice, session_type)
    [alices] = pass_over(booked_and_cancelled(session_type, ten_am))

    assert waitlist.expire_offer(alices.pk, now=alices.expires_at + timedelta(seconds=1)) == []

    assert offers() == [("alice@example.com", ten_am, OfferStatus.EXPIRED)]
    assert availability.is_open_slot(coach, session_type, ten_am)


def test_a_client_gets_at_most_three_offers_a_day(alice, carols):
    coach, session_type = carols
    wait(alice, session_type)
    for hour in (9, 11, 13, 15):
        cancelled = booked_and_cancelled(session_type, local_time(coach, 3, hour))
        for offer in pass_over(cancelled):
            waitlist.decline(offer, actor=alice)

    assert [status for _email, _start, status in offers()] == [OfferStatus.DECLINED] * 3


def test_the_offer_email_is_discreet_and_needs_a_sign_in(alice, carols, eager_tasks, django_capture_on_commit_callbacks):
    coach, session_type = carols
    wait(alice, session_type)
    with django_capture_on_commit_callbacks(execute=True):
        [offer] = pass_over(booked_and_cancelled(session_type, local_time(coach, 3, 10)))

    waitlist_mail = [m for m in mail.outbox if m.subject == "A time has opened up for you on Waypoint"]
    assert [m.to for m in waitlist_mail] == [["alice@example.com"]]
    assert f"/bookings/waitlist/offers/{offer.pk}/" in waitlist_mail[0].body
    assert "We are holding it for you alone until" in waitlist_mail[0].body


def test_an_entry_ends_once_the_client_books_with_that_coach(alice, carols):
    coach, session_type = carols
    entry = wait(alice, session_type)

    demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 4, 10)))

    entry.refresh_from_db()
    assert (entry.end_reason, waitlist.entries_of(alice).count()) == (EntryEnd.BOOKED, 0)


def test_leaving_passes_a_held_offer_on(alice, bob, carols):
    coach, session_type = carols
    alices_entry = wait(alice, session_type, joined_minutes_ago=50)
    wait(bob, session_type, joined_minutes_ago=5)
    [offer] = pass_over(booked_and_cancelled(session_type, local_time(coach, 3, 10)))

    waitlist.leave(alices_entry, actor=alice)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    [owed] = OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES, payload__cause="offer_withdrawn")
    waitlist.offer_open_times(coach.pk, offer.blocked_from, offer.blocked_until)
    assert offers()[-1] == ("bob@example.com", offer.starts_at, OfferStatus.OPEN)


def test_joining_refuses_bad_choices_and_a_second_join_keeps_the_place_in_line(alice, carols):
    coach, session_type = carols
    first = wait(alice, session_type, joined_minutes_ago=60)
    with pytest.raises(NotAllowed):
        waitlist.join(alice, session_type, weekdays=[], parts_of_day=ALL_DAY, until=timezone.localdate())
    with pytest.raises(NotAllowed):
        waitlist.join(alice, session_type, weekdays=[1], parts_of_day=["night"], until=timezone.localdate())
    with pytest.raises(NotAllowed):
        waitlist.join(alice, session_type, weekdays=[1], parts_of_day=ALL_DAY, until=timezone.localdate() + timedelta(days=400))

    again = waitlist.join(alice, session_type, weekdays=[2], parts_of_day=["evening"], until=timezone.localdate())

    assert (again.pk, again.joined_at, again.weekdays, again.parts_of_day) == (first.pk, WaitlistEntry.objects.get(pk=first.pk).joined_at, [2], ["evening"])


def test_the_pass_costs_the_same_queries_whoever_waits(carols):
    """The waitlist check: one waiting entry or five, the same number of queries."""
    coach, session_type = carols

    def counted(waiting, hour):
        for n in range(waiting):
            wait(ClientFactory(), session_type, joined_minutes_ago=100 - n)
        cancelled = booked_and_cancelled(session_type, local_time(coach, 3, hour))
        WaitlistOffer.objects.update(status=OfferStatus.DECLINED)
        with CaptureQueriesContext(connection) as queries:
            made = pass_over(cancelled)
        assert len(made) == 1
        return len(queries)

    assert counted(1, 10) == counted(4, 14)  # one waiting, then five
