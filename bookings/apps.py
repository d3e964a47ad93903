from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        # A coach with a real session with a client may see what that client shares (h7).
        from clients.relations import register

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
