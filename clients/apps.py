from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"

    def ready(self):
        # Django's app loading is where the outbox learns how to deliver the intake's e-mails.
        from . import emails, urgent_case  # noqa: F401

        # Where a client's intake stands (may they book paid sessions?) comes with their own
        # row on every request.
        from .eligibility import INTAKE_STATUS

        INTAKE_STATUS.register()
