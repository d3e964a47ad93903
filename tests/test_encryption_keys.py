"""Keys that are checked at start-up, a key of its own for every encrypted field, and a
rotation that can prove it is finished."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection

from clients.models import CheckIn, Goal, GoalKind
from config.checks import encryption_keys
from config.management.commands.rotate_encryption_keys import Command as RotateCommand
from core.encryption import UndecryptableValue, derive_key

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
HINT = "Keys are comma-separated, newest first."


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def write_raw(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])


def verify():
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--verify", stdout=out)
    return out.getvalue()


def rotate():
    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=io.StringIO())


# --- the start-up check --------------------------------------------------------------------


def test_the_configured_keys_pass_the_check():
    assert encryption_keys() == []


def test_an_empty_key_list_is_refused_at_start_up(settings):
    settings.NOTE_ENCRYPTION_KEYS = []
    assert encryption_keys() == [
        Error("NOTE_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.", hint=HINT, id="waypoint.E005")
    ]
    with pytest.raises(SystemCheckError, match="waypoint.E005"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_key_that_is_not_a_fernet_key_is_refused_without_being_echoed(settings):
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, "not-a-key-but-a-secret-nonetheless"]
    errors = encryption_keys()
    assert [(error.id, error.msg.split(" (")[0]) for error in errors] == [
        ("waypoint.E006", "Key 2 of 2 in NOTE_ENCRYPTION_KEYS is not a Fernet key")
    ]
    assert "secret-nonetheless" not in errors[0].msg
    with pytest.raises(SystemCheckError, match="waypoint.E006"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


# --- a key per field --------------------------------------------------------------------------


def test_a_token_copied_into_another_column_does_not_open(alice):
    entry = CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=2, mood=3, note="called my sponsor")
    goal = Goal.objects.create(client=alice, kind=GoalKind.MEDICATION_DAILY, own_words="steady mornings")
    write_raw("clients_goal", "own_words", goal.pk, raw("clients_checkin", "note", entry.pk))
    with pytest.raises(UndecryptableValue, match="clients.Goal.own_words"):
        Goal.objects.get(pk=goal.pk)
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == "called my sponsor"


def test_each_field_seals_under_the_key_derived_for_its_label(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    entry = CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=2, mood=3, note="a long walk")
    stored = raw("clients_checkin", "note", entry.pk).encode()
    # Padded with NUL to 128 bytes, so the token does not tell how short the note is.
    assert Fernet(derive_key(NEW_KEY, "clients.CheckIn.note")).decrypt(stored) == b"a long walk".ljust(128, b"\0")
    with pytest.raises(InvalidToken):
        Fernet(NEW_KEY).decrypt(stored)


def test_a_value_sealed_under_the_key_itself_still_opens_until_rotation_moves_it(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    entry = CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=2, mood=3, note="")
    write_raw("clients_checkin", "note", entry.pk, Fernet(NEW_KEY).encrypt(b"written before field keys").decode())
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == "written before field keys"
    with pytest.raises(CommandError, match=r"1 values do not open with the newest key: clients.CheckIn.note \(1\)"):
        verify()

    rotate()
    assert "Verified: every encrypted value opens with the newest key." in verify()
    settings.ENCRYPTION_RAW_KEY_FALLBACK = False
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == "written before field keys"


def test_with_the_fallback_off_a_value_under_the_key_itself_is_refused(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    entry = CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=2, mood=3, note="")
    write_raw("clients_checkin", "note", entry.pk, Fernet(NEW_KEY).encrypt(b"planted").decode())
    settings.ENCRYPTION_RAW_KEY_FALLBACK = False
    with pytest.raises(UndecryptableValue):
        CheckIn.objects.get(pk=entry.pk)


# --- rotation and its proof ------------------------------------------------------------------


def test_verify_fails_until_every_value_is_under_the_newest_key(alice, bob, settings):
    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    for day in range(1, 4):
        CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, day), cravings=1, mood=3, note=f"day {day}")
    Goal.objects.create(client=bob, kind=GoalKind.MEDICATION_DAILY, own_words="steady")
    Goal.objects.create(client=bob, kind=GoalKind.NO_USE_ON_WEEKDAYS)  # an empty text is sealed too
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(CommandError) as refused:
        verify()
    assert str(refused.value).startswith(
        "5 values do not open with the newest key: clients.CheckIn.note (3), clients.Goal.own_words (2)."
    )

    rotate()
    assert verify().splitlines()[-1] == "Verified: every encrypted value opens with the newest key."
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    assert sorted(entry.note.reveal() for entry in CheckIn.objects.all()) == ["day 1", "day 2", "day 3"]


def test_verify_exits_non_zero_from_the_command_line(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=1, mood=3, note="x")
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    command = RotateCommand(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "rotate_encryption_keys", "--verify"])
    assert exited.value.code == 1


def test_the_old_command_name_still_rotates(alice, settings):
    settings.NOTE_ENCRYPTION_KEYS = [OLD_KEY]
    entry = CheckIn.objects.create(client=alice, day=datetime.date(2026, 3, 2), cravings=1, mood=3, note="x")
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_note_keys", stdout=io.StringIO())
    settings.NOTE_ENCRYPTION_KEYS = [NEW_KEY]
    assert CheckIn.objects.get(pk=entry.pk).note.reveal() == "x"
