"""Security events written to the audit trail, and what a change of the second step does
to sessions. Connected in AccountsConfig.ready()."""

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import get_random_string

from . import audit
from .models import User

# Recovery codes come and go with the device they back up; the device is what counts.
SECOND_STEP_TYPES = {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}


@receiver(account_signals.user_logged_in)
def logged_in(sender, request, user, **kwargs):
    audit.record("account.login", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password; what remains is the address typed.
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    person = User.objects.filter(email__iexact=email).first() if email else None
    # The address typed is not kept: the trail outlives accounts, and `obj` names a known person.
    audit.record("account.login_failed", obj=person, request=request, address_known=person is not None)


@receiver(mfa_signals.authentication_failed)
def second_step_failed(sender, user, request=None, **kwargs):
    audit.record("account.second_step_failed", obj=user, request=request)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("account.logout", actor=user, obj=user, request=request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
@receiver(account_signals.password_reset)
def password_changed(sender, request, user, **kwargs):
    audit.record("account.password_changed", actor=user, obj=user, request=request)


@receiver(account_signals.email_added)
def email_added(sender, request, user, email_address, **kwargs):
    audit.record("account.email_added", actor=user, obj=user, request=request, email_address_id=email_address.pk)


@receiver(account_signals.email_changed)
def email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit.record(
        "account.email_changed",
        actor=user,
        obj=user,
        request=request,
        old_email_address_id=getattr(from_email_address, "pk", None),
        new_email_address_id=to_email_address.pk,
    )


def end_other_sessions(request, user):
    """A new stamp makes every other session's signature stale (Django then ends it on its
    next request); this session is re-signed under a new key, so it carries on."""
    user.session_stamp = get_random_string(32)
    user.save(update_fields=["session_stamp"])
    if request is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)


@receiver(mfa_signals.authenticator_added)
def second_step_added(sender, request, user, authenticator, **kwargs):
    audit.record("account.second_step_added", actor=user, obj=user, request=request, type=authenticator.type)
    if authenticator.type in SECOND_STEP_TYPES:
        end_other_sessions(request, user)
        if request is not None:
            # Enrolling took a code from the new device: this session has proved it.
            record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


@receiver(mfa_signals.authenticator_removed)
def second_step_removed(sender, request, user, authenticator, **kwargs):
    audit.record("account.second_step_removed", actor=user, obj=user, request=request, type=authenticator.type)
    if authenticator.type in SECOND_STEP_TYPES:
        end_other_sessions(request, user)
