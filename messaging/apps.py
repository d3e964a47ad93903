from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver the message notice.
        from . import notices  # noqa: F401
