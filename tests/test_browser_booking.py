"""Alice books and pays in Chromium on a phone, against localstripe: a good card, a card
that asks for 3-D Secure (passed, then failed), a card declined when it is saved, and one
declined at charge."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings import tasks, transitions
from bookings.availability import is_open_slot
from bookings.models import Booking, Payment, PaymentStatus, Status, StripeEvent
from core import outbox
from core.models import OwedWork
from tests.factories import bookable_coach, demo_paid, local_time
from tests.bookings_setup import register_webhook
from tests.browser import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pay_with(page, number):
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill(number)
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("60601")
    page.get_by_role("button", name="Pay $60.00").click()


def let_go(page):
    page.get_by_role("button", name="Choose another time").click()
    page.wait_for_url("**/coaches/*/?type=*")
    assert page.locator(".messages").inner_text() == "We have let that time go. Pick another one whenever you are ready."


def hold_at(page, live_server, coach, session_type, starts_at):
    page.goto(
        f"{live_server.url}/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={starts_at:%Y-%m-%dT%H:%M:%SZ}"
    )
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")


def test_alice_pays_for_sessions_with_four_kinds_of_card(live_server, page, localstripe, alice, carol):
    register_webhook(localstripe, live_server.url + "/bookings/stripe/webhook/")
    coach, session_type = bookable_coach(carol, min_notice_hours=12)
    sign_in(page, live_server, alice)

    # 4242: from the coach page to the confirmation, with the policy shown before paying.
    page.goto(f"{live_server.url}/coaches/{coach.pk}/")
    page.locator("a.slot[aria-label^='Book One-to-one session on ']").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your session"
    assert "Cancel up to 1 day before the session starts and you get all your money back." in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    expect(page.locator("#countdown")).to_contain_text(" (14:")
    assert axe_violations(page) == []
    pay_with(page, "4242424242424242")
    page.wait_for_url("**/bookings/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Session on ")
    assert "Thank you, your session is booked." in page.locator(".messages").inner_text()
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    first = Booking.objects.get(client=alice)
    assert (first.status, first.payments.get().card_last4) == (Status.CONFIRMED, "4242")
    assert axe_violations(page) == []
    page.get_by_role("link", name="All your sessions").click()
    assert page.locator(".booking-list li").count() == 1
    assert axe_violations(page) == []

    # 3155: the bank asks for authentication, once for saving the card and once to pay.
    second_time = local_time(coach, 4, 10)
    hold_at(page, live_server, coach, session_type, second_time)
    pay_with(page, "4000002500003155")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url("**/bookings/*/")
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    assert Booking.objects.get(client=alice, starts_at=second_time).status == Status.CONFIRMED

    # 3155 again, and this time the bank's check fails: the page must not take that for a payment.
    fifth_time = local_time(coach, 7, 10)
    hold_at(page, live_server, coach, session_type, fifth_time)
    pay_with(page, "4000002500003155")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.locator("#payment-message")).to_contain_text("nothing was charged")
    fifth = Booking.objects.get(client=alice, starts_at=fifth_time)
    assert fifth.status == Status.PENDING_PAYMENT
    # Back on the pay page nothing new was made in Stripe: that waits for the next Pay.
    assert list(fifth.payments.order_by("pk").values_list("status", "captured_cents")) == [(PaymentStatus.FAILED, 0)]
    # One unpaid hold at a time: she lets this one go before holding another.
    let_go(page)
    assert Booking.objects.get(pk=fifth.pk).status == Status.EXPIRED

    # 0002: declined while saving the card; nothing is charged and the hold stays until it runs out.
    third_time = local_time(coach, 5, 10)
    hold_at(page, live_server, coach, session_type, third_time)
    pay_with(page, "4000000000000002")
    message = page.locator("#payment-message")
    message.wait_for(state="visible")
    assert "Nothing was charged" in message.inner_text()
    assert "declined" in message.inner_text().lower()
    third = Booking.objects.get(client=alice, starts_at=third_time)
    assert third.status == Status.PENDING_PAYMENT
    assert list(third.payments.values_list("status", "stripe_payment_intent_id")) == [(PaymentStatus.AWAITING_CARD, None)]
    let_go(page)

    # 0341: the card is saved but declined at charge.
    fourth_time = local_time(coach, 6, 10)
    hold_at(page, live_server, coach, session_type, fourth_time)
    pay_with(page, "4000000000000341")
    page.wait_for_url("**/pay/")
    expect(page.locator("#payment-message")).to_have_text(
        "Your card was declined, so nothing was charged. You can try another card."
    )
    fourth = Booking.objects.get(client=alice, starts_at=fourth_time)
    assert list(fourth.payments.order_by("pk").values_list("status", flat=True)) == [PaymentStatus.FAILED]

    # The holds she let go are free already; the last one runs out and frees its time too.
    Booking.objects.filter(pk=fourth.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_holds() == 1
    assert list(Booking.objects.filter(client=alice).order_by("starts_at").values_list("status", flat=True)) == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.EXPIRED,
        Status.EXPIRED,
        Status.EXPIRED,
    ]
    assert [is_open_slot(coach, session_type, moment) for moment in (third_time, fourth_time)] == [True, True]

    # localstripe's own signed webhooks reached the live server too, and were recorded once each.
    # Only her two payments' events are counted: the fake Stripe is shared by the whole run,
    # and an earlier test's late webhook may reach this server too.
    hers = set(Payment.objects.filter(booking__client=alice, status=PaymentStatus.SUCCEEDED).values_list("stripe_payment_intent_id", flat=True))

    def her_succeeded_events():
        events = StripeEvent.objects.filter(type="payment_intent.succeeded", processed_at__isnull=False)
        return [e for e in events if e.payload.get("data", {}).get("object", {}).get("id") in hers]

    deadline = time.monotonic() + 10
    while len(her_succeeded_events()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(hers) == 2 and len(her_succeeded_events()) == 2


def test_the_change_and_admin_pages_pass_axe_on_a_phone(live_server, page, alice, bob, carol, erin):
    coach, session_type = bookable_coach(carol)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    bobs_hold = transitions.place_hold(bob, session_type, local_time(coach, 3, 14))
    alices_lapsed = transitions.place_hold(alice, session_type, local_time(coach, 4, 10))
    Booking.objects.filter(pk=alices_lapsed.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))

    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/bookings/{booking.pk}/cancel/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cancel the session on ")
    assert "You will get $60.00 back, to the card you paid with." in page.content()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/bookings/{booking.pk}/reschedule/")
    assert page.locator("a.slot").count() > 8
    assert axe_violations(page) == []
    # The next week is drawn in place (htmx), then a time is picked and confirmed.
    page.get_by_role("link", name="Next week").click()
    page.get_by_role("link", name="Earlier week").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("a.slot").last.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Move your session?"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Move to this time").click()
    assert "Your session has moved." in page.locator(".messages").inner_text()
    hold_url = f"{live_server.url}/bookings/new/?coach={coach.pk}&type={session_type.pk}&start={bobs_hold.starts_at:%Y-%m-%dT%H:%M:%SZ}"
    page.goto(hold_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Pick another time"
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/bookings/{alices_lapsed.pk}/pay/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pick a time again"
    assert axe_violations(page) == []

    sign_in(page, live_server, erin)
    page.goto(f"{live_server.url}/bookings/manage/")
    assert page.locator("tbody tr").count() == 3
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/bookings/manage/payments/{booking.payments.get().pk}/")
    page.get_by_label("Amount to refund").fill("15.00")
    page.get_by_label("Reason (for the records)").fill("Late start")
    page.get_by_role("button", name="Refund").click()
    page.get_by_role("button", name="Yes, refund $15.00").click()
    # The refund is owed in the request and made by a worker: until then it is pending.
    assert page.locator(".messages").inner_text() == (
        "The refund of $15.00 is on its way. It shows as pending until Stripe takes it."
    )
    assert "$15.00 on" in page.content() and "Being refunded (Late start)" in page.content()
    assert axe_violations(page) == []
    assert [outbox.deliver(work.pk) for work in OwedWork.objects.filter(kind="payment.refund")] == ["done"]
    page.reload()
    assert "Refunded (Late start)" in page.content()
