from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Owed work and shared foundations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The outbox hands work to its task by name; registering the task is app loading's job.
        from django.db.models.signals import post_migrate

        from . import tasks  # noqa: F401
        from .roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="core.roles.grant_after_migrate")
