"""Demo data carries a published password and TOTP secret: it is made only in
development mode, and only in a database on this machine."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_development_mode_is_off(settings):
    settings.DEVELOPMENT_MODE = False
    with pytest.raises(CommandError, match="development mode is off"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_seed_demo_refuses_a_database_on_another_host(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HOST", "db.waypoint.example.org")
    with pytest.raises(CommandError, match="DATABASE_URL points at db.waypoint.example.org"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_demo_totp_code_refuses_a_database_on_another_host(monkeypatch, capsys):
    monkeypatch.setitem(connection.settings_dict, "HOST", "db.waypoint.example.org")
    with pytest.raises(CommandError, match="DATABASE_URL points at db.waypoint.example.org"):
        call_command("demo_totp_code")
    assert capsys.readouterr().out == ""


def test_demo_totp_code_prints_a_code_in_development(capsys):
    call_command("demo_totp_code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
