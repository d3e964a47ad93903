from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        # Django's app loading is the one place these imports belong: the outbox learns how
        # to deliver each kind of owed work when the modules that deliver them load, and a
        # coach with a real session with a client may see what that client shares.
        from clients.relations import register

        from . import notices, payments, reminders  # noqa: F401  (outbox handlers; payments loads its refunds)
        from .relations import has_session_with

        register(has_session_with)
