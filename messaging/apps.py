from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver the message notice.
        from . import notices  # noqa: F401

        # The menu's unread count comes with the signed-in person's own row on every request.
        from accounts.backends import asked_with_the_user

        from .conversations import UNREAD_FACT, unread_in_all

        asked_with_the_user(UNREAD_FACT, unread_in_all)
