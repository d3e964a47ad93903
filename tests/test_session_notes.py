"""Session notes through their one door: encrypted, locked once signed, seen only by the
session's coach (whole), its client (shared part) and admins (existence and history)."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import Http404

from accounts.models import AuditEvent
from bookings.models import Status
from bookings import notes
from bookings.models import NoteAddendum, SessionNote
from core import tasks as outbox_tasks
from core.models import OwedWork
from tests.factories import bookable_coach, past_session, session_with_second_step

pytestmark = pytest.mark.django_db

PRIVATE = {"data": "Alice described three evenings of heavy drinking after work stress.", "assessment": "Ambivalent, motivated by sleep.", "plan": "Try a drink diary."}
SHARED = {"summary": "We talked about evenings and sleep.", "homework": "Keep a drink diary for a week.", "next_steps": "Review the diary together."}


@pytest.fixture
def session(alice, carol):
    coach, session_type = bookable_coach(carol)
    return past_session(coach, session_type, alice, status=Status.COMPLETED)


@pytest.fixture
def signed(session, carol):
    notes.use_note(carol, session, notes.SIGN, private=PRIVATE, **SHARED)
    return session


def raw_row(table, where_id):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [where_id])
        return " ".join(str(value) for value in cursor.fetchone())


def audit_actions():
    return list(AuditEvent.objects.filter(action__startswith="note.").order_by("id").values_list("action", "actor_email"))


def test_a_raw_sql_read_of_the_notes_table_shows_no_plaintext(signed, carol):
    note = SessionNote.objects.get(booking=signed)
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="Alice called: the diary helps.", shared_with_client=True)
    row = raw_row("coaching_sessionnote", note.pk) + raw_row("coaching_noteaddendum", NoteAddendum.objects.get().pk)
    for words in ["drinking", "Ambivalent", "diary", "evenings", "helps"]:
        assert words not in row
    assert row.count("gAAAAA") == 5


def test_the_coach_writes_a_draft_then_signs_it(session, carol):
    draft = notes.use_note(carol, session, notes.SAVE_DRAFT, format="soap", private={"subjective": "Tired.", "plan": "Rest."})
    assert (draft.format, draft.is_signed) == ("soap", False)
    assert draft.sections == [("subjective", "Subjective", "Tired."), ("objective", "Objective", ""), ("assessment", "Assessment", ""), ("plan", "Plan", "Rest.")]
    signed = notes.use_note(carol, session, notes.SIGN, summary="Rest matters.")
    assert (signed.is_signed, signed.signed_by_name) == (True, "Carol Rivera")
    assert signed.shared == [("summary", "Summary", "Rest matters."), ("homework", "Homework", ""), ("next_steps", "Next steps", "")]
    assert audit_actions() == [("note.draft_saved", "carol@example.com"), ("note.signed", "carol@example.com")]


def test_a_signed_note_refuses_edits_and_accepts_an_addendum(signed, carol):
    with pytest.raises(notes.NoteLocked, match="signed and locked"):
        notes.use_note(carol, signed, notes.SAVE_DRAFT, summary="Changed my mind.")
    with pytest.raises(notes.NoteLocked):
        notes.use_note(carol, signed, notes.SIGN, summary="Again.")
    view = notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="Alice called: the diary helps.")
    assert view.shared[0] == ("summary", "Summary", SHARED["summary"])
    assert [(a.author_name, a.text, a.shared_with_client) for a in view.addenda] == [("Carol Rivera", "Alice called: the diary helps.", False)]
    assert [a for a, _ in audit_actions()] == ["note.signed", "note.edit_refused", "note.edit_refused", "note.addendum_added"]


def test_the_database_itself_refuses_to_change_or_delete_a_signed_note(signed):
    note = SessionNote.objects.get(booking=signed)
    note.summary = "rewritten behind the door"
    with pytest.raises(DatabaseError, match="signed session note is locked"), transaction.atomic():
        note.save()
    with pytest.raises(DatabaseError, match="signed session note is locked"), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).update(signed_at=None, signed_by_name="")
    with pytest.raises(DatabaseError, match="DELETE refused"), transaction.atomic():
        SessionNote.objects.filter(pk=note.pk).delete()
    assert SessionNote.objects.get(pk=note.pk).summary.reveal() == SHARED["summary"]


def test_the_database_refuses_raw_sql_that_rewrites_unsigns_or_deletes_a_signed_note(signed):
    note = SessionNote.objects.get(booking=signed)
    attempts = [
        ("UPDATE coaching_sessionnote SET summary = 'rewritten in psql' WHERE id = %s", "add an addendum instead"),
        ("UPDATE coaching_sessionnote SET signed_at = NULL, signed_by_name = '' WHERE id = %s", "add an addendum instead"),
        ("DELETE FROM coaching_sessionnote WHERE id = %s", "DELETE refused"),
    ]
    for sql, refusal in attempts:
        with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [note.pk])

    kept = SessionNote.objects.get(pk=note.pk)
    assert (kept.summary.reveal(), kept.signed_at, kept.signed_by_name) == (SHARED["summary"], note.signed_at, "Carol Rivera")


def test_an_addendum_needs_a_signed_note(session, carol):
    with pytest.raises(notes.NoteRefused, match="follows a signed note"):
        notes.use_note(carol, session, notes.ADD_ADDENDUM, text="Too early.")


def test_a_note_waits_for_the_session_to_begin(alice, carol):
    coach, session_type = bookable_coach(carol)
    upcoming = past_session(coach, session_type, alice, days_ago=-2)
    with pytest.raises(notes.NoteRefused, match="once the session has begun"):
        notes.use_note(carol, upcoming, notes.SAVE_DRAFT, summary="Premature.")
    assert SessionNote.objects.count() == 0


def test_coach_dave_reading_carols_note_gets_404(signed, dave):
    for action in [notes.READ, notes.SAVE_DRAFT, notes.ADD_ADDENDUM, notes.READ_SHARED, notes.INSPECT]:
        with pytest.raises(Http404):
            notes.use_note(dave, signed, action, text="x")
    assert [a for a, _ in audit_actions()] == ["note.signed"]


def test_alice_sees_the_shared_part_and_never_the_private_part(signed, alice):
    summary = notes.use_note(alice, signed, notes.READ_SHARED)
    assert (summary.coach_name, summary.parts) == (
        "Carol Rivera",
        [("Summary", SHARED["summary"]), ("Homework", SHARED["homework"]), ("Next steps", SHARED["next_steps"])],
    )
    assert "drinking" not in repr(summary) and "Ambivalent" not in repr(summary)
    for action in [notes.READ, notes.SAVE_DRAFT, notes.INSPECT]:
        with pytest.raises(Http404):
            notes.use_note(alice, signed, action)


def test_alice_sees_only_shared_addenda(signed, alice, carol):
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="For Alice: the helpline number is on the help page.", shared_with_client=True)
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="Private: consider referral.", shared_with_client=False)
    summary = notes.use_note(alice, signed, notes.READ_SHARED)
    assert [a.text for a in summary.addenda] == ["For Alice: the helpline number is on the help page."]


def test_alice_cannot_read_a_draft_nor_bob_her_summary(session, alice, bob, carol):
    notes.use_note(carol, session, notes.SAVE_DRAFT, **SHARED)
    with pytest.raises(Http404):
        notes.use_note(alice, session, notes.READ_SHARED)
    notes.use_note(carol, session, notes.SIGN)
    with pytest.raises(Http404):
        notes.use_note(bob, session, notes.READ_SHARED)


def test_each_read_writes_one_audit_event(signed, alice, carol):
    notes.use_note(carol, signed, notes.READ)
    notes.use_note(carol, signed, notes.READ)
    notes.use_note(alice, signed, notes.READ_SHARED)
    assert audit_actions() == [
        ("note.signed", "carol@example.com"),
        ("note.read", "carol@example.com"),
        ("note.read", "carol@example.com"),
        ("note.read_shared", "alice@example.com"),
    ]


def test_erin_sees_that_the_note_exists_and_its_history_but_not_its_text(signed, alice, carol, erin):
    notes.use_note(alice, signed, notes.READ_SHARED)
    record = notes.use_note(erin, signed, notes.INSPECT)
    assert (record.state, record.signed_by_name, record.author_email, record.addenda_count) == ("signed", "Carol Rivera", "carol@example.com", 0)
    assert [(e.action, e.actor_email) for e in record.history] == [
        ("note.inspected", "erin@example.com"),
        ("note.read_shared", "alice@example.com"),
        ("note.signed", "carol@example.com"),
    ]
    everything = repr(record)
    for words in ["drinking", "Ambivalent", "diary", "evenings"]:
        assert words not in everything
    with pytest.raises(Http404):
        notes.use_note(erin, signed, notes.READ)


def test_rotating_keys_then_dropping_the_old_one_leaves_every_note_readable(signed, carol, settings):
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="Later: doing well.")
    old = settings.NOTE_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.NOTE_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_note_keys", "--batch-size", "1", stdout=open("/dev/null", "w"))
    settings.NOTE_ENCRYPTION_KEYS = [new]
    view = notes.use_note(carol, signed, notes.READ)
    assert [text for _, _, text in view.sections] == [PRIVATE["data"], PRIVATE["assessment"], PRIVATE["plan"]]
    assert [text for _, _, text in view.shared] == [SHARED["summary"], SHARED["homework"], SHARED["next_steps"]]
    assert [a.text for a in view.addenda] == ["Later: doing well."]
    assert view.signed_by_name == "Carol Rivera"


def test_an_error_report_from_the_note_page_shows_no_note_text(signed, carol, rf, monkeypatch):
    import sys

    from django.views.debug import ExceptionReporter

    from bookings.web import note_views

    def fail(*args, **kwargs):
        raise RuntimeError("the message store broke")

    monkeypatch.setattr(note_views.messages, "success", fail)
    request = rf.post(f"/coaches/sessions/{signed.pk}/note/", {"action": "addendum", "text": "secret addendum words"})
    request.user = carol
    request.session = session_with_second_step(carol)
    try:
        note_views.session_note(request, signed.pk)
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "the message store broke" in report and "session_note" in report
    for words in ["secret addendum words", "drinking", "Ambivalent", "evenings"]:
        assert words not in report
    view = notes.use_note(carol, signed, notes.READ)
    assert repr(view) == f"<CoachView {{'note_id': {view.note_id}, 'booking_id': {signed.pk}}} (text hidden)>"


def test_alice_is_e_mailed_discreetly_when_a_summary_or_a_shared_addendum_is_shared(signed, alice, carol, mailoutbox):
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="For me only.", shared_with_client=False)
    notes.use_note(carol, signed, notes.ADD_ADDENDUM, text="The diary helps.", shared_with_client=True)
    owed = OwedWork.objects.filter(kind="booking.summary_shared").order_by("pk")
    assert [work.payload for work in owed] == [{"booking_id": signed.pk}, {"booking_id": signed.pk}]

    for work in owed:
        outbox_tasks.deliver_owed.apply(kwargs={"work_ids": [work.pk]})

    day = signed.starts_at.astimezone(alice.zone)
    assert [(m.to, m.subject) for m in mailoutbox] == [(["alice@example.com"], f"A note from your session on {day:%A} {day.day} {day:%B}")] * 2
    assert f"/coaches/summaries/{signed.pk}/" in mailoutbox[0].body
    assert "diary" not in mailoutbox[0].body + mailoutbox[1].body


def test_a_note_with_nothing_shared_sends_alice_nothing(session, carol):
    notes.use_note(carol, session, notes.SIGN, private={"data": "Private only."})
    assert OwedWork.objects.filter(kind="booking.summary_shared").count() == 0
