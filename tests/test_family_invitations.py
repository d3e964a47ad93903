"""Fiona makes an invitation to pass on to her son by hand. It expires after 14 days and can
be withdrawn; whether it was used stays hidden from her unless he agrees to link; a link
needs both of them, and either can end it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OwedWork
from families import invitations, paths
from families.models import INVITATION_LIFETIME, FamilyLink, LovedOneInvitation

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "sam@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}


@pytest.fixture
def worried_fiona(fiona):
    paths.choose(fiona, "worried")
    return fiona


def link_of(invitation):
    return reverse("families:welcome", args=[invitation.pk, invitation.token()])


def main_text(response):
    page = response.content.decode()
    return re.sub(r"\s+", " ", page[page.index('<div class="narrow">'):page.index("</main>")])


def sign_up_through(client, invitation, **extra):
    assert client.get(link_of(invitation)).status_code == 200
    response = client.post("/accounts/signup/", {**SIGNUP, **extra})
    assert response.status_code == 302
    from accounts.models import User

    return User.objects.get(email=extra.get("email", SIGNUP["email"]))


def test_fiona_makes_a_link_that_we_never_send_and_that_works_for_14_days(client, worried_fiona, mailoutbox):
    client.force_login(worried_fiona)
    assert client.post(reverse("families:invitations"), {"from_name": ""}).status_code == 302
    invitation = LovedOneInvitation.objects.get(family_member=worried_fiona)
    assert invitation.expires_at - invitation.created_at == INVITATION_LIFETIME == timedelta(days=14)
    page = client.get(reverse("families:invitations")).content.decode()
    assert link_of(invitation) in page
    # Nothing is sent by us, now or later.
    assert mailoutbox == [] and not OwedWork.objects.exists()


def test_the_page_behind_the_link_says_only_that_someone_who_cares_thought_waypoint_might_help(client, worried_fiona):
    unnamed = invitations.create(worried_fiona)
    text = main_text(client.get(link_of(unnamed)))
    assert "Someone who cares about you thought Waypoint might help." in text
    for word in ["Fiona", "Reyes", "fiona", "worried", "family", "mother", "son"]:
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), word

    named = invitations.create(worried_fiona, from_name="Mum")
    text = main_text(client.get(link_of(named)))
    assert "Mum, who cares about you, thought Waypoint might help." in text
    assert "Fiona" not in text


def test_an_invitation_expires_after_14_days(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    assert invitations.open_invitation(invitation.pk, invitation.token(), now=invitation.created_at + timedelta(days=13, hours=23)) is not None
    assert invitations.open_invitation(invitation.pk, invitation.token(), now=invitation.created_at + timedelta(days=14)) is None
    LovedOneInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link_of(invitation))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_fiona_withdraws_her_link_and_it_stops_working_at_once(client, worried_fiona, alice):
    invitation = invitations.create(worried_fiona)
    client.force_login(alice)
    assert client.post(reverse("families:invitation_withdraw", args=[invitation.pk])).status_code == 404
    client.force_login(worried_fiona)
    assert client.post(reverse("families:invitation_withdraw", args=[invitation.pk])).status_code == 302
    client.logout()
    assert client.get(link_of(invitation)).status_code == 404


def test_a_made_up_or_altered_link_is_a_404(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    assert client.get(reverse("families:welcome", args=[invitation.pk, "0" * 64])).status_code == 404
    assert client.get(reverse("families:welcome", args=[invitation.pk + 1, invitation.token()])).status_code == 404


def test_when_sam_signs_up_through_the_link_fiona_is_not_told(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    mine = client.__class__()
    mine.force_login(worried_fiona)
    before = (main_text(mine.get(reverse("families:invitations"))), main_text(mine.get(reverse("families:links"))), mine.get("/me/").content.decode().count("Linked accounts"))

    sam = sign_up_through(client, invitation)
    invitation.refresh_from_db()
    assert invitation.used_by == sam
    after = (main_text(mine.get(reverse("families:invitations"))), main_text(mine.get(reverse("families:links"))), mine.get("/me/").content.decode().count("Linked accounts"))
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", str(after)) == re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", str(before))
    assert not FamilyLink.objects.exists()


def test_the_accounts_link_only_when_both_agree(client, worried_fiona):
    sam = sign_up_through(client, invitations.create(worried_fiona, from_name="Mum"))
    client.force_login(sam)
    offers = main_text(client.get(reverse("families:links")))
    assert "Mum has an account" in offers
    offer = invitations.offers_for(sam).get()
    client.post(reverse("families:offer_answer", args=[offer.pk]), {"answer": "link"})
    link = FamilyLink.objects.get()
    assert (link.family_member, link.loved_one, link.is_linked) == (worried_fiona, sam, False)

    fionas = client.__class__()
    fionas.force_login(worried_fiona)
    assert "The person you invited would like to link accounts" in main_text(fionas.get(reverse("families:links")))
    fionas.post(reverse("families:link_agree", args=[link.pk]))
    link.refresh_from_db()
    assert link.is_linked is True
    assert "The person you invited has a Waypoint account" in main_text(fionas.get(reverse("families:links")))
    assert "Mum has a Waypoint account" in main_text(client.get(reverse("families:links")))


def test_sam_says_no_thanks_and_fiona_never_hears_of_it(client, worried_fiona):
    sam = sign_up_through(client, invitations.create(worried_fiona))
    client.force_login(sam)
    offer = invitations.offers_for(sam).get()
    client.post(reverse("families:offer_answer", args=[offer.pk]), {"answer": "no"})
    assert not invitations.offers_for(sam).exists()
    assert not FamilyLink.objects.exists()
    assert not invitations.requests_for(worried_fiona).exists()


@pytest.mark.parametrize("who_ends", ["family_member", "loved_one"])
def test_either_side_ends_the_link_and_then_neither_sees_it(client, worried_fiona, who_ends):
    sam = sign_up_through(client, invitations.create(worried_fiona))
    link = invitations.agree_as_loved_one(sam, invitations.offers_for(sam).get())
    invitations.agree_as_family(worried_fiona, link)
    ender = worried_fiona if who_ends == "family_member" else sam
    client.force_login(ender)
    assert client.post(reverse("families:link_end", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.ended_at is not None and link.is_linked is False
    for person in (worried_fiona, sam):
        client.force_login(person)
        assert "You have no linked accounts." in main_text(client.get(reverse("families:links")))
    # An ended link cannot be agreed to again, nor ended by a stranger.
    with pytest.raises(Exception, match="ended"):
        invitations.agree_as_family(worried_fiona, link)


def test_someone_else_cannot_end_or_agree_to_a_link(client, worried_fiona, alice):
    sam = sign_up_through(client, invitations.create(worried_fiona))
    link = invitations.agree_as_loved_one(sam, invitations.offers_for(sam).get())
    client.force_login(alice)
    assert client.post(reverse("families:link_end", args=[link.pk])).status_code == 404
    assert client.post(reverse("families:link_agree", args=[link.pk])).status_code == 404
    client.force_login(sam)  # the loved one cannot agree on the family member's behalf
    assert client.post(reverse("families:link_agree", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert (link.family_agreed_at, link.ended_at) == (None, None)


def test_a_used_link_makes_no_second_offer(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    sign_up_through(client, invitation)
    other = client.__class__()
    tess = sign_up_through(other, invitation, email="tess@example.com")
    assert not invitations.offers_for(tess).exists()


def test_a_withdrawn_invitation_takes_back_the_offer(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    sam = sign_up_through(client, invitation)
    invitations.withdraw(invitation)
    assert not invitations.offers_for(sam).exists()


def test_bob_who_already_has_an_account_can_see_the_choice(client, worried_fiona, bob):
    invitation = invitations.create(worried_fiona)
    client.force_login(bob)
    assert "I already have an account" in client.get(link_of(invitation)).content.decode()
    assert client.post(reverse("families:welcome_accept")).url == reverse("families:links")
    assert invitations.offers_for(bob).get() == invitation


def test_fiona_cannot_use_her_own_link(client, worried_fiona):
    invitation = invitations.create(worried_fiona)
    client.force_login(worried_fiona)
    client.get(link_of(invitation))
    client.post(reverse("families:welcome_accept"))
    invitation.refresh_from_db()
    assert invitation.used_by is None
