"""Fiona, worried about her son, fills the family intake in steps, leaves and comes back,
tells us about safety and sends it: as careful as the client's intake."""

import re

import pytest
from django.db import connection

from accounts.models import AuditEvent
from clients.models import Consent
from core.models import OwedWork
from families import paths
from families.access import read_family_intake
from families.emails import URGENT_ALERT
from families.models import FamilyIntake, PathChoice
from tests.factories import PASSWORD, FamilyIntakeFactory, answers

pytestmark = pytest.mark.django_db

STEP = "/family/intake/step/{}/"

ABOUT = {"preferred_name": "Fi", "pronouns": "", "country": "US", "time_zone": "America/Denver", "language": "English", "phone": ""}
LOVED_ONE = {"relationship": "parent", "noticed": "He sleeps all day and has lost his job.", "substances": ["opioids"]}
HOPES = {"hopes": ["own_wellbeing", "conversations"], "hopes_in_own_words": "Talk without shouting."}
# PSS-4: fairly often (3), almost never confident (1 -> 3), sometimes my way (2 -> 2), sometimes piling up (2) = 10
WELLBEING = {"pss_1": "3", "pss_2": "1", "pss_3": "2", "pss_4": "2", "importance": "9", "confidence": "4"}
SAFETY_NO = {"afraid_of_loved_one": "no", "thoughts_of_self_harm": "no", "overdose_at_home": "no"}
AGREEMENTS = {"agree_not_medical_care": "on", "agree_privacy": "on", "agree_family_coaching": "on", "signed_name": "Fiona Reyes"}


def post(client, slug, data, action="next"):
    return client.post(STEP.format(slug), {**data, "action": action})


def fill_up_to_safety(client, about=ABOUT):
    for slug, data in [("about", about), ("loved-one", LOVED_ONE), ("hopes", HOPES), ("wellbeing", WELLBEING)]:
        response = post(client, slug, data)
        assert response.status_code == 302, response.content.decode()[:3000]


