"""A real Celery worker on Redis sends a booking's e-mails after commit, once each."""

import time


from bookings import transitions
from bookings.notices import NoticeKind
from core import tasks
from core.models import OwedStatus, OwedWork
from tests.factories import bookable_coach, local_time



def test_a_free_booking_is_confirmed_by_e_mail_through_a_real_worker(
    celery_worker_process, alice, carol, mailoutbox
):
    coach, session_type = bookable_coach(carol, price_cents=0)

    booking = transitions.place_hold(alice, session_type, local_time(coach, 3, 10))
    work = OwedWork.objects.get(kind=NoticeKind.CONFIRMATION, about=f"booking:{booking.pk}")
    deadline = time.monotonic() + 10
    while not OwedWork.objects.filter(pk=work.pk, status=OwedStatus.DONE).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    # Enqueued again by hand, the worker finds it delivered: it claims nothing and sends nothing more.
    assert tasks.deliver_owed.delay(work_ids=[work.pk]).get(timeout=10) == 1
    work.refresh_from_db()
    assert (work.status, work.attempts, work.payload) == (OwedStatus.DONE, 1, {"booking_id": booking.pk})
    # Alice's confirmation once, and Carol's news of the booking.
    assert sorted((m.to[0], m.subject.split(" on ")[0]) for m in mailoutbox) == [
        ("alice@example.com", "Your session"),
        ("carol@example.com", "New session"),
    ]
