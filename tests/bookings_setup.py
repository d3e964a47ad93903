"""localstripe, the offline Stripe, as test fixtures; paying and reading refunds as the browser and Stripe would;
and the intake gate held open for tests that are not about it."""

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


from families.eligibility import Approvals  # noqa: E402


@pytest.fixture(autouse=True)
def intake_gate_open(request, monkeypatch):
    """Most tests are about booking, paying, reminders or notes, so every client counts
    as approved. Tests of the gate itself (and of intakes) are marked `intake_gate` and
    see the real rule."""
    if request.node.get_closest_marker("intake_gate") is None:
        monkeypatch.setattr("bookings.eligibility.approvals", lambda user: Approvals(about_me=True, family=True))
