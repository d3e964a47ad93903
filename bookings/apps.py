from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        # Django's app loading is the one place these imports belong: the outbox learns how
        # to deliver each kind of owed work when the modules that deliver them load, and a
        # coach with a real session with a client may see what that client shares.
        from clients.relations import register

        from . import notices, payments, reminders  # noqa: F401  (outbox handlers; payments loads its refunds)
        from .waitlist import emails  # noqa: F401  (the offer's e-mail)
        from .relations import has_session_with

        register(has_session_with)

        # A booking's change moves the coach's open times, which the coach page caches.
        from django.db.models.signals import post_delete, post_save

        from coaching import public_page

        from .models import Booking

        def booking_changed(sender, instance, **kwargs):
            public_page.forget(instance.coach_id)

        post_save.connect(booking_changed, sender=Booking, weak=False, dispatch_uid="bookings.public_page.save")
        post_delete.connect(booking_changed, sender=Booking, weak=False, dispatch_uid="bookings.public_page.delete")
