"""Deleting Alice's account also deletes what lives outside our tables: her Stripe
Customer (through the outbox, however long Stripe is down) and her sessions."""

import pytest
import stripe
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.export import delete_account
from accounts.models import AuditEvent
from bookings import payments, transitions
from bookings.models import Booking
from bookings.payments.customers import DELETE_CUSTOMER
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time
from tests.bookings_setup import pay_for

pytestmark = pytest.mark.django_db


def paid_and_past(client_user, session_type, coach, day):
    """A session `client_user` paid for through localstripe, now in the past."""
    booking = transitions.place_hold(client_user, session_type, local_time(coach, day, 10))
    payment = pay_for(booking)
    Booking.objects.filter(pk=booking.pk).update(status="completed")
    return payment


def customer_exists(customer_id):
    try:
        payments.api().Customer.retrieve(customer_id)
    except stripe.InvalidRequestError as error:
        assert error.http_status == 404
        return False
    return True


@pytest.fixture
def customers(alice, bob, carol, localstripe):
    coach, session_type = bookable_coach(carol)
    alices = paid_and_past(alice, session_type, coach, 3).stripe_customer_id
    again = paid_and_past(alice, session_type, coach, 4).stripe_customer_id
    bobs = paid_and_past(bob, session_type, coach, 5).stripe_customer_id
    assert alices == again and alices != bobs
    assert customer_exists(alices) and customer_exists(bobs)
    return alices, bobs


def test_deleting_alice_deletes_her_stripe_customer_and_not_bobs(alice, customers, eager_tasks, django_capture_on_commit_callbacks):
    alices, bobs = customers
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(alice)

    assert (customer_exists(alices), customer_exists(bobs)) == (False, True)
    assert list(OwedWork.objects.filter(kind=DELETE_CUSTOMER).values_list("about", "payload", "status")) == [
        (f"user:{alice.pk}", {"customer_id": alices}, OwedStatus.DONE)
    ]
    assert AuditEvent.objects.filter(action="payment.customer_deleted").count() == 1


def test_while_stripe_is_down_the_deletion_waits_in_the_outbox(alice, customers, settings):
    alices, _bobs = customers
    delete_account(alice)
    [work] = OwedWork.objects.filter(kind=DELETE_CUSTOMER)
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    up = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    assert outbox.deliver(work.pk) == OwedStatus.PENDING
    work.refresh_from_db()
    assert (work.status, work.last_error) == (OwedStatus.PENDING, "TryLater: Stripe is unavailable: APIConnectionError")
    settings.STRIPE_API_BASE = up
    assert customer_exists(alices)  # nothing was deleted yet

    assert outbox.deliver(work.pk) == OwedStatus.DONE
    assert customer_exists(alices) is False


def test_a_customer_already_deleted_in_stripe_counts_as_done(alice, customers):
    alices, _bobs = customers
    payments.api().Customer.delete(alices)
    delete_account(alice)
    [work] = OwedWork.objects.filter(kind=DELETE_CUSTOMER)
    assert outbox.deliver(work.pk) == OwedStatus.DONE


def test_demo_payments_owe_no_stripe_call(alice, carol):
    from tests.factories import demo_paid

    coach, session_type = bookable_coach(carol)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    booking.payments.update(stripe_customer_id="cus_demo_never_sent")
    Booking.objects.filter(pk=booking.pk).update(status="completed")
    delete_account(alice)
    assert OwedWork.objects.filter(kind=DELETE_CUSTOMER).count() == 0


def test_deleting_alice_deletes_her_sessions_and_keeps_bobs(alice, bob):
    for person in (alice, alice, bob):
        Client().force_login(person)
    assert sorted(s.get_decoded()["_auth_user_id"] for s in Session.objects.all()) == sorted([str(alice.pk)] * 2 + [str(bob.pk)])

    delete_account(alice)

    assert [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()] == [str(bob.pk)]
