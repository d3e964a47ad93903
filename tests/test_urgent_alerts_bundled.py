"""Urgent intakes alert each admin at most once in ten minutes: the first of a window
at once, the rest together when the next window opens. An intake that comes in while an
alert is going out is in the next one, never lost and never listed twice."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from clients import emails
from clients import intake as flow
from clients.models import Intake
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.factories import AdminFactory, ClientFactory, IntakeFactory, sign_all_consents

pytestmark = [pytest.mark.django_db]

WINDOW = timedelta(minutes=10)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves, starting one minute into a ten-minute window."""
    now = datetime.fromtimestamp(emails.urgent_window(timezone.now()) * 600, tz=UTC) + timedelta(minutes=1)
    moment = {"now": now}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def grace(db):
    return AdminFactory(email="grace@example.com", name="Grace Admin")


def urgent_intake(name):
    client = ClientFactory(email=f"{name}@example.com", name=name.title())
    sign_all_consents(client)
    return IntakeFactory(client=client, status=Intake.Status.DRAFT, submitted_at=None, is_urgent=True, thoughts_of_self_harm=True)


def review_url(intake):
    return f"/client/intakes/review/{intake.pk}/"


def test_three_urgent_intakes_in_ten_minutes_make_two_e_mails_per_admin(
    erin, grace, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    window_start = clock["now"] - timedelta(minutes=1)
    first, second, third = urgent_intake("alice"), urgent_intake("bob"), urgent_intake("frank")

    with django_capture_on_commit_callbacks(execute=True):
        flow.submit(first)
    told_at_once = [(m.to, m.subject) for m in mailoutbox]
    for minutes, intake in ((3, second), (6, third)):
        clock["now"] = window_start + timedelta(minutes=minutes)
        with django_capture_on_commit_callbacks(execute=True):
            flow.submit(intake)
    quiet_until_the_window_ends = len(mailoutbox)
    clock["now"] = window_start + WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()

    assert told_at_once == [
        (["erin@example.com"], "An intake is waiting for an urgent look"),
        (["grace@example.com"], "An intake is waiting for an urgent look"),
    ]
    assert quiet_until_the_window_ends == 2
    assert sorted((m.to[0], m.subject) for m in mailoutbox[2:]) == [
        ("erin@example.com", "Intakes are waiting for an urgent look"),
        ("grace@example.com", "Intakes are waiting for an urgent look"),
    ]
    assert review_url(first) in mailoutbox[0].body and review_url(second) not in mailoutbox[0].body
    bundle = mailoutbox[2].body
    assert "2 intakes are waiting for an urgent look." in bundle
    assert [review_url(i) in bundle for i in (first, second, third)] == [False, True, True]
    # Nothing else is owed: the window after next was never asked for.
    assert OwedWork.objects.filter(kind=emails.URGENT_ALERT, status=OwedStatus.PENDING).count() == 0


def test_an_intake_sent_while_an_alert_goes_out_is_in_the_next_one(
    erin, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    window_start = clock["now"] - timedelta(minutes=1)
    first, second = urgent_intake("alice"), urgent_intake("bob")
    sending = outbox.send

    def send_while_bob_submits(message):
        # The alert listing Alice has been written; Bob's intake commits before it is sent.
        monkeypatch.setattr(outbox, "send", sending)
        with django_capture_on_commit_callbacks(execute=False):
            flow.submit(second)
        return sending(message)

    monkeypatch.setattr(outbox, "send", send_while_bob_submits)
    with django_capture_on_commit_callbacks(execute=True):
        flow.submit(first)
    clock["now"] = window_start + WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()

    assert [m.to for m in mailoutbox] == [["erin@example.com"], ["erin@example.com"]]
    assert [[review_url(i) in m.body for i in (first, second)] for m in mailoutbox] == [[True, False], [False, True]]


def test_a_retried_alert_lists_what_it_listed_first(erin, clock, mailoutbox, settings, monkeypatch):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    first, second = urgent_intake("alice"), urgent_intake("bob")
    flow.submit(first)
    alert = OwedWork.objects.get(kind=emails.URGENT_ALERT, due_at=clock["now"])

    sending = outbox.send

    def refused(message):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(outbox, "send", refused)
    assert outbox.deliver(alert.pk) == OwedStatus.PENDING
    flow.submit(second)
    monkeypatch.setattr(outbox, "send", sending)
    assert outbox.deliver(alert.pk) == OwedStatus.DONE

    assert [[review_url(i) in m.body for i in (first, second)] for m in mailoutbox] == [[True, False]]
    alert.refresh_from_db()
    assert alert.payload == {"admin_id": erin.pk, "intake_ids": [first.pk]}


def test_an_admin_who_left_is_not_written_to(erin, grace, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks):
    grace.is_active = False
    grace.save(update_fields=["is_active"])
    intake = urgent_intake("alice")

    with django_capture_on_commit_callbacks(execute=True):
        flow.submit(intake)

    assert [m.to for m in mailoutbox] == [["erin@example.com"]]
