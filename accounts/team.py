"""Coaches and admins: invited by an admin, managed by admins, every change audited.

Staff join only by invitation. The invitee sets their own password and their own
two-step sign-in: nobody ever sets a password for someone else. Admins can change a
person's role between coach and admin and can deactivate (or reactivate) them.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from core import outbox

from . import audit
from .models import STAFF_ROLES, Invitation, Role, User

INVITATION_LIFETIME = timedelta(hours=48)


INVITATION = "accounts.invitation"


class TeamRefused(Exception):
    """The change was not made; the message says why, in words for the admin."""


def staff():
    return User.objects.filter(role__in=STAFF_ROLES).order_by("-is_active", "role", "email")


def open_invitations(now=None):
    now = now or timezone.now()
    return Invitation.objects.filter(accepted_at=None, withdrawn_at=None, expires_at__gt=now).select_related("invited_by")


def invite(email, role, *, by, request=None, now=None):
    """Invite `email` to join as `role`; the e-mail goes out once this commits."""
    now = now or timezone.now()
    email = email.strip().lower()
    if role not in STAFF_ROLES:
        raise TeamRefused("People can be invited as a coach or an admin.")
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise TeamRefused(
            "There is already an account with this address. Invitations are for new people; "
            "a client account cannot be turned into a staff one."
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, role=role, invited_by=by, created_at=now, expires_at=now + INVITATION_LIFETIME
        )
        audit.record("team.invited", actor=by, obj=invitation, request=request, role=role)
        outbox.owe(INVITATION, key=f"{INVITATION}:{invitation.pk}", about=f"invitation:{invitation.pk}", invitation_id=invitation.pk)
    return invitation


def invitation_link(invitation):
    return settings.SITE_URL + reverse("accounts:join", args=[invitation.pk, invitation.token()])


@outbox.email(INVITATION, label="Invitation to join the team")
def invitation_message(work):
    """The invitation e-mail, owed when the invitation is made. The link is rebuilt from
    the row at send time; an invitation no longer open is not sent."""
    invitation = Invitation.objects.filter(pk=work.payload["invitation_id"]).select_related("invited_by").first()
    if invitation is None or not invitation.is_open():
        raise outbox.Skip("the invitation is no longer open")
    body = render_to_string(
        "accounts/email/invitation.txt",
        {"invitation": invitation, "link": invitation_link(invitation), "hours": int(INVITATION_LIFETIME.total_seconds() // 3600)},
    )
    return EmailMessage(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}you are invited to join the team", body, to=[invitation.email]
    )


def invitation_for(pk, token, now=None):
    """The open invitation this link names, or (None, reason) in the invitee's words."""
    invitation = Invitation.objects.filter(pk=pk).first()
    if invitation is None or not constant_time_compare(invitation.token(), token):
        return None, "This invitation link is not one we know. Please check the link in your e-mail."
    if invitation.accepted_at is not None:
        return None, "This invitation has already been used. You can sign in with the password you chose."
    if invitation.withdrawn_at is not None:
        return None, "This invitation was withdrawn. Please ask the person who invited you for a new one."
    if not invitation.is_open(now):
        return None, "This invitation has expired (links last 48 hours). Please ask for a new one."
    return invitation, ""


def accept(invitation, *, name, password, request=None, now=None):
    """Make the invitee's account with the password they chose. Works once."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open(now):
            raise TeamRefused("This invitation can no longer be used. Please ask for a new one.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise TeamRefused("There is already an account with this address. Please sign in instead.")
        user = User.objects.create_user(invitation.email, password, name=name.strip(), role=invitation.role)
        # The link reached this address, which is what verifying it proves.
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record("team.joined", actor=user, obj=invitation, request=request, role=invitation.role)
    return user


def withdraw(invitation, *, by, request=None, now=None):
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise TeamRefused("This invitation has already been used.")
        if invitation.withdrawn_at is None:
            invitation.withdrawn_at = now or timezone.now()
            invitation.save(update_fields=["withdrawn_at"])
            audit.record("team.invitation_withdrawn", actor=by, obj=invitation, request=request)
    return invitation


def _lock_member(person):
    member = User.objects.select_for_update().filter(pk=person.pk, role__in=STAFF_ROLES).first()
    if member is None:
        raise TeamRefused("Only coaches and admins are managed here.")
    return member


def _other_active_admins(member):
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=member.pk).exists()


def change_role(person, role, *, by, request=None):
    if role not in STAFF_ROLES:
        raise TeamRefused("A team member is a coach or an admin.")
    if person.pk == by.pk:
        raise TeamRefused("You cannot change your own role. Ask another admin.")
    with transaction.atomic():
        member = _lock_member(person)
        if member.role == role:
            return member
        if member.role == Role.ADMIN and not _other_active_admins(member):
            raise TeamRefused("Waypoint needs at least one active admin.")
        before = member.role
        member.role = role
        member.save(update_fields=["role", "is_staff"])
        audit.record("account.role_changed", actor=by, obj=member, request=request, old_role=before, new_role=role)
    return member


def set_active(person, active, *, by, request=None):
    """Deactivate (sessions end at their next request) or reactivate a team member."""
    if person.pk == by.pk:
        raise TeamRefused("You cannot deactivate yourself. Ask another admin.")
    with transaction.atomic():
        member = _lock_member(person)
        if member.is_active == active:
            return member
        if not active and member.role == Role.ADMIN and not _other_active_admins(member):
            raise TeamRefused("Waypoint needs at least one active admin.")
        member.is_active = active
        member.save(update_fields=["is_active"])
        audit.record("team.reactivated" if active else "team.deactivated", actor=by, obj=member, request=request)
    return member