def stored(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM families_familyintake WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def test_fionas_draft_survives_signing_out_and_she_resumes_where_she_stopped(client, fiona):
    client.force_login(fiona)
    assert client.get("/family/intake/").url == STEP.format("about")
    assert post(client, "about", ABOUT).url == STEP.format("loved-one")
    # Every question about her son may stay empty: the step is still complete.
    assert post(client, "loved-one", {}).url == STEP.format("hopes")
    assert post(client, "hopes", {"hopes_in_own_words": "Sleep again."}, action="later").url == "/me/"

    client.post("/accounts/logout/")
    assert client.login(email=fiona.email, password=PASSWORD)
    assert client.get("/family/intake/").url == STEP.format("hopes")
    assert "Sleep again." in client.get(STEP.format("hopes")).content.decode()
    intake = FamilyIntake.objects.get(client=fiona)
    assert (intake.status, intake.steps_done) == (FamilyIntake.Status.DRAFT, ["about", "loved-one"])
    assert answers(intake, "preferred_name", "country", "relationship", "hopes_in_own_words") == ("Fi", "US", "", "Sleep again.")


def test_a_step_cannot_be_skipped_and_a_completed_step_asks_for_what_it_needs(client, fiona):
    client.force_login(fiona)
    assert client.get(STEP.format("wellbeing")).url == STEP.format("about")
    response = post(client, "about", {**ABOUT, "country": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert FamilyIntake.objects.get(client=fiona).steps_done == []


def test_the_wellbeing_step_scores_pss_4_with_items_2_and_3_reversed(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    intake = FamilyIntake.objects.get(client=fiona)
    assert answers(intake, "pss_answers", "pss_score", "importance", "confidence") == ([3, 1, 2, 2], 10, 9, 4)


def test_a_half_answered_pss_4_is_kept_in_the_draft_but_not_scored(client, fiona):
    client.force_login(fiona)
    for slug, data in [("about", ABOUT), ("loved-one", LOVED_ONE), ("hopes", HOPES)]:
        post(client, slug, data)
    post(client, "wellbeing", {"pss_1": "4", "pss_3": "0"}, action="later")
    intake = FamilyIntake.objects.get(client=fiona)
    assert answers(intake, "pss_answers", "pss_score") == ([4, None, 0, None], None)
    page = client.get(STEP.format("wellbeing")).content.decode()
    assert re.search(r'name="pss_1" value="4"[^>]*checked', page)


def test_the_readiness_ruler_refuses_eleven(client, fiona):
    client.force_login(fiona)
    for slug, data in [("about", ABOUT), ("loved-one", LOVED_ONE), ("hopes", HOPES)]:
        post(client, slug, data)
    response = post(client, "wellbeing", {**WELLBEING, "importance": "11"})
    assert response.status_code == 200
    assert "wellbeing" not in FamilyIntake.objects.get(client=fiona).steps_done


def test_what_fiona_writes_is_ciphertext_in_the_database(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    intake = FamilyIntake.objects.get(client=fiona)
    for column in ["noticed", "hopes_in_own_words", "relationship", "substances", "pss_score", "country"]:
        raw = stored(column, intake.pk)
        assert "lost his job" not in raw and "shouting" not in raw and "opioids" not in raw and "parent" not in raw, column
    assert answers(intake, "noticed") == ("He sleeps all day and has lost his job.",)


def test_fiona_signs_the_three_agreements_and_sends_her_intake(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_NO)
    page = client.get(STEP.format("consents")).content.decode()
    assert "Coaching about someone you are worried about" in page
    # Without the family agreement, nothing is sent.
    response = post(client, "consents", {**AGREEMENTS, "agree_family_coaching": ""})
    assert response.status_code == 200
    assert FamilyIntake.objects.get(client=fiona).status == FamilyIntake.Status.DRAFT

    assert post(client, "consents", AGREEMENTS).url == "/family/intake/yours/"
    intake = FamilyIntake.objects.get(client=fiona)
    assert (intake.status, intake.is_urgent) == (FamilyIntake.Status.SUBMITTED, False)
    assert sorted(Consent.objects.filter(client=fiona).values_list("kind", flat=True)) == ["family_coaching", "not_medical_care", "privacy"]
    assert OwedWork.objects.filter(kind=URGENT_ALERT).count() == 0
    summary = client.get("/family/intake/yours/").content.decode()
    assert "10 of 16" in summary


def test_every_read_of_a_family_intake_is_audited_and_anyone_else_gets_a_404(client, fiona, alice, carol, erin):
    from django.http import Http404

    intake = FamilyIntakeFactory(client=fiona)
    assert read_family_intake(erin, intake.pk).pk == intake.pk
    assert read_family_intake(fiona, intake.pk).pk == intake.pk
    for stranger in (alice, carol):
        with pytest.raises(Http404):
            read_family_intake(stranger, intake.pk)
    assert list(AuditEvent.objects.filter(action="family_intake.read").order_by("id").values_list("actor_id", flat=True)) == [erin.pk, fiona.pk]


def test_a_draft_is_fionas_own_until_she_sends_it(fiona, erin):
    from django.http import Http404

    intake = FamilyIntakeFactory(client=fiona, status=FamilyIntake.Status.DRAFT, submitted_at=None)
    with pytest.raises(Http404):
        read_family_intake(erin, intake.pk)


# --- The two ways in -------------------------------------------------------------------

SIGNUP = {"email": "gina@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}


def test_signing_up_worried_about_someone_puts_gina_on_the_family_path(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "path": "worried"})
    assert response.status_code == 302
    choice = PathChoice.objects.get(person__email="gina@example.com")
    assert (choice.about_me, choice.worried) == (False, True)


def test_signing_up_without_choosing_is_about_oneself(client):
    assert client.post("/accounts/signup/", SIGNUP).status_code == 302
    choice = PathChoice.objects.get(person__email="gina@example.com")
    assert (choice.about_me, choice.worried) == (True, False)


def test_the_sign_up_page_offers_both_ways_in(client):
    page = client.get("/accounts/signup/").content.decode()
    assert "It\u2019s about me" in page and "I\u2019m worried about someone" in page


def test_alice_who_joined_before_adds_the_family_path_and_keeps_her_own(client, alice):
    assert paths.paths_of(alice) == paths.Paths(about_me=True, worried=False)
    client.force_login(alice)
    dashboard = client.get("/me/").content.decode()
    assert "worried about someone" in dashboard
    assert client.post("/family/add-path/", {"path": "worried"}).url == "/family/intake/"
    assert paths.paths_of(alice) == paths.Paths(about_me=True, worried=True)
    dashboard = client.get("/me/").content.decode()
    assert "Your own wellbeing" in dashboard and "Your intake" in dashboard


def test_fiona_on_the_family_path_sees_family_words_and_can_add_her_own_path(client, fiona):
    paths.choose(fiona, "worried")
    client.force_login(fiona)
    dashboard = client.get("/me/").content.decode()
    assert "Your own wellbeing" in dashboard
    assert "Start, continue or read your intake" not in dashboard
    assert "It\u2019s about me too" in dashboard
    assert client.post("/family/add-path/", {"path": "about_me"}).url == "/client/intake/"
    assert paths.paths_of(fiona) == paths.Paths(about_me=True, worried=True)


def test_a_made_up_path_changes_nothing(client, fiona):
    paths.choose(fiona, "worried")
    client.force_login(fiona)
    assert client.post("/family/add-path/", {"path": "everything"}).status_code == 302
    assert paths.paths_of(fiona) == paths.Paths(about_me=False, worried=True)


def test_the_menus_your_intake_takes_fiona_to_her_family_intake(client, fiona):
    paths.choose(fiona, "worried")
    client.force_login(fiona)
    assert client.get("/client/intake/").url == "/family/intake/"


def test_once_approved_fionas_dashboard_leads_to_coaches_who_work_with_families(client, fiona):
    from tests.factories import FamilyIntakeFactory

    paths.choose(fiona, "worried")
    FamilyIntakeFactory(client=fiona, status=FamilyIntake.Status.APPROVED)
    client.force_login(fiona)
    assert 'href="/coaches/?specialty=families">Find a time with a coach who works with families' in client.get("/me/").content.decode()
