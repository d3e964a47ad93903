"""What the booking rules answer when they say no. Messages are shown to people as they are."""


class BookingRefused(Exception):
    """A rule said no; `str(exc)` is a warm sentence for the person who asked."""


class SlotTaken(BookingRefused):
    """Someone else (or the same client, elsewhere) holds that time."""

    def __init__(self, message="That time was just taken. Here are the times that are still open."):
        super().__init__(message)


class NotAllowed(BookingRefused):
    pass


class RefundRefused(BookingRefused):
    pass


class LimitReached(NotAllowed):
    """The client already holds as much of the coaches' time as one person may. `rule`
    names the limit for the audit trail; `booking` is the one in the way, when one is."""

    def __init__(self, message, *, rule, booking=None):
        super().__init__(message)
        self.rule = rule
        self.booking = booking
