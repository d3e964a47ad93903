"""seed_demo gives both demo coaches hours, session types and time off, and their pages render."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: nothing doubles
    return {p.user.email.split("@")[0]: p for p in CoachProfile.objects.select_related("user")}


def test_both_demo_coaches_have_sessions_hours_and_time_off(demo):
    assert sorted(demo) == ["carol", "dave"]
    for profile in demo.values():
        types = SessionType.objects.filter(coach=profile).order_by("price_cents")
        assert [(t.name, t.duration_minutes, t.price_cents, t.currency, t.is_free) for t in types] == [
            ("Free intro call", 20, 0, "usd", True),
            ("Coaching session", 50, 6000, "usd", False),
        ]
        assert TimeOff.objects.filter(coach=profile).count() == 1
    assert WeeklyHours.objects.filter(coach=demo["carol"]).count() == 11
    assert WeeklyHours.objects.filter(coach=demo["dave"]).count() == 9


def test_demo_coach_pages_show_open_times(client, demo):
    for profile in demo.values():
        for session_type in SessionType.objects.filter(coach=profile):
            response = client.get(reverse("coaching:coach", args=[profile.pk]), {"type": session_type.pk, "week": 1})
            assert response.status_code == 200
            assert len(response.context["days"]) >= 3, (profile, session_type)


def test_demo_coach_calendars_render(client, demo):
    for key in ("carol", "dave"):
        client.force_login(User.objects.get(email=f"{key}@waypoint.test"))
        response = client.get(reverse("coaching:calendar"), {"week": 1})
        assert response.status_code == 200
        kinds = {entry.kind for day in response.context["days"] for entry in day.entries}
        assert kinds == {"hours", "away"}
