"""Erin refunds part of Alice's payment: the form names the currency, asks her to confirm
the exact amount with its symbol before any money moves, and afterwards the payment reads
"Partly refunded" for Erin and for Alice; a second refund of the rest reads "Refunded"."""

import pytest

from bookings import transitions
from bookings.models import RefundStatus
from core import outbox
from core.models import OwedWork
from tests.browser import axe_violations
from tests.factories import bookable_coach, demo_paid, local_time
from tests.test_browser_booking import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refund(page, amount, reason):
    page.get_by_label("Amount to refund (in $)").fill(amount)
    page.get_by_label("Reason (for the records)").fill(reason)
    page.get_by_role("button", name="Refund").click()


def test_erin_confirms_a_partial_refund_and_the_payment_reads_partly_refunded(live_server, page, alice, carol, erin):
    coach, session_type = bookable_coach(carol)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))
    payment = booking.payments.get()
    sign_in(page, live_server, erin)
    page.goto(f"{live_server.url}/bookings/manage/payments/{payment.pk}/")
    refund(page, "15", "Late start")

    # Nothing is refunded until she says yes to the amount, shown with its symbol.
    assert page.get_by_role("heading", level=1).inner_text() == "Refund $15.00?"
    assert not payment.refunds.exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    page.get_by_role("link", name="No, go back").click()
    assert not payment.refunds.exists()
    refund(page, "15", "Late start")
    page.get_by_role("button", name="Yes, refund $15.00").click()
    assert list(payment.refunds.values_list("amount_cents", "status")) == [(1500, RefundStatus.PENDING)]
    assert [outbox.deliver(work.pk) for work in OwedWork.objects.filter(kind="payment.refund")] == ["done"]
    page.reload()
    assert page.locator("dl.summary dd").nth(1).inner_text() == "Partly refunded (demo record, not in Stripe)"
    assert axe_violations(page) == []

    sign_in(page, live_server, alice)
    page.goto(f"{live_server.url}/bookings/{booking.pk}/")
    assert page.locator("#payments li").all_inner_texts() == [
        "$60.00: partly refunded; $15.00 refunded (demo record)"
    ]

    sign_in(page, live_server, erin)
    page.goto(f"{live_server.url}/bookings/manage/payments/{payment.pk}/")
    refund(page, "45", "The rest")
    page.get_by_role("button", name="Yes, refund $45.00").click()
    assert [outbox.deliver(work.pk) for work in OwedWork.objects.filter(kind="payment.refund", status="pending")] == ["done"]
    page.reload()
    assert page.locator("dl.summary dd").nth(1).inner_text() == "Refunded (demo record, not in Stripe)"
