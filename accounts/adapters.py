from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from . import two_step_secrets


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Anyone may sign up as a client; coaches and admins join by an admin's invitation.
        return True


class MFAAdapter(DefaultMFAAdapter):
    """Two-step secrets (TOTP keys, recovery-code seeds) sealed under MFA_ENCRYPTION_KEYS:
    a read of the database alone computes no sign-in code."""

    def encrypt(self, text):
        return two_step_secrets.seal(text)

    def decrypt(self, encrypted_text):
        return two_step_secrets.unseal(encrypted_text)
