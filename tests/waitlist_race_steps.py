"""What each process does in tests/test_waitlist_race.py: imported by a fresh interpreter
(tests/race_processes.py) once Django is set up there, so nothing here imports Django
at module level."""


def cancel_and_pass(booking_id):
    """A client cancels; the pass their cancellation owes is delivered by this process."""
    from bookings import transitions, waitlist
    from bookings.models import Booking
    from core import outbox
    from core.models import OwedWork

    booking = transitions.cancel(Booking.objects.get(pk=booking_id), by="client")
    work = OwedWork.objects.get(kind=waitlist.OFFER_OPEN_TIMES, payload__start=booking.blocked_from.isoformat())
    return f"cancelled, pass {outbox.deliver(work.pk)}"


def pass_over(coach_id, start, end):
    """A pass over a window run again at the same moment (a retry, a second worker)."""
    from bookings import waitlist

    return f"offered {len(waitlist.offer_open_times(coach_id, start, end))}"


def hold(client_id, session_type_id, starts_at):
    from accounts.models import User
    from bookings import transitions
    from bookings.errors import SlotTaken
    from coaching.models import SessionType

    try:
        transitions.place_hold(User.objects.get(pk=client_id), SessionType.objects.get(pk=session_type_id), starts_at)
    except SlotTaken:
        return "taken"
    return "held"
