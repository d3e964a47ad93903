from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self):
        # A coach with a real session with a client may see what that client shares (h7).
        from clients.relations import register

        from .relations import has_session_with

        register(has_session_with)
