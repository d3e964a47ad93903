from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # App loading registers the audit of security events and the invitation e-mail's delivery.
        from . import signals, team  # noqa: F401
