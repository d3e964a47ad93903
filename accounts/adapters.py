import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter

from . import two_step_secrets
from .access import has_mfa


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Anyone may sign up as a client; coaches and admins are made by an admin.
        return True

    def is_reauthentication_required(self, *, app, **kwargs):
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            # A coach sent to set up a first authenticator has just typed their password;
            # asking for it again at once only adds a step. Changing existing MFA still asks.
            if not has_mfa(request.user):
                records = get_authentication_records(request, request.user)
                if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                    return False
        return True


class MFAAdapter(DefaultMFAAdapter):
    """Two-step secrets (TOTP keys, recovery-code seeds) sealed under MFA_ENCRYPTION_KEYS:
    a read of the database alone computes no sign-in code."""

    def encrypt(self, text):
        return two_step_secrets.seal(text)

    def decrypt(self, encrypted_text):
        return two_step_secrets.unseal(encrypted_text)
