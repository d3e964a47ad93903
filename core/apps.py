from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Owed work and shared foundations"
    default_auto_field = "django.db.models.BigAutoField"
