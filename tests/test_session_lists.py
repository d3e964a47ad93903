"""The sessions page's lists, each one query compiled once (bookings.session_lists), hold
the same sessions in the same order as the ORM querysets they replace, for a client and for
a coach, with only the fields the page shows; and a client's waitlists and held times too."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from bookings import session_lists, waitlist
from bookings.models import Booking, CancelledBy, Status
from tests.factories import ClientFactory, bookable_coach, past_session
from tests.test_waitlist_pages import offer_for

pytestmark = pytest.mark.django_db


def orm_lists(person, now):
    """What the sessions page asked the ORM before."""
    bookings = Booking.objects.visible_to(person).exclude(status=Status.EXPIRED)
    return {
        "upcoming": list(bookings.filter(ends_at__gt=now).live_now(now)),
        "past": list(
            bookings.filter(
                Q(ends_at__lte=now, status=Status.CONFIRMED)
                | Q(status__in=(Status.COMPLETED, Status.NO_SHOW))
                | Q(status=Status.CANCELLED, starts_at__lte=now)
            ).order_by("-starts_at")[:50]
        ),
        "called_off": list(bookings.filter(status=Status.CANCELLED, starts_at__gt=now).order_by("starts_at")[:50]),
    }


def shown(booking, with_client):
    seen = (booking.pk, booking.starts_at, booking.get_status_display(), booking.cancelled_by, booking.client_id,
            booking.coach.display_name, booking.coach.user_id)
    return seen + ((booking.client.known_as_with_pronouns,) if with_client else ())


@pytest.fixture
def sessions(alice, bob, carol, dave):
    carols = bookable_coach(carol)
    daves = bookable_coach(dave)
    alice.preferred_name, alice.pronouns = "Ali", "she/her"
    alice.save()
    made = {
        "coming": past_session(*carols, alice, hours=-48),
        "coming_later": past_session(*carols, alice, hours=-96),
        "held": past_session(*carols, alice, hours=-24, status=Status.PENDING_PAYMENT),
        "hold_ran_out": past_session(*carols, alice, hours=-30, status=Status.PENDING_PAYMENT),
        "done": past_session(*carols, alice, days_ago=2, status=Status.COMPLETED),
        "missed": past_session(*carols, alice, days_ago=5, status=Status.NO_SHOW),
        "ended": past_session(*carols, alice, days_ago=1),
        "expired": past_session(*carols, alice, hours=-50, status=Status.EXPIRED),
        "called_off": past_session(*carols, alice, hours=-72, status=Status.CANCELLED),
        "cancelled_before": past_session(*carols, alice, days_ago=3, status=Status.CANCELLED),
        "with_dave": past_session(*daves, alice, hours=-120),
        "bobs": past_session(*carols, bob, hours=-140),
    }
    now = timezone.now()
    Booking.objects.filter(pk=made["held"].pk).update(hold_expires_at=now + timedelta(minutes=10))
    Booking.objects.filter(pk=made["hold_ran_out"].pk).update(hold_expires_at=now - timedelta(minutes=1))
    Booking.objects.filter(pk__in=[made["called_off"].pk, made["cancelled_before"].pk]).update(cancelled_by=CancelledBy.COACH)
    return made


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave"])
def test_each_list_holds_what_the_orm_held_in_its_order(request, sessions, who):
    person = request.getfixturevalue(who)
    now = timezone.now()
    with_client = person.role == "coach"
    ours = session_lists.sessions_of(person, now)
    theirs = orm_lists(person, now)
    assert {name: [shown(b, with_client) for b in rows] for name, rows in ours.items()} == {
        name: [shown(b, with_client) for b in rows] for name, rows in theirs.items()
    }
    assert sum(len(rows) for rows in ours.values()) > 0


def test_alices_lists_are_the_sessions_she_can_see(alice, sessions):
    lists = session_lists.sessions_of(alice, timezone.now())
    names = {pk: name for name, booking in sessions.items() for pk in [booking.pk]}
    assert {key: [names[b.pk] for b in rows] for key, rows in lists.items()} == {
        "upcoming": ["held", "coming", "coming_later", "with_dave"],
        "past": ["ended", "done", "cancelled_before", "missed"],
        "called_off": ["called_off"],
    }


def test_a_client_is_not_given_her_own_sealed_names_nor_a_sessions_other_fields(alice, sessions):
    [booking, *_] = session_lists.sessions_of(alice, timezone.now())["upcoming"]
    assert {"meeting_link", "cancel_reason", "price_cents"} <= booking.get_deferred_fields()
    assert "client" not in booking._state.fields_cache


def test_alices_waitlists_and_held_times_are_the_orms(alice, bob, settings):
    settings.WAITLIST_OFFERS_PER_DAY = 5
    for _ in range(2):
        offer_for(alice, bookable_coach(ClientFactory(role="coach")))
    offer_for(bob, bookable_coach(ClientFactory(role="coach")))
    now = timezone.now()
    entries, offers = session_lists.waitlists_of(alice, now)
    assert [(e.pk, e.get_weekdays_display(), e.get_parts_display(), e.time_zone, e.until, e.coach.display_name, e.session_type.name)
            for e in entries] == [
        (e.pk, e.get_weekdays_display(), e.get_parts_display(), e.time_zone, e.until, e.coach.display_name, e.session_type.name)
        for e in waitlist.entries_of(alice)
    ]
    assert [(o.pk, o.starts_at, o.expires_at, o.coach.display_name) for o in offers] == [
        (o.pk, o.starts_at, o.expires_at, o.coach.display_name) for o in waitlist.live_offers_of(alice, now=now)
    ]
    assert (len(entries), len(offers)) == (2, 2)
