from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "families"
    verbose_name = "Families and loved ones"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver this path's e-mails.
        from . import emails  # noqa: F401

        # Where a person's family intake stands comes with their own row on every request,
        # and so do the ways in they chose, which most of a client's pages word themselves by.
        from .eligibility import FAMILY_INTAKE_STATUS
        from .paths import ABOUT_ME, WORRIED

        for value in (FAMILY_INTAKE_STATUS, ABOUT_ME, WORRIED):
            value.register()
