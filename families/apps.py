from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "families"
    verbose_name = "Families and loved ones"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver this path's e-mails.
        from . import emails  # noqa: F401

        # Where a person's family intake stands comes with their own row on every request.
        from accounts.backends import asked_with_the_user

        from .eligibility import STATUS_FACT, family_intake_status_of
        from .paths import ABOUT_ME_FACT, WORRIED_FACT, chosen_about_me_of, chosen_worried_of

        asked_with_the_user(STATUS_FACT, family_intake_status_of)
        # So do the ways in they chose, which most of a client's pages word themselves by.
        asked_with_the_user(ABOUT_ME_FACT, chosen_about_me_of)
        asked_with_the_user(WORRIED_FACT, chosen_worried_of)
