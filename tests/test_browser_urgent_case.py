"""Erin opens an urgent intake as a case: how to reach Bob, how long he has waited, and a
log of what was done, sealed at rest and on the audit trail. The alert's subject makes
the urgency plain without naming the reason."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from clients import emails
from clients.models import UrgentFollowUp
from core.discretion import indiscreet_words
from tests.browser import axe_violations
from tests.factories import IntakeFactory
from tests.test_browser_booking import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_erin_follows_up_an_urgent_intake_as_a_case(live_server, page, bob, erin):
    intake = IntakeFactory(
        client=bob,
        is_urgent=True,
        thoughts_of_self_harm=True,
        phone="+44 7700 900123",
        emergency_contact="Sam Lee, brother, +44 7700 900456",
        submitted_at=timezone.now() - timedelta(hours=2, minutes=5),
    )
    sign_in(page, live_server, erin)
    page.goto(f"{live_server.url}/client/intakes/review/{intake.pk}/")
    case = page.locator("#urgent-case")
    assert case.get_by_role("heading", level=2).inner_text() == "Urgent case: waiting 2\xa0hours, 5\xa0minutes"
    assert case.get_by_role("link", name="bob@example.com").get_attribute("href") == "mailto:bob@example.com"
    assert case.get_by_role("link", name="+44 7700 900123").get_attribute("href") == "tel:+44 7700 900123"
    assert "Sam Lee, brother, +44 7700 900456" in case.inner_text()
    assert "Nothing logged yet." in case.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []

    case.get_by_label("What was done").fill("Called, left a voicemail")
    case.get_by_role("button", name="Add to the log").click()
    assert page.locator(".messages").inner_text() == "Your note is saved in the case's log."
    assert page.locator("#urgent-case .follow-ups li").all_inner_texts()[0].endswith(
        "Erin Admin: Called, left a voicemail"
    )
    assert axe_violations(page) == []

    follow_up = UrgentFollowUp.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM clients_urgentfollowup WHERE id = %s", [follow_up.pk])
        assert "voicemail" not in cursor.fetchone()[0]
    logged = AuditEvent.objects.filter(action="intake.follow_up_logged", object_id=str(intake.pk))
    assert list(logged.values_list("actor__email", "details")) == [("erin@example.com", {"follow_up_id": follow_up.pk})]
    assert AuditEvent.objects.filter(action="intake.follow_ups_read", details__follow_up_ids=[follow_up.pk]).exists()


@pytest.mark.django_db
def test_an_empty_note_is_refused_in_words_and_others_cannot_log(client, bob, alice, carol, erin):
    intake = IntakeFactory(client=bob, is_urgent=True, thoughts_of_self_harm=True)
    url = f"/client/intakes/review/{intake.pk}/follow-up/"
    client.force_login(erin)
    answer = client.post(url, {"note": "   "})
    assert answer.status_code == 400 and "This field is required." in answer.content.decode()
    for person in (alice, carol):
        client.force_login(person)
        assert client.post(url, {"note": "Called"}).status_code in (403, 404)
    assert not UrgentFollowUp.objects.exists()
    calm = IntakeFactory(client=alice)
    client.force_login(erin)
    assert client.post(f"/client/intakes/review/{calm.pk}/follow-up/", {"note": "x"}).status_code == 404
    assert 'id="urgent-case"' not in client.get(f"/client/intakes/review/{calm.pk}/").content.decode()


def test_the_alert_subject_is_urgent_and_names_no_reason():
    assert (emails.URGENT_SUBJECT, emails.URGENT_SUBJECT_MANY) == (
        "An intake is waiting for an urgent look",
        "Intakes are waiting for an urgent look",
    )
    assert [indiscreet_words(s) for s in (emails.URGENT_SUBJECT, emails.URGENT_SUBJECT_MANY)] == [[], []]
