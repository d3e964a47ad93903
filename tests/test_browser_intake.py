"""Alice fills her intake on a phone, step by step, and every page passes axe; Erin reviews it."""

import pytest
from django.test import Client

from clients.models import Intake
from coaching.models import CoachProfile, Specialty
from tests.browser import axe_violations
from tests.factories import PASSWORD, answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page, live_server, user):
    """Reuse a server-side log-in (staff already have two-step sign-in set up)."""
    django_client = Client()
    django_client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "url": live_server.url}])


def answer(page, question, option):
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def test_alice_fills_her_intake_on_a_phone_and_erin_approves_it(live_server, page, alice, erin, carol, eager_tasks, mailoutbox):
    CoachProfile.objects.create(user=carol, display_name="Carol Rivera", specialties=[Specialty.ALCOHOL], languages=["English"])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server.url + "/me/")
    page.get_by_role("link", name="Start your intake").click()

    # 1. About you
    page.wait_for_url("**/client/intake/step/about/")
    assert page.get_by_role("heading", level=1).inner_text() == "About you"
    assert axe_violations(page) == []
    page.get_by_label("What would you like us to call you?").fill("Ali")
    page.get_by_label("Your time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Save and continue").click()

    # 2. What brings you here
    page.wait_for_url("**/client/intake/step/reasons/")
    assert axe_violations(page) == []
    page.get_by_label("Alcohol", exact=True).check()
    page.get_by_label("Opioids", exact=True).check()
    answer(page, "Are you on medication-assisted treatment at the moment?", "Suboxone / buprenorphine")
    answer(page, "What would you like to work toward?", "Cut down / controlled drinking or use")
    page.get_by_role("button", name="Save and continue").click()

    # 3. Screening: AUDIT-C for alcohol, DAST-10 for opioids, and the ruler
    page.wait_for_url("**/client/intake/step/screening/")
    assert axe_violations(page) == []
    answer(page, "Your sex (optional)", "Female")
    answer(page, "How often do you have a drink containing alcohol?", "2 to 3 times a week")
    answer(page, "How many standard drinks containing alcohol do you have on a typical day?", "1 or 2")
    answer(page, "How often do you have six or more drinks on one occasion?", "Never")
    for group in page.locator("main").get_by_role("group").all():
        name = group.locator("legend").inner_text()
        if name.startswith("Are you always able to stop"):
            group.get_by_label("Yes", exact=True).check()
        elif name.startswith(("Have you", "Do you", "Does your")):
            group.get_by_label("No", exact=True).check()
    page.get_by_label("How important is this change to you right now?").fill("8")
    page.get_by_label("How confident are you that you could make this change?").fill("5")
    page.get_by_role("button", name="Save and continue").click()

    # 4. Safety: a yes shows the crisis resources at once, before anything is sent
    page.wait_for_url("**/client/intake/step/safety/")
    crisis = page.get_by_role("region", name="Thank you for telling us. You do not have to carry this alone.")
    assert crisis.is_visible() is False
    answer(page, "In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?", "Yes")
    assert crisis.is_visible() is True
    assert crisis.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"
    answer(page, "In the past year, have you had an overdose, or been revived by someone?", "No")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save and continue").click()
    # The server shows the resources again with the saved answer; she carries on when ready.
    assert crisis.is_visible() is True
    page.get_by_role("button", name="Save and continue").click()

    # 5. Agreements
    page.wait_for_url("**/client/intake/step/consents/")
    assert axe_violations(page) == []
    page.get_by_label("I have read and agree to \u201cCoaching is not medical care or an emergency service\u201d").check()
    page.get_by_label("I have read and agree to \u201cYour privacy and how we keep records\u201d").check()
    page.get_by_label("I agree to share my intake as described in \u201cSharing your intake with your coach\u201d (optional)").check()
    page.get_by_label("Type your full name to sign").fill("Alice Moreno")
    page.get_by_role("button", name="Sign and send my intake").click()

    page.wait_for_url("**/client/intake/yours/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your intake"
    assert axe_violations(page) == []
    intake = Intake.objects.get(client=alice)
    assert answers(intake, "status", "is_urgent", "audit_c_score", "dast_score") == ("submitted", True, 3, 0)

    # Erin sees it first in her queue and approves it, matching Carol.
    page.context.clear_cookies()
    sign_in_as(page, live_server, erin)
    page.goto(live_server.url + "/client/intakes/review/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ali").click()
    page.wait_for_url(f"**/client/intakes/review/{intake.pk}/")
    assert axe_violations(page) == []
    page.get_by_label("Carol Rivera").check()
    page.get_by_role("button", name="Approve and match").click()
    page.wait_for_url("**/client/intakes/review/")
    assert page.get_by_role("status").inner_text() == "Approved, and the client has been told by e-mail."
    intake.refresh_from_db()
    assert intake.status == "approved"
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("An intake is waiting for an urgent look", [erin.email]),
        ("Waypoint: your next step is ready", [alice.email]),
    ]


def test_without_javascript_a_yes_shows_the_crisis_resources_once_saved(live_server, chromium, bob):
    from tests.factories import IntakeFactory

    IntakeFactory(client=bob, status=Intake.Status.DRAFT, submitted_at=None, steps_done=["about", "reasons", "screening"],
                  thoughts_of_self_harm=None, overdose_past_year=None)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_as(page, live_server, bob)
        page.goto(live_server.url + "/client/intake/step/safety/")
        crisis = page.get_by_role("region", name="Thank you for telling us. You do not have to carry this alone.")
        answer(page, "In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?", "Yes")
        answer(page, "In the past year, have you had an overdose, or been revived by someone?", "Yes")
        assert crisis.is_visible() is False
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
        assert crisis.is_visible() is True
        assert page.url == live_server.url + "/client/intake/step/safety/"
        # (axe needs JavaScript; the first test checks this page with it on.)
        assert Intake.objects.get(client=bob).is_urgent is True
    finally:
        context.close()
