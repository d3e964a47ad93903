from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "families"
    verbose_name = "Families and loved ones"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver this path's e-mails.
        from . import emails  # noqa: F401
