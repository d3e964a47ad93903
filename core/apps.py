from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Owed work and shared foundations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The outbox hands work to its task by name; registering the task is app loading's job.
        from . import tasks  # noqa: F401
