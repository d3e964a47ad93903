"""Fiona, worried about her son, signs up on a phone choosing "I'm worried about someone",
fills the family intake, is approved and matched with Dave, and books and pays for a family
session against localstripe. Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, Status
from coaching.models import Specialty
from families import review
from families.models import FamilyIntake
from tests.bookings_setup import register_webhook
from tests.browser import axe_violations
from tests.factories import bookable_coach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.intake_gate]

PASSWORD = "a-long-pass-phrase-42"


def answer(page, question, option):
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def next_step(page, slug):
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"**/family/intake/step/{slug}/")
    assert axe_violations(page) == []


def test_fiona_signs_up_worried_about_her_son_and_books_a_family_session(live_server, page, localstripe, dave, erin, mailoutbox):
    register_webhook(localstripe, live_server.url + "/bookings/stripe/webhook/")
    coach, _ = bookable_coach(dave, specialties=[Specialty.FAMILIES], min_notice_hours=12)
    family_session = coach.session_types.create(name="Family session", duration_minutes=50, price_cents=6000, for_families=True)

    # Sign up, choosing the second way in.
    page.goto(live_server.url + "/accounts/signup/")
    assert axe_violations(page) == []
    page.get_by_label("Email").fill("fiona@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_label("I\u2019m worried about someone").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + "/me/")
    assert axe_violations(page) == []
    expect(page.get_by_role("heading", name="Your own wellbeing")).to_be_visible()
    page.get_by_role("link", name="Start, continue or read your family intake").click()

    # 1. About you
    page.wait_for_url("**/family/intake/step/about/")
    assert axe_violations(page) == []
    page.get_by_label("What would you like us to call you?").fill("Fi")
    page.get_by_label("Where do you live?").select_option("US")
    page.get_by_label("Your time zone").select_option("America/Denver")
    # 2. Who you are worried about: everything optional
    next_step(page, "loved-one")
    answer(page, "How do you know them? (optional)", "I am their parent")
    page.get_by_label("What have you noticed that worries you? (optional)").fill("He sleeps all day.")
    # 3. What you hope for
    next_step(page, "hopes")
    page.get_by_label("Look after my own wellbeing", exact=True).check()
    page.get_by_label("Have better conversations with them", exact=True).check()
    # 4. Her own wellbeing: PSS-4 and the ruler
    next_step(page, "wellbeing")
    for group, option in zip(page.locator("main").get_by_role("group").all(), ["Fairly often", "Almost never", "Sometimes", "Sometimes"], strict=True):
        group.get_by_label(option, exact=True).check()
    page.get_by_label("How important is it to you to change how things are going for you right now?").fill("9")
    page.get_by_label("How confident are you that you could make that change?").fill("4")
    # 5. Safety: a yes to the overdose question shows how to respond at once
    next_step(page, "safety")
    overdose = page.get_by_role("region", name="If it happens again: how to respond to an overdose")
    violence = page.get_by_role("region", name="Your safety comes first")
    assert (overdose.is_visible(), violence.is_visible()) == (False, False)
    answer(page, "Are you ever afraid of the person you are worried about, or of what they might do?", "No")
    answer(page, "In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?", "No")
    answer(page, "Has the person you are worried about ever overdosed, or been revived by someone, at home or anywhere else?", "Yes")
    assert (overdose.is_visible(), violence.is_visible()) == (True, False)
    assert "Call 911. Say someone is not breathing" in overdose.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save and continue").click()
    expect(overdose).to_be_visible()  # the server keeps it in view with the saved answer
    next_step(page, "consents")
    # 6. Agreements
    page.get_by_label("I have read and agree to \u201cCoaching is not medical care or an emergency service\u201d").check()
    page.get_by_label("I have read and agree to \u201cYour privacy and how we keep records\u201d").check()
    page.get_by_label("I have read and agree to \u201cCoaching about someone you are worried about\u201d").check()
    page.get_by_label("Type your full name to sign").fill("Fiona Reyes")
    page.get_by_role("button", name="Sign and send my intake").click()
    page.wait_for_url("**/family/intake/yours/")
    assert axe_violations(page) == []
    intake = FamilyIntake.objects.get(client__email="fiona@example.com")
    assert (intake.status, intake.is_urgent) == (FamilyIntake.Status.SUBMITTED, True)

    # Erin approves and matches Dave, who works with families.
    review.approve(intake, coaches=[dave], by=erin)

    # The directory's families filter, Dave's page, a family session, and payment.
    page.goto(live_server.url + "/coaches/?specialty=families")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Dave Okafor").first.click()
    page.goto(f"{page.url.split('?')[0]}?type={family_session.pk}")
    assert axe_violations(page) == []
    page.locator("a.slot[aria-label^='Book Family session on ']").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your session"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    assert axe_violations(page) == []
    card = page.locator("#card-element")
    card.get_by_placeholder("number").fill("4242424242424242")
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("34")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("80202")
    page.get_by_role("button", name="Pay $60.00").click()
    page.wait_for_url("**/bookings/*/")
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    assert axe_violations(page) == []
    booking = Booking.objects.get(client__email="fiona@example.com")
    assert (booking.status, booking.session_type.for_families, booking.price_cents) == (Status.CONFIRMED, True, 6000)
