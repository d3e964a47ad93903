"""A client fills the intake in steps, leaves and comes back, and sends it."""

import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from clients import intake as flow
from clients.emails import URGENT_ALERT
from clients.forms import AboutForm
from clients.models import Consent, Intake
from core.models import OwedStatus, OwedWork
from tests.factories import PASSWORD, IntakeFactory, answers, sign_all_consents

pytestmark = pytest.mark.django_db

STEP = "/client/intake/step/{}/"

ABOUT = {"preferred_name": "Ali", "pronouns": "she/her", "time_zone": "America/Chicago", "language": "English",
         "phone": "", "emergency_contact": ""}
REASONS = {"substances": ["alcohol", "opioids"], "treatment": "buprenorphine", "goal": "cut_down",
           "goal_in_own_words": "Fewer weeknight drinks."}
# AUDIT-C 2 + 1 + 1 = 4; DAST-10 yes to items 1 and 5, able to stop (item 3 yes) = 2.
SCREENING = {"sex": "female", "audit_1": "2", "audit_2": "1", "audit_3": "1",
             **{f"dast_{n}": "no" for n in range(1, 11)}, "dast_1": "yes", "dast_3": "yes", "dast_5": "yes",
             "importance": "8", "confidence": "4"}
SAFETY_NO = {"thoughts_of_self_harm": "no", "overdose_past_year": "no"}
SAFETY_YES = {"thoughts_of_self_harm": "yes", "overdose_past_year": "no"}
CONSENTS = {"agree_not_medical_care": "on", "agree_privacy": "on", "agree_share_with_coach": "on",
            "signed_name": "Alice Moreno"}


def post(client, slug, data, action="next"):
    return client.post(STEP.format(slug), {**data, "action": action})


def fill_up_to_safety(client):
    for slug, data in [("about", ABOUT), ("reasons", REASONS), ("screening", SCREENING)]:
        response = post(client, slug, data)
        assert response.status_code == 302, response.content.decode()[:2000]


def test_alices_draft_survives_signing_out_and_she_resumes_where_she_stopped(client, alice):
    client.force_login(alice)
    assert client.get("/client/intake/").url == STEP.format("about")
    assert post(client, "about", ABOUT).url == STEP.format("reasons")
    assert post(client, "reasons", REASONS).url == STEP.format("screening")
    # She answers the ruler only, and stops for now.
    response = post(client, "screening", {"importance": "6"}, action="later")
    assert response.url == "/me/"

    client.post("/accounts/logout/")
    assert client.get("/client/intake/").status_code == 302
    assert client.login(email=alice.email, password=PASSWORD)

    assert client.get("/client/intake/").url == STEP.format("screening")
    page = client.get(STEP.format("screening")).content.decode()
    assert re.search(r'name="importance" value="6"', page)
    intake = Intake.objects.get(client=alice)
    assert (intake.status, intake.steps_done) == (Intake.Status.DRAFT, ["about", "reasons"])
    assert answers(intake, "preferred_name", "substances", "treatment", "goal") == (
        "Ali", ["alcohol", "opioids"], "buprenorphine", "cut_down")
    assert answers(intake, "importance", "audit_c_answers") == (6, None)


def test_a_half_answered_screen_is_kept_in_the_draft_but_not_scored(client, alice):
    client.force_login(alice)
    post(client, "about", ABOUT)
    post(client, "reasons", REASONS)
    post(client, "screening", {"audit_1": "2", "dast_3": "yes"}, action="later")
    intake = Intake.objects.get(client=alice)
    assert answers(intake, "audit_c_answers") == ([2, None, None],)
    assert answers(intake, "dast_answers") == ([None, None, True, None, None, None, None, None, None, None],)
    assert answers(intake, "audit_c_score", "dast_score", "steps_done") == (None, None, ["about", "reasons"])
    page = client.get(STEP.format("screening")).content.decode()
    assert re.search(r'name="audit_1" value="2"[^>]*checked', page)


def test_a_step_cannot_be_skipped(client, alice):
    client.force_login(alice)
    post(client, "about", ABOUT)
    assert client.get(STEP.format("safety")).url == STEP.format("reasons")
    assert client.get(STEP.format("no-such-step")).status_code == 404


