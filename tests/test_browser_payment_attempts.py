"""Alice's attempts that took no money never look like charges: one she abandoned in the
middle of her bank's check (she reloaded the page) is stopped when she tries again, one
her bank refused and one declined card are a single "not charged" line beside the payment
that went through. The bank's check is asked once per attempt, and each new attempt
clears the last one's error."""

import pytest
from playwright.sync_api import expect

from bookings import payments
from bookings.models import Booking, PaymentStatus
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.bookings_setup import register_webhook
from tests.browser import axe_violations
from tests.factories import bookable_coach, local_time
from tests.test_browser_booking import hold_at, pay_with, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK_CHECK_FAILED = "The payment did not go through, so nothing was charged. You can try again or use another card."


def attempts(booking):
    return list(booking.payments.order_by("pk").values_list("status", flat=True))


def visible_alerts(page):
    return [text.strip() for text in page.locator("[role=alert]:visible, .messages:visible").all_inner_texts()]


def test_abandoned_and_failed_attempts_are_not_shown_as_charges(live_server, page, localstripe, alice, carol):
    register_webhook(localstripe, live_server.url + "/bookings/stripe/webhook/")
    coach, session_type = bookable_coach(carol)
    sign_in(page, live_server, alice)
    bank_checks = []
    page.on("console", lambda message: bank_checks.append(1) if "confirmCardPayment" in message.text else None)
    hold_at(page, live_server, coach, session_type, local_time(coach, 4, 10))
    booking = Booking.objects.get(client=alice)

    # 1. The card is saved; while her bank's check of the payment is open she reloads the page.
    pay_with(page, "4000002500003155")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Fail authentication").wait_for()
    page.reload()
    assert attempts(booking) == [PaymentStatus.REQUIRES_ACTION]

    # 2. She tries again and her bank says no. The abandoned attempt is stopped in Stripe.
    pay_with(page, "4000002500003155")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Fail authentication").click()
    expect(page.locator("#payment-message")).to_have_text(BANK_CHECK_FAILED)
    assert visible_alerts(page) == [BANK_CHECK_FAILED]
    assert axe_violations(page) == []
    owed = OwedWork.objects.filter(kind=payments.CANCEL_OPEN_INTENTS, status=OwedStatus.PENDING)
    assert [outbox.deliver(work.pk) for work in owed] == ["done"]
    assert attempts(booking) == [PaymentStatus.CANCELED, PaymentStatus.FAILED]

    # 3. A declined card: only the new error shows; the last attempt's is gone.
    pay_with(page, "4000000000000002")
    message = page.locator("#payment-message")
    expect(message).to_contain_text("declined")
    assert visible_alerts(page) == [message.inner_text().strip()]

    # 4. A good card. The moment she presses Pay, the last attempt's error is gone.
    pay_with(page, "4242424242424242")
    assert page.locator("#payment-message").is_hidden()
    page.wait_for_url("**/bookings/*/")
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    assert page.locator("#payments li").all_inner_texts() == [
        "$60.00: paid, card ending 4242",
        "3 attempts that did not go through: not charged.",
    ]
    assert "authentication" not in page.content()
    assert axe_violations(page) == []
    # Her bank was asked once in each attempt that needed it, never twice in one.
    assert len(bank_checks) == 2
