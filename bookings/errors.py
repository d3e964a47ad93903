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