def test_saving_a_step_to_move_on_asks_for_what_is_needed(client, alice):
    client.force_login(alice)
    response = post(client, "about", {**ABOUT, "preferred_name": "", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert Intake.objects.get(client=alice).steps_done == []
    assert "This field is required." in response.content.decode()


def test_screening_asks_audit_c_for_alcohol_and_dast_10_for_other_drugs(client, alice):
    client.force_login(alice)
    post(client, "about", ABOUT)
    post(client, "reasons", {**REASONS, "substances": ["alcohol"]})
    page = client.get(STEP.format("screening")).content.decode()
    assert ("How often do you have a drink containing alcohol?" in page, "Are you always able to stop" in page) == (True, False)

    post(client, "reasons", {**REASONS, "substances": ["cannabis"]})
    page = client.get(STEP.format("screening")).content.decode()
    assert ("How often do you have a drink containing alcohol?" in page, "Are you always able to stop" in page) == (False, True)


def test_changing_the_substances_reopens_the_screening_and_drops_scores_no_longer_asked(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    intake = Intake.objects.get(client=alice)
    assert answers(intake, "audit_c_score", "dast_score") == (4, 2)

    post(client, "reasons", {**REASONS, "substances": ["opioids"]})
    intake.refresh_from_db()
    assert intake.steps_done == ["about", "reasons"]
    assert answers(intake, "audit_c_answers", "audit_c_score", "dast_score", "dast_band") == (None, None, 2, "Low level")


def test_the_readiness_ruler_refuses_eleven(client, alice):
    client.force_login(alice)
    post(client, "about", ABOUT)
    post(client, "reasons", REASONS)
    response = post(client, "screening", {**SCREENING, "importance": "11"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    assert Intake.objects.get(client=alice).importance is None


def test_alice_fills_every_step_signs_and_sends_her_intake(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    assert post(client, "safety", SAFETY_NO).url == STEP.format("consents")
    response = client.post(STEP.format("consents"), {**CONSENTS, "action": "next"}, REMOTE_ADDR="203.0.113.9")
    assert response.url == "/client/intake/yours/"

    intake = Intake.objects.get(client=alice)
    assert (intake.status, intake.is_urgent, intake.steps_done) == (
        Intake.Status.SUBMITTED, False, ["about", "reasons", "screening", "safety", "consents"])
    assert answers(intake, "sex", "audit_c_answers", "audit_c_score", "audit_c_positive") == ("female", [2, 1, 1], 4, True)
    assert answers(intake, "dast_score", "dast_band", "importance", "confidence") == (2, "Low level", 8, 4)
    signed = Consent.objects.filter(client=alice).order_by("kind")
    assert [(c.kind, c.version, c.signed_name, c.ip) for c in signed] == [
        ("not_medical_care", "2026-11", "Alice Moreno", "203.0.113.9"),
        ("privacy", "2026-11", "Alice Moreno", "203.0.113.9"),
        ("share_with_coach", "2026-11", "Alice Moreno", "203.0.113.9"),
    ]
    assert signed.get(kind="privacy").text.startswith("What you write in your intake")
    assert [
        (e.action, e.details, e.ip) for e in AuditEvent.objects.filter(object_type="clients.intake").order_by("id")
    ] == [
        ("intake.saved", {"step": "about", "complete": True}, "127.0.0.1"),
        ("intake.saved", {"step": "reasons", "complete": True}, "127.0.0.1"),
        ("intake.saved", {"step": "screening", "complete": True}, "127.0.0.1"),
        ("intake.saved", {"step": "safety", "complete": True}, "127.0.0.1"),
        ("intake.submitted", {"urgent": False}, "203.0.113.9"),
    ]
    # Once sent, it is read, not edited.
    assert client.get(STEP.format("about")).url == "/client/intake/yours/"


def test_the_intake_is_not_sent_without_the_required_agreements(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_NO)
    response = post(client, "consents", {"agree_share_with_coach": "on", "signed_name": "Alice Moreno"})
    assert response.status_code == 200
    assert Intake.objects.get(client=alice).status == Intake.Status.DRAFT
    assert Consent.objects.filter(client=alice).count() == 0


def test_sharing_with_the_coach_is_optional(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_NO)
    post(client, "consents", {"agree_not_medical_care": "on", "agree_privacy": "on", "signed_name": "Alice Moreno"})
    assert Intake.objects.get(client=alice).status == Intake.Status.SUBMITTED
    assert sorted(Consent.objects.filter(client=alice).values_list("kind", flat=True)) == ["not_medical_care", "privacy"]


def test_a_yes_to_the_safety_question_shows_crisis_resources_on_that_page_and_marks_the_intake_urgent(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    response = post(client, "safety", SAFETY_YES)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<section class="crisis-panel" id="crisis-resources" aria-labelledby="crisis-heading">' in page
    assert 'href="tel:988"' in page
    assert Intake.objects.get(client=alice).is_urgent is True
    # Carrying on from there goes to the last step.
    assert post(client, "safety", SAFETY_YES).url == STEP.format("consents")


def test_a_no_to_the_safety_question_keeps_the_crisis_panel_hidden(client, bob):
    client.force_login(bob)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_NO)
    page = client.get(STEP.format("safety")).content.decode()
    assert 'aria-labelledby="crisis-heading" hidden>' in page
    assert Intake.objects.get(client=bob).is_urgent is False


def test_an_urgent_intake_e_mails_the_admins_at_once(client, alice, erin, mailoutbox, eager_tasks, django_capture_on_commit_callbacks):
    client.force_login(alice)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_YES)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(client, "consents", CONSENTS)
    assert len(callbacks) == 1
    intake = Intake.objects.get(client=alice)
    assert [(m.subject, m.to) for m in mailoutbox] == [("An intake is waiting for an urgent look", [erin.email])]
    assert f"/client/intakes/review/{intake.pk}/" in mailoutbox[0].body
    # This window's alert went at once; the next window's picks up any that follow (none did).
    assert list(
        OwedWork.objects.filter(kind=URGENT_ALERT).order_by("due_at").values_list("about", "payload", "status", "attempts")
    ) == [
        (f"admin:{erin.pk}", {"admin_id": erin.pk, "intake_ids": [intake.pk]}, OwedStatus.DONE, 1),
        (f"admin:{erin.pk}", {"admin_id": erin.pk}, OwedStatus.PENDING, 0),
    ]


def test_a_calm_intake_sends_no_alert(client, bob, erin, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(bob)
    fill_up_to_safety(client)
    post(client, "safety", SAFETY_NO)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, "consents", CONSENTS)
    assert (callbacks, mailoutbox) == ([], [])
    assert OwedWork.objects.filter(kind=URGENT_ALERT).count() == 0


def test_a_sent_intake_cannot_be_saved_again(alice):
    intake = IntakeFactory(client=alice)
    form = AboutForm({"preferred_name": "A", "time_zone": "UTC", "language": "English"}, intake=intake)
    assert form.is_valid()
    with pytest.raises(ValidationError):
        flow.save_step(intake, "about", form, complete=True)


def test_after_a_question_from_the_team_alice_edits_and_sends_again(client, alice):
    intake = IntakeFactory(client=alice, status=Intake.Status.MORE_INFO)
    sign_all_consents(alice)
    intake.reviews.create(action="more_info", message="Which medication are you taking at the moment?")
    client.force_login(alice)
    page = client.get(STEP.format("about")).content.decode()
    assert "Which medication are you taking at the moment?" in page

    post(client, "reasons", {**REASONS, "substances": ["alcohol"], "treatment": "naltrexone"})
    page = client.get(STEP.format("consents")).content.decode()
    assert "Signed by Alice Moreno on" in page
    response = post(client, "consents", {})
    assert response.url == "/client/intake/yours/"
    intake.refresh_from_db()
    assert answers(intake, "status", "treatment") == (Intake.Status.SUBMITTED, "naltrexone")
    assert list(AuditEvent.objects.filter(action__startswith="intake.re").values_list("action", flat=True)) == ["intake.resubmitted"]


def test_alices_space_says_where_her_intake_stands(client, alice):
    client.force_login(alice)
    assert "A few questions, about ten minutes" in client.get("/me/").content.decode()
    post(client, "about", ABOUT)
    assert "You have started your intake. Your answers so far are saved." in client.get("/me/").content.decode()
    Intake.objects.filter(client=alice).update(status=Intake.Status.APPROVED)
    assert "You are matched with a coach and can book sessions." in client.get("/me/").content.decode()


def test_carol_sees_the_clients_she_is_matched_with(client, alice, bob, carol, erin):
    from clients.models import CoachAssignment

    alices = IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    sign_all_consents(alice)
    IntakeFactory(client=bob, status=Intake.Status.APPROVED)
    sign_all_consents(bob, share=False)
    for person in (alice, bob):
        CoachAssignment.objects.create(client=person, coach=carol, assigned_by=erin)
    client.force_login(carol)
    page = client.get("/client/intakes/coach/").content.decode()
    assert f'href="/client/intakes/{alices.pk}/">read their intake</a>' in page
    assert page.count("read their intake") == 1
    assert "their intake is not shared with coaches" in page


def test_an_unfinished_intake_is_not_sent_and_nothing_is_signed(alice):
    from clients import consents

    intake = IntakeFactory(client=alice, status=Intake.Status.DRAFT, submitted_at=None, steps_done=["about", "reasons"])
    with pytest.raises(ValidationError) as refused:
        flow.sign_and_submit(intake, documents=consents.DOCUMENTS, signed_name="Alice Moreno")
    assert refused.value.messages == [
        "Please complete \u201cA few questions about use\u201d.",
        "Please complete \u201cYour safety\u201d.",
    ]
    assert Consent.objects.filter(client=alice).count() == 0
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DRAFT
