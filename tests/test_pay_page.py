"""The pay page: loading it creates nothing in Stripe (the Pay button does), and
"Choose another time" lets the hold go at once."""

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from bookings import availability, payments, transitions
from bookings.models import Booking, Payment, PaymentStatus, Status
from core.models import OwedWork
from tests.factories import bookable_coach, local_time

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def alices_hold(alice, carols):
    coach, session_type = carols
    return transitions.place_hold(alice, session_type, local_time(coach, 3, 10))


def stripe_customers():
    return [customer.email for customer in payments.api().Customer.list().data]


def test_loading_the_pay_page_creates_nothing_in_stripe(client, alice, alices_hold, localstripe):
    client.force_login(alice)

    pages = [client.get(f"/bookings/{alices_hold.pk}/pay/") for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert f'data-start-url="/bookings/{alices_hold.pk}/pay/start/"' in pages[0].content.decode()
    assert Payment.objects.count() == 0
    assert stripe_customers() == []


def test_the_pay_button_makes_one_attempt_and_reuses_it(client, alice, alices_hold, localstripe):
    client.force_login(alice)

    first = client.post(f"/bookings/{alices_hold.pk}/pay/start/", HTTP_ACCEPT="application/json").json()
    again = client.post(f"/bookings/{alices_hold.pk}/pay/start/", HTTP_ACCEPT="application/json").json()

    payment = Payment.objects.get()
    assert (payment.status, payment.booking_id) == (PaymentStatus.AWAITING_CARD, alices_hold.pk)
    assert first == again == {
        "next": "card",
        "client_secret": payments.api().SetupIntent.retrieve(payment.stripe_setup_intent_id).client_secret,
        "charge_url": f"/bookings/{alices_hold.pk}/pay/{payment.pk}/charge/",
    }
    assert stripe_customers() == ["alice@example.com"]


def test_the_pay_button_on_a_hold_that_ended_says_so_and_creates_nothing(client, alice, alices_hold, localstripe):
    Booking.objects.filter(pk=alices_hold.pk).update(hold_expires_at=timezone.now())
    client.force_login(alice)

    answer = client.post(f"/bookings/{alices_hold.pk}/pay/start/", HTTP_ACCEPT="application/json")

    assert (answer.status_code, answer.json()) == (410, {"next": "error", "message": payments.HOLD_ENDED})
    assert Payment.objects.count() == 0
    assert stripe_customers() == []


def test_choose_another_time_lets_the_hold_go_at_once(
    client, alice, alices_hold, localstripe, eager_tasks, django_capture_on_commit_callbacks
):
    coach, session_type = alices_hold.coach, alices_hold.session_type
    client.force_login(alice)
    page = client.get(f"/bookings/{alices_hold.pk}/pay/").content.decode()
    assert f'<form method="post" action="/bookings/{alices_hold.pk}/release/" class="release">' in page
    assert '<button type="submit" class="secondary">Choose another time</button>' in page
    client.post(f"/bookings/{alices_hold.pk}/pay/start/", HTTP_ACCEPT="application/json")

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/bookings/{alices_hold.pk}/release/")

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/coaches/{coach.pk}/?type={session_type.pk}"
    alices_hold.refresh_from_db()
    assert alices_hold.status == Status.EXPIRED
    assert alices_hold.hold_expires_at <= timezone.now()
    assert availability.is_open_slot(coach, session_type, alices_hold.starts_at) is True
    assert list(Payment.objects.values_list("status", flat=True)) == [PaymentStatus.CANCELED]
    assert list(OwedWork.objects.filter(kind=transitions.CANCEL_OPEN_INTENTS).values_list("about", "status")) == [
        (f"booking:{alices_hold.pk}", "done")
    ]
    assert list(AuditEvent.objects.filter(action="booking.released").values_list("actor__email", "object_id")) == [
        ("alice@example.com", str(alices_hold.pk))
    ]
    # The hold no longer counts against her: she may hold another time straight away.
    assert transitions.place_hold(alice, session_type, local_time(coach, 3, 14)).status == Status.PENDING_PAYMENT


def test_only_alice_can_let_her_hold_go_and_only_by_post(client, alice, bob, alices_hold):
    client.force_login(alice)
    assert client.get(f"/bookings/{alices_hold.pk}/release/").status_code == 405
    client.force_login(bob)
    assert client.post(f"/bookings/{alices_hold.pk}/release/").status_code == 404
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.PENDING_PAYMENT


def test_a_hold_whose_payment_is_going_through_is_not_let_go(client, alice, alices_hold):
    Payment.objects.create(
        booking=alices_hold, amount_cents=6000, currency="usd", status=PaymentStatus.PROCESSING
    )
    client.force_login(alice)

    answer = client.post(f"/bookings/{alices_hold.pk}/release/", follow=True)

    assert answer.redirect_chain == [(f"/bookings/{alices_hold.pk}/pay/", 302)]
    assert [str(m) for m in answer.context["messages"]] == [
        "Your payment is going through right now. Please wait a moment and look again."
    ]
    assert Booking.objects.get(pk=alices_hold.pk).status == Status.PENDING_PAYMENT
