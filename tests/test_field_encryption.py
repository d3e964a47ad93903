"""Encrypted fields: ciphertext at rest, loud on a wrong key, silent in logs, rotatable."""

import datetime
import logging
import pickle

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clients.models import CheckIn, Goal, GoalKind
from core.encryption import Secret, UndecryptableValue
from core.rotation import rotate_model

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
NOTE = "Felt the pull after the argument with my sister, went for a walk instead."


def raw_column(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def check_in(client, day, note=NOTE):
    return CheckIn.objects.create(client=client, day=day, cravings=4, mood=3, note=note)


def test_a_raw_sql_read_shows_only_ciphertext(alice):
    entry = check_in(alice, datetime.date(2026, 3, 2))
    stored = raw_column("clients_checkin", "note", entry.pk)
    assert stored.startswith("gAAAAA")
    assert "walk" not in stored and "sister" not in stored
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == NOTE


def test_the_same_note_twice_is_two_different_ciphertexts(alice):
    first = check_in(alice, datetime.date(2026, 3, 2))
    second = check_in(alice, datetime.date(2026, 3, 3))
    assert raw_column("clients_checkin", "note", first.pk) != raw_column("clients_checkin", "note", second.pk)


def test_repr_str_and_logs_never_show_the_text(alice, caplog):
    entry = CheckIn.objects.get(pk=check_in(alice, datetime.date(2026, 3, 2)).pk)
    assert repr(entry.note) == f"<Secret: {len(NOTE)} characters hidden>"
    assert str(entry.note) == f"<Secret: {len(NOTE)} characters hidden>"
    assert f"{entry.note}" == f"<Secret: {len(NOTE)} characters hidden>"
    with caplog.at_level(logging.INFO):
        logging.getLogger("waypoint.test").info("saving %s / %r", entry.note, {"note": entry.note})
    assert "walk" not in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(entry.note)


def test_an_assigned_plain_string_reads_back_sealed(alice):
    entry = check_in(alice, datetime.date(2026, 3, 2))
    entry.note = "new words"
    assert isinstance(entry.note, Secret)
    assert entry.note.reveal() == "new words"
    entry.save()
    entry.refresh_from_db()
    assert entry.note.reveal() == "new words"


def test_a_wrong_key_fails_loudly_instead_of_returning_ciphertext(alice, settings):
    entry = check_in(alice, datetime.date(2026, 3, 2))
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(UndecryptableValue, match="could not be opened"):
        CheckIn.objects.get(pk=entry.pk)


def test_searching_by_content_is_refused(alice):
    check_in(alice, datetime.date(2026, 3, 2))
    with pytest.raises(Exception, match="Unsupported lookup 'icontains'"):
        list(CheckIn.objects.filter(note__icontains="walk"))


def test_rotate_then_drop_the_old_key_leaves_every_value_readable(alice, bob, settings):
    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    entries = [check_in(alice, datetime.date(2026, 3, 1) + datetime.timedelta(days=n), note=f"day {n}") for n in range(7)]
    entries.append(check_in(bob, datetime.date(2026, 3, 1), note=""))
    goal = Goal.objects.create(client=alice, kind=GoalKind.MEDICATION_DAILY, own_words="steady mornings")
    before = {e.pk: raw_column("clients_checkin", "note", e.pk) for e in entries}

    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_note_keys", "--batch-size", "3", stdout=open("/dev/null", "w"))

    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    assert {e.pk: CheckIn.objects.get(pk=e.pk).note.reveal() for e in entries} == {
        **{e.pk: f"day {n}" for n, e in enumerate(entries[:7])},
        entries[7].pk: "",
    }
    assert Goal.objects.get(pk=goal.pk).own_words.reveal() == "steady mornings"
    after = {e.pk: raw_column("clients_checkin", "note", e.pk) for e in entries}
    assert all(before[pk] != after[pk] for pk in before)


def test_rotation_without_the_old_key_stops_and_loses_nothing(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    entry = check_in(alice, datetime.date(2026, 3, 2))
    stored = raw_column("clients_checkin", "note", entry.pk)

    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(CommandError, match="Is every old key still in the list"):
        call_command("rotate_note_keys", stdout=open("/dev/null", "w"))
    assert raw_column("clients_checkin", "note", entry.pk) == stored

    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == NOTE


def test_rotation_counts_rows_in_batches(alice, settings):
    for n in range(5):
        check_in(alice, datetime.date(2026, 3, 1) + datetime.timedelta(days=n))
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, *settings.NOTE_ENCRYPTION_KEYS]
    assert rotate_model(CheckIn, [CheckIn._meta.get_field("note")], batch_size=2) == 5
