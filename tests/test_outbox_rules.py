"""Which delivery failures are worth another try, how long the outbox waits, and what owed work may carry."""

import smtplib
import socket

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from core import outbox
from core.models import OwedWork


def test_a_4xx_answer_a_timeout_or_a_refused_connection_is_tried_again():
    assert outbox.is_transient(smtplib.SMTPDataError(421, b"4.3.0 busy")) is True
    assert outbox.is_transient(smtplib.SMTPRecipientsRefused({"alice@example.com": (451, b"greylisted")})) is True
    assert outbox.is_transient(smtplib.SMTPServerDisconnected("gone")) is True
    assert outbox.is_transient(socket.timeout("timed out")) is True
    assert outbox.is_transient(ConnectionRefusedError(111, "Connection refused")) is True
    assert outbox.is_transient(SoftTimeLimitExceeded()) is True
    assert outbox.is_transient(outbox.TryLater("Stripe answered 503")) is True


def test_a_5xx_answer_is_final():
    assert outbox.is_transient(smtplib.SMTPDataError(550, b"5.1.1 no such mailbox")) is False
    assert outbox.is_transient(smtplib.SMTPSenderRefused(553, b"5.7.1 sender refused", "hello@waypoint.localhost")) is False
    assert outbox.is_transient(
        smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"no"), "bob@example.com": (451, b"later")})
    ) is False
    assert outbox.is_transient(ValueError("a template that cannot be rendered")) is False
    assert outbox.describe(smtplib.SMTPDataError(550, b"5.1.1 no such mailbox")) == (
        "550 SMTPDataError: (550, b'5.1.1 no such mailbox')"
    )


def test_the_back_off_doubles_and_stops_at_the_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 600

    assert [outbox.backoff_seconds(attempt) for attempt in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]


@pytest.mark.django_db
def test_owed_work_carries_ids_and_instants_never_what_someone_wrote():
    work = outbox.owe(
        "intake.urgent_alert", key="urgent:test", intake_id=7, notify=False, day="2026-03-03",
        session_starts_at="2026-03-03T15:30:00+00:00", gone=None,
    )
    assert work.payload == {
        "intake_id": 7, "notify": False, "day": "2026-03-03", "session_starts_at": "2026-03-03T15:30:00+00:00", "gone": None,
    }
    for words in [{"reason": "I am unwell today."}, {"to": "Alice Moreno"}, {"note": ["called my sponsor"]}, {"score": 4.5}]:
        with pytest.raises(ValueError, match=f"'{next(iter(words))}' is none of these"):
            outbox.owe("intake.urgent_alert", key=f"urgent:{next(iter(words))}", intake_id=7, **words)
    assert list(OwedWork.objects.values_list("key", flat=True)) == ["urgent:test"]
