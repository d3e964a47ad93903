"""Waitlists in "Download my data" and "Delete my account"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.export import delete_account, export_for
from bookings import transitions, waitlist
from bookings.models import OfferStatus, WaitlistEntry, WaitlistOffer
from core.models import OwedWork
from tests.factories import ClientFactory, bookable_coach, demo_paid, local_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_holds_an_offer_and_bob_waits_behind_her(alice, bob, carol):
    coach, session_type = bookable_coach(carol)
    until = timezone.localdate() + timedelta(days=30)
    for client, minutes_ago in ((alice, 50), (bob, 10)):
        entry = waitlist.join(client, session_type, weekdays=range(7), parts_of_day=["morning", "afternoon"], until=until)
        WaitlistEntry.objects.filter(pk=entry.pk).update(joined_at=timezone.now() - timedelta(minutes=minutes_ago))
    booking = demo_paid(transitions.place_hold(ClientFactory(), session_type, local_time(coach, 3, 10)))
    transitions.cancel(booking, by="client")
    [offer] = waitlist.offer_open_times(coach.pk, booking.blocked_from, booking.blocked_until)
    return coach, offer


def test_alices_export_has_her_waitlist_and_its_offers(alice_holds_an_offer_and_bob_waits_behind_her, alice):
    coach, offer = alice_holds_an_offer_and_bob_waits_behind_her
    [section] = [s for s in export_for(alice)["sections"] if s["name"] == "waitlists"]
    [record] = section["records"]
    assert (record["coach"], record["days"], record["times_of_day"], record["time_zone"], record["ended_at"]) == (
        "Carol Rivera", "any day", "mornings and afternoons", "America/Chicago", None
    )
    assert record["offers"] == [
        {"starts_at": offer.starts_at.isoformat(), "offered_at": offer.created_at.isoformat(), "answer": "Held for you"}
    ]


def test_deleting_alice_removes_her_waitlist_and_passes_her_offer_on(alice_holds_an_offer_and_bob_waits_behind_her, alice, bob):
    coach, offer = alice_holds_an_offer_and_bob_waits_behind_her

    delete_account(alice)

    assert (WaitlistEntry.objects.filter(client=alice).count(), WaitlistOffer.objects.filter(client=alice).count()) == (0, 0)
    assert not OwedWork.objects.filter(about=f"waitlist_offer:{offer.pk}").exists()
    # The pass her leaving owes gives Bob the time.
    [owed] = OwedWork.objects.filter(kind=waitlist.OFFER_OPEN_TIMES, payload__cause="offer_withdrawn")
    waitlist.offer_open_times(coach.pk, offer.blocked_from, offer.blocked_until)
    assert list(WaitlistOffer.objects.values_list("client", "starts_at", "status")) == [
        (bob.pk, offer.starts_at, OfferStatus.OPEN)
    ]
