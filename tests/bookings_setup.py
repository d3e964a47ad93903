"""Coaches who can be booked, for the bookings tests: open every day 9 am to 5 pm in
their own zone, one paid 50-minute session type. Kept here (not in factories.py) so
the slot engine's branch and this one add no conflicting lines."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coaching.models import CoachProfile, SessionType, WeeklyHours


def bookable_coach(user, *, zone="America/New_York", price_cents=6000, duration=50, **profile):
    coach = CoachProfile.objects.create(
        user=user,
        display_name=user.name,
        time_zone=zone,
        min_notice_hours=profile.pop("min_notice_hours", 1),
        **profile,
    )
    for weekday in range(7):
        WeeklyHours.objects.create(coach=coach, weekday=weekday, start_time=time(9), end_time=time(17))
    session_type = SessionType.objects.create(
        coach=coach, name="One-to-one session", duration_minutes=duration, price_cents=price_cents, currency="usd"
    )
    return coach, session_type


def local_time(coach, days_ahead, hour, minute=0):
    """An instant `days_ahead` days from today at `hour:minute` on the coach's wall clock, in UTC."""
    zone = ZoneInfo(coach.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), zone).astimezone(ZoneInfo("UTC"))


# --- localstripe, the offline Stripe, as a test fixture ------------------------------

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time as _time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from django.conf import settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _answers(port):
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def localstripe_server():
    """Our own localstripe on LOCALSTRIPE_PORT (loopback only), for the whole session."""
    port = settings.LOCALSTRIPE_PORT
    assert settings.STRIPE_API_BASE == f"http://127.0.0.1:{port}", "tests expect the SDK pointed at localstripe"
    assert not _answers(port), f"something already listens on {port}; set LOCALSTRIPE_PORT to a free port"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "localstripe_loopback.py"), "--no-webhook"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = _time.monotonic() + 20
        while not _answers(port):
            assert process.poll() is None, "localstripe exited at start"
            assert _time.monotonic() < deadline, "localstripe did not start in 20 s"
            _time.sleep(0.1)
        yield settings.STRIPE_API_BASE
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_server):
    """A clean localstripe for one test, with no webhooks registered."""
    urllib.request.urlopen(urllib.request.Request(f"{localstripe_server}/_config/data", method="DELETE"), timeout=5)
    yield localstripe_server


def register_webhook(base, url):
    body = urllib.parse.urlencode({"url": url, "secret": settings.STRIPE_WEBHOOK_SECRET}).encode()
    urllib.request.urlopen(f"{base}/_config/webhooks/waypoint-test", data=body, timeout=5)


@pytest.fixture
def eager_tasks():
    """Celery tasks run in-process, so e-mails land in the test outbox."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def pay_for(booking, card="pm_card_visa"):
    """What the pay page does, without the browser: save the card on the SetupIntent
    (Stripe.js's confirmCardSetup), then let the server charge it."""
    from bookings import payments

    payment, _secret = payments.start_payment(booking)
    payments.api().SetupIntent.confirm(payment.stripe_setup_intent_id, payment_method=card)
    return payments.charge(payment)


def stripe_refunds(payment):
    """The refunds localstripe recorded for `payment`'s intent, as amounts."""
    from bookings import payments

    intent = payments.api().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    charge = intent.latest_charge
    return [refund.amount for refund in charge.refunds.data]


@pytest.fixture
def quick_passwords(settings):
    # Users made in these tests log in with force_login; the real hasher only costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_paid(booking):
    """Confirm `booking` with a payment recorded in our tables only (no Stripe)."""
    from bookings import transitions
    from bookings.models import Payment, PaymentStatus

    payment = Payment.objects.create(
        booking=booking,
        amount_cents=booking.price_cents,
        currency=booking.currency,
        status=PaymentStatus.SUCCEEDED,
        captured_cents=booking.price_cents,
        is_demo=True,
        succeeded_at=timezone.now(),
    )
    return transitions.confirm(booking, payment=payment)


@pytest.fixture(autouse=True)
def intake_gate_open(request, monkeypatch):
    """Most tests are about booking, paying, reminders or notes, so every client counts
    as approved. Tests of the gate itself (and of intakes) are marked `intake_gate` and
    see the real rule."""
    if request.node.get_closest_marker("intake_gate") is None:
        monkeypatch.setattr("bookings.eligibility.intake_approved", lambda user: True)
