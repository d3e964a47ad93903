"""Download my data and Delete my account on the family path: everything of Fiona's path is
in her export and erased with her account; her son Sam's export and deletion touch nothing
of hers, and his deletion leaves hers whole."""

import datetime
import json

import pytest
from django.urls import reverse

from accounts.export import delete_account, export_for
from clients.models import Consent
from clients import consents
from families import agreements, invitations, paths
from families import progress as family_progress
from families.models import FamilyCheckIn, FamilyGoal, FamilyIntake, FamilyLink, FamilyMatch, LovedOneInvitation, PathChoice
from families.review import approve
from tests.factories import ClientFactory, FamilyIntakeFactory, IntakeFactory, sign_all_consents
from tests.test_client_data import text_columns_containing
from tests.test_client_data_with_sessions import MAY_STAY, rows_pointing_at

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def fionas_path(fiona, carol, erin):
    paths.choose(fiona, "worried")
    intake = FamilyIntakeFactory(client=fiona, noticed="fiona-noticed-words", hopes_in_own_words="fiona-hopes-words")
    for document in agreements.DOCUMENTS:
        consents.sign(fiona, document, signed_name="Fiona Reyes")
    approve(intake, coaches=[carol], by=erin)
    family_progress.add_goal(fiona, kind="calmer_days", days_a_week=4, stress_at_most=4, own_words="fiona-goal-words")
    family_progress.save_check_in(fiona, day=TODAY, today=TODAY, stress=3, positive_moment=True, conversation_tried=True, note="fiona-note-words")
    invitation = invitations.create(fiona, from_name="Mum")
    sam = ClientFactory(email="sam@example.com", name="Sam Reyes")
    IntakeFactory(client=sam, goal_in_own_words="sam-intake-words")
    sign_all_consents(sam)
    LovedOneInvitation.objects.filter(pk=invitation.pk).update(used_by=sam)
    link = invitations.agree_as_loved_one(sam, invitation)
    invitations.agree_as_family(fiona, link)
    return fiona, sam, invitation


def records(user, section="family"):
    return {s["name"]: s["records"] for s in export_for(user)["sections"]}[section]


def test_fionas_export_holds_every_record_of_her_path(fionas_path):
    fiona, _, invitation = fionas_path
    mine = records(fiona)
    kinds = [r["kind"] for r in mine]
    assert kinds == ["ways_in", "family_intake", "family_review", "family_coach_match", "invitation_made", "link", "family_goal", "family_check_in"]
    by_kind = {r["kind"]: r for r in mine}
    assert (by_kind["ways_in"]["about_me"], by_kind["ways_in"]["worried_about_someone"]) == (False, True)
    intake = by_kind["family_intake"]
    assert (intake["noticed"], intake["hopes_in_own_words"], intake["pss_score"], intake["pss_scale_max"]) == ("fiona-noticed-words", "fiona-hopes-words", 11, 16)
    assert by_kind["family_coach_match"]["coach"] == "Carol Rivera"
    # The invitation, without a word on whether it was used.
    assert set(by_kind["invitation_made"]) == {"kind", "your_name_on_it", "made", "expires", "withdrawn"}
    assert by_kind["invitation_made"]["your_name_on_it"] == "Mum"
    assert by_kind["link"]["you_are"] == "the one who invited"
    assert by_kind["family_goal"]["in_your_words"] == "fiona-goal-words"
    assert by_kind["family_check_in"]["note"] == "fiona-note-words"
    consents = {s["name"]: s["records"] for s in export_for(fiona)["sections"]}["intake"]
    assert sorted(r["consent"] for r in consents if r["kind"] == "consent") == ["family_coaching", "not_medical_care", "privacy"]


def test_sams_export_says_he_joined_through_an_invitation_and_nothing_of_fionas(fionas_path):
    fiona, sam, _ = fionas_path
    text = json.dumps(export_for(sam))
    assert "sam-intake-words" in text
    for word in ["fiona", "Fiona", "Mum", "America/Denver"]:
        assert word not in text, word
    assert [r["kind"] for r in records(sam)] == ["joined_through_an_invitation", "link"]


def test_the_readable_page_shows_the_family_path(client, fionas_path):
    fiona, _, _ = fionas_path
    client.force_login(fiona)
    page = client.get(reverse("clients:my_data_section", args=["family"])).content.decode()
    assert "Your family path" in page and "fiona-goal-words" in page
    overview = client.get(reverse("clients:my_data")).content.decode()
    assert (
        '<h2><a href="/client/my-data/family/">Your family path</a></h2>\n      <p>The ways in you chose, your family intake answers, '
        "1 review, 1 coach match, 1 invitation you made, 1 link, 1 goal, 1 check-in.</p>"
    ) in overview


def test_sams_overview_counts_the_invitation_he_came_through_and_the_link(client, fionas_path):
    _, sam, _ = fionas_path
    client.force_login(sam)
    overview = client.get(reverse("clients:my_data")).content.decode()
    assert "<p>The invitation you joined through, 1 link.</p>" in overview


def test_deleting_fiona_erases_her_whole_path_and_leaves_sams_account_whole(client, fionas_path):
    fiona, sam, invitation = fionas_path
    client.force_login(fiona)
    response = client.post(reverse("clients:delete_account"), {"password": "correct-horse-battery-staple", "understood": "on"})
    assert response.status_code == 302
    left = {model._meta.label: count for model, count in rows_pointing_at(fiona).items() if model not in MAY_STAY}
    assert left == {}
    for words in ["fiona-noticed-words", "fiona-hopes-words", "fiona-goal-words", "fiona-note-words", "Fiona Reyes"]:
        assert text_columns_containing(words) == [], words
    assert not FamilyLink.objects.exists() and not LovedOneInvitation.objects.exists()
    # Sam's own account and answers are his, and stay.
    assert {s["name"]: s["records"] for s in export_for(sam)["sections"]}["intake"][0]["goal_in_own_words"] == "sam-intake-words"
    assert Consent.objects.filter(client=sam).count() == 3


def test_deleting_sam_ends_the_link_and_the_invitation_forgets_him(fionas_path):
    fiona, sam, invitation = fionas_path
    delete_account(sam)
    assert not FamilyLink.objects.exists()
    invitation.refresh_from_db()
    assert (invitation.used_by, invitation.used_at, invitation.family_member) == (None, None, fiona)
    assert {model._meta.label for model in rows_pointing_at(sam) if model not in MAY_STAY} == set()
    # Fiona's path is untouched.
    assert (FamilyIntake.objects.filter(client=fiona).count(), FamilyGoal.objects.filter(client=fiona).count(),
            FamilyCheckIn.objects.filter(client=fiona).count(), FamilyMatch.objects.filter(client=fiona).count(),
            PathChoice.objects.filter(person=fiona).count()) == (1, 1, 1, 1, 1)
