"""The invitation a family member passes on by hand, and the link two accounts make only
when both agree.

- We never send an invitation: the family member copies the link and gives it themselves,
  so Waypoint cannot be used to reach someone against their will. It works for 14 days
  and can be withdrawn at any time.
- Whoever signs up through it is remembered on the invitation, and the family member is
  never told. Only if that person agrees to link is a FamilyLink made; the family member
  then sees the request and may agree too. A link is live once both agreed.
- A link shows each that the other has an account, and nothing else. Either can end it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, IntegerField
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.audit import record
from accounts.models import Role, User
from core.prepared import Arg, PreparedQuery

from .models import INVITATION_LIFETIME, FamilyLink, LovedOneInvitation

SESSION_KEY = "waypoint_welcome"


def create(family_member, *, from_name="", request=None):
    now = timezone.now()
    invitation = LovedOneInvitation.objects.create(
        family_member=family_member, from_name=from_name.strip(), created_at=now, expires_at=now + INVITATION_LIFETIME
    )
    record("invitation.created", actor=family_member, obj=invitation, request=request, named=bool(from_name.strip()))
    return invitation


def withdraw(invitation, *, request=None):
    """The link stops working at once. Withdrawing twice changes nothing."""
    with transaction.atomic():
        invitation = LovedOneInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.withdrawn_at is None:
            invitation.withdrawn_at = timezone.now()
            invitation.save(update_fields=["withdrawn_at"])
            record("invitation.withdrawn", actor=invitation.family_member, obj=invitation, request=request)
    return invitation


def open_invitation(pk, token, now=None):
    """The invitation behind a link, if it is still open; else None (expired, withdrawn, or no such link)."""
    invitation = LovedOneInvitation.objects.filter(pk=pk).first()
    if invitation is None or not constant_time_compare(invitation.token(), token or ""):
        return None
    return invitation if invitation.is_open(now) else None


def remember(request, invitation):
    """The welcome page keeps which invitation brought this browser, for the sign-up that may follow."""
    request.session[SESSION_KEY] = [invitation.pk, invitation.token()]


def arrive(request, user):
    """At sign-up: if an open invitation brought this person, note quietly that they used it.
    An invitation is used once; a later sign-up through the same link only makes an account."""
    pk, token = (request.session.pop(SESSION_KEY, None) or [None, None]) if request is not None else (None, None)
    if pk is None:
        return None
    with transaction.atomic():
        invitation = open_invitation(pk, token)
        if invitation is None:
            return None
        invitation = LovedOneInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_by_id is not None or invitation.family_member_id == user.pk:
            return None
        invitation.used_by, invitation.used_at = user, timezone.now()
        invitation.save(update_fields=["used_by", "used_at"])
        # The audit line belongs to the person who signed up; it names no one else.
        record("invitation.used", actor=user, obj=invitation, request=request)
    return invitation


def offers_for(user):
    """Invitations this person came through and has not answered: they may choose to link."""
    if not user.is_authenticated or user.role != Role.CLIENT:
        return LovedOneInvitation.objects.none()
    return _offers(user)


def _offers(person):
    answered = FamilyLink.objects.filter(loved_one=person).values("invitation_id")
    return (
        LovedOneInvitation.objects.filter(used_by=person, withdrawn_at=None, declined_at=None, family_member__is_active=True)
        .exclude(pk__in=answered)
        .order_by("used_at", "pk")
    )


def _news(person):
    """An offer to answer, or a live link of theirs: agreed, or asked for (a request to the
    family member is a live link too, not yet agreed)."""
    return Exists(_offers(person)) | Exists(FamilyLink.objects.live().involving(person))


# Asked on every dashboard of a client: one statement, compiled once.
_HAS_NEWS = PreparedQuery(lambda: User.objects.filter(_news(Arg("person", IntegerField())), pk=Arg("person", IntegerField())).values_list("pk"))


_OFFERS = PreparedQuery(lambda: _offers(Arg("person", IntegerField())))
# Every live link of a person, either side, with its invitation (for the name on it).
_LIVE_LINKS = PreparedQuery(lambda: FamilyLink.objects.live().involving(Arg("person", IntegerField())).select_related("invitation"))


def links_page(user):
    """What the links page shows `user` (a client): offers to answer, requests to agree to,
    links waiting for the other side, and links made. Two statements, compiled once."""
    links = _LIVE_LINKS.objects(person=user.pk)
    return {
        "offers": _OFFERS.objects(person=user.pk),
        "requests": [link for link in links if link.family_member_id == user.pk and link.family_agreed_at is None],
        "linked": [link for link in links if link.family_agreed_at is not None],
        "waiting": [link for link in links if link.loved_one_id == user.pk and link.family_agreed_at is None],
    }


def has_news(user):
    """Whether this person has any link, offer or request to see on their links page."""
    if not user.is_authenticated or user.role != Role.CLIENT:
        return False
    return bool(_HAS_NEWS.rows(person=user.pk))


def offer_for(user, pk):
    return offers_for(user).filter(pk=pk).first()


def agree_as_loved_one(user, invitation, *, request=None):
    """The loved one agrees to link: the family member now sees the request."""
    with transaction.atomic():
        invitation = LovedOneInvitation.objects.select_for_update().get(pk=invitation.pk)
        if offer_for(user, invitation.pk) is None:
            raise ValidationError("This invitation can no longer be used to link accounts.")
        link = FamilyLink.objects.create(
            family_member_id=invitation.family_member_id, loved_one=user, invitation=invitation, loved_one_agreed_at=timezone.now()
        )
        record("link.agreed", actor=user, obj=link, request=request, side="loved_one")
    return link


def decline_as_loved_one(user, invitation, *, request=None):
    """No thanks: the family member is not told, and the offer is not shown again."""
    with transaction.atomic():
        invitation = LovedOneInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_by_id != user.pk or invitation.declined_at is not None:
            return invitation
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at"])
        record("link.declined", actor=user, obj=invitation, request=request)
    return invitation


def requests_for(family_member):
    """Links the loved one agreed to and the family member has not answered."""
    return FamilyLink.objects.live().filter(family_member=family_member, family_agreed_at=None)


def agree_as_family(user, link, *, request=None):
    with transaction.atomic():
        link = FamilyLink.objects.select_for_update().get(pk=link.pk)
        if link.family_member_id != user.pk or link.ended_at is not None:
            raise ValidationError("This link has ended.")
        if link.family_agreed_at is None:
            link.family_agreed_at = timezone.now()
            link.save(update_fields=["family_agreed_at"])
            record("link.agreed", actor=user, obj=link, request=request, side="family")
    return link


def end(user, link, *, request=None):
    """Either side ends the link, at once and for good. Ending twice changes nothing."""
    with transaction.atomic():
        link = FamilyLink.objects.select_for_update().get(pk=link.pk)
        if user.pk not in (link.family_member_id, link.loved_one_id):
            raise ValidationError("This is not your link.")
        if link.ended_at is None:
            link.ended_at = timezone.now()
            link.save(update_fields=["ended_at"])
            record("link.ended", actor=user, obj=link, request=request, side="family" if user.pk == link.family_member_id else "loved_one")
    return link
