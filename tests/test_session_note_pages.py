"""The coach's sessions page, note page and client record; the client's summaries; the admin's list."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from bookings.models import Booking, SessionNote, Status
from clients.models import ProgressSettings
from bookings import notes
from bookings.tasks import complete_past_sessions
from tests.factories import bookable_coach, past_session

pytestmark = pytest.mark.django_db

SHARED = {"summary": "We mapped out your evenings.", "homework": "Try one alcohol-free evening.", "next_steps": "Meet next week."}


@pytest.fixture
def carols(carol):
    return bookable_coach(carol)


@pytest.fixture
def yesterday(carols, alice):
    return past_session(*carols, alice, days_ago=1)


def test_the_calendar_asks_for_an_outcome_then_shows_the_missing_note(client, carol, yesterday):
    client.force_login(carol)
    html = client.get(reverse("coaching:sessions")).content.decode()
    assert "1 past session needs an outcome or a signed note." in html
    assert reverse("coaching:mark_completed", args=[yesterday.pk]) in html

    response = client.post(reverse("coaching:mark_completed", args=[yesterday.pk]))
    assert response["Location"] == reverse("coaching:session_note", args=[yesterday.pk])
    assert Booking.objects.get(pk=yesterday.pk).status == Status.COMPLETED
    html = client.get(reverse("coaching:sessions")).content.decode()
    assert '<span class="badge urgent">Note missing</span>' in html

    notes.use_note(carol, yesterday, notes.SIGN, **SHARED)
    html = client.get(reverse("coaching:sessions")).content.decode()
    assert "Every past session has its outcome and a signed note." in html
    assert '<span class="badge ok">Signed</span>' in html


def test_a_coach_marks_a_missed_session(client, carol, yesterday):
    client.force_login(carol)
    client.post(reverse("coaching:mark_missed", args=[yesterday.pk]))
    assert Booking.objects.get(pk=yesterday.pk).status == Status.NO_SHOW
    assert AuditEvent.objects.filter(action="booking.no_show", actor_email="carol@example.com").count() == 1


def test_a_session_not_yet_ended_cannot_be_completed(client, carol, carols, alice):
    soon = past_session(*carols, alice, hours=-3)
    client.force_login(carol)
    client.post(reverse("coaching:mark_completed", args=[soon.pk]))
    assert Booking.objects.get(pk=soon.pk).status == Status.CONFIRMED


def test_the_coach_saves_a_draft_and_signs_through_the_page(client, carol, yesterday):
    client.force_login(carol)
    url = reverse("coaching:session_note", args=[yesterday.pk])
    form = {"format": "dap", "private_data": "Talked about work.", "private_assessment": "", "private_plan": "Diary.", **SHARED}
    assert client.post(url, {**form, "action": "save_draft"})["Location"] == url
    assert client.post(url, {**form, "action": "sign"})["Location"] == url + "?confirm=sign"
    asked = client.get(url + "?confirm=sign").content.decode()
    assert "Signing cannot be undone." in asked and 'value="sign_confirmed"' in asked
    assert SessionNote.objects.get(booking=yesterday).signed_at is None
    assert client.post(url, {"action": "sign_confirmed"})["Location"] == url
    html = client.get(url).content.decode()
    assert "Signed by Carol Rivera on" in html
    assert "<dt>Data</dt><dd>Talked about work.</dd>" in html
    # A signed note refuses an edit sent to the server anyway.
    client.post(url, {**form, "private_data": "Rewritten.", "action": "save_draft"})
    assert notes.use_note(carol, yesterday, notes.READ).sections[0] == ("data", "Data", "Talked about work.")
    client.post(url, {"action": "addendum", "text": "Called to check in.", "shared_with_client": "on"})
    assert [a.text for a in notes.use_note(carol, yesterday, notes.READ).addenda] == ["Called to check in."]


def test_an_edit_of_a_signed_note_meets_the_rule_first_with_its_audit_line_not_a_server_error(client, carol, yesterday):
    notes.use_note(carol, yesterday, notes.SIGN, private={"data": "Talked about work."}, **SHARED)
    client.force_login(carol)
    url = reverse("coaching:session_note", args=[yesterday.pk])
    edit = {"format": "dap", "private_data": "Rewritten.", "private_assessment": "", "private_plan": "", **SHARED}

    answer = client.post(url, {**edit, "action": "save_draft"}, follow=True)

    assert answer.redirect_chain == [(url, 302)]
    assert "This note is signed and locked. You can add a dated addendum below." in answer.content.decode()
    refused = AuditEvent.objects.get(action="note.edit_refused")
    assert (refused.actor_email, refused.details) == ("carol@example.com", {"booking_id": yesterday.pk, "attempted": "save_draft"})
    assert notes.use_note(carol, yesterday, notes.READ).sections[0] == ("data", "Data", "Talked about work.")


def test_coach_dave_gets_404_on_carols_session_pages(client, dave, carol, yesterday):
    notes.use_note(carol, yesterday, notes.SIGN, **SHARED)
    client.force_login(dave)
    assert client.get(reverse("coaching:session_note", args=[yesterday.pk])).status_code == 404
    assert client.post(reverse("coaching:mark_missed", args=[yesterday.pk])).status_code == 404
    assert client.get(reverse("coaching:client_record", args=[yesterday.client_id])).status_code == 404


def test_the_client_record_shows_sessions_and_the_shared_log(client, carol, alice, yesterday):
    client.force_login(carol)
    html = client.get(reverse("coaching:client_record", args=[alice.pk])).content.decode()
    assert "<h1>Alice Moreno</h1>" in html
    assert "Alice Moreno has not shared their progress log." in html
    ProgressSettings.objects.create(client=alice, share_with_coach=True)
    html = client.get(reverse("coaching:client_record", args=[alice.pk])).content.decode()
    assert reverse("clients:progress_shared", args=[alice.pk]) in html
    assert client.get(reverse("clients:progress_shared", args=[alice.pk])).status_code == 200


def test_a_coach_with_only_an_expired_hold_does_not_know_the_client(client, carol, carols, bob):
    past_session(*carols, bob, days_ago=3, status=Status.EXPIRED)
    ProgressSettings.objects.create(client=bob, share_with_coach=True)
    client.force_login(carol)
    assert client.get(reverse("coaching:client_record", args=[bob.pk])).status_code == 404
    assert client.get(reverse("clients:progress_shared", args=[bob.pk])).status_code == 404


def test_alice_reads_her_summary_and_bob_cannot(client, carol, alice, bob, yesterday):
    notes.use_note(carol, yesterday, notes.SIGN, private={"data": "Private words."}, **SHARED)
    client.force_login(alice)
    assert reverse("coaching:summary", args=[yesterday.pk]) in client.get(reverse("coaching:summaries")).content.decode()
    html = client.get(reverse("coaching:summary", args=[yesterday.pk])).content.decode()
    assert "<h2>Homework</h2>\n  <p>Try one alcohol-free evening.</p>" in html
    assert "Private words." not in html
    client.force_login(bob)
    assert client.get(reverse("coaching:summary", args=[yesterday.pk])).status_code == 404
    assert client.get(reverse("coaching:summaries")).content.decode().count(reverse("coaching:summary", args=[yesterday.pk])) == 0


def test_erin_sees_the_note_exists_and_its_history_not_its_text(client, carol, erin, yesterday):
    notes.use_note(carol, yesterday, notes.SIGN, private={"data": "Private words."}, **SHARED)
    client.force_login(erin)
    listing = client.get(reverse("coaching:admin_notes")).content.decode()
    assert "Signed" in listing and "by Carol Rivera" in listing
    html = client.get(reverse("coaching:admin_note", args=[yesterday.pk])).content.decode()
    assert "note.signed" in html and "note.inspected" in html
    for words in ["Private words.", "evenings", "alcohol-free evening"]:
        assert words not in listing and words not in html
    assert client.get(reverse("coaching:session_note", args=[yesterday.pk])).status_code == 403


def test_the_week_calendar_says_how_many_sessions_wait_for_a_note(client, carol, yesterday):
    client.force_login(carol)
    html = client.get(reverse("coaching:calendar")).content.decode()
    assert "1 past session needs an outcome or a signed note." in html
    assert reverse("coaching:sessions") in html
    transitions_complete = client.post(reverse("coaching:mark_completed", args=[yesterday.pk]))
    assert transitions_complete.status_code == 302
    assert "1 past session needs an outcome or a signed note." in client.get(reverse("coaching:calendar")).content.decode()
    notes.use_note(carol, yesterday, notes.SIGN, **SHARED)
    assert "needs an outcome or a signed note" not in client.get(reverse("coaching:calendar")).content.decode()


def test_the_booking_page_leads_to_the_note_and_to_the_summary(client, carol, alice, yesterday):
    client.force_login(carol)
    html = client.get(reverse("bookings:detail", args=[yesterday.pk])).content.decode()
    assert reverse("coaching:session_note", args=[yesterday.pk]) in html
    client.force_login(alice)
    assert reverse("coaching:summary", args=[yesterday.pk]) not in client.get(reverse("bookings:detail", args=[yesterday.pk])).content.decode()
    notes.use_note(carol, yesterday, notes.SIGN, **SHARED)
    assert reverse("coaching:summary", args=[yesterday.pk]) in client.get(reverse("bookings:detail", args=[yesterday.pk])).content.decode()


def test_a_session_the_clock_completed_can_still_be_marked_missed_for_a_week(client, carol, yesterday):
    complete_past_sessions()
    assert Booking.objects.get(pk=yesterday.pk).status == Status.COMPLETED
    client.force_login(carol)
    missed = reverse("coaching:mark_missed", args=[yesterday.pk])
    assert missed in client.get(reverse("coaching:sessions")).content.decode()

    client.post(missed)

    assert Booking.objects.get(pk=yesterday.pk).status == Status.NO_SHOW


def test_a_session_that_ended_more_than_a_week_ago_cannot_be_marked_missed(client, carol, carols, alice):
    old = past_session(*carols, alice, days_ago=8, status=Status.COMPLETED)
    client.force_login(carol)
    missed = reverse("coaching:mark_missed", args=[old.pk])
    assert missed not in client.get(reverse("coaching:sessions")).content.decode()

    client.post(missed)

    assert Booking.objects.get(pk=old.pk).status == Status.COMPLETED
