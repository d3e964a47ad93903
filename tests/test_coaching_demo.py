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
    for key, profile in demo.items():
        types = SessionType.objects.filter(coach=profile).order_by("price_cents", "name")
        # Dave works with families, so he also offers a family session.
        assert [(t.name, t.duration_minutes, t.price_cents, t.currency, t.is_free, t.for_families) for t in types] == [
            ("Free intro call", 20, 0, "usd", True, False),
            ("Coaching session", 50, 6000, "usd", False, False),
            *([("Family session", 50, 6000, "usd", False, True)] if key == "dave" else []),
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
    # Next week holds each coach's time off (shown in week 1, or in week 0 on a Sunday, when
    # this week runs on to the next Sunday); alice's paid session with carol falls 2 to 16
    # days ahead, so which week shows it depends on today's date: look across weeks 0 to 3.
    for key, expected in (("carol", {"hours", "away", "session"}), ("dave", {"hours", "away"})):
        client.force_login(User.objects.get(email=f"{key}@waypoint.test"))
        kinds, first_two = set(), set()
        for week in range(4):
            response = client.get(reverse("coaching:calendar"), {"week": week})
            assert response.status_code == 200
            week_kinds = {entry.kind for day in response.context["days"] for entry in day.entries}
            if week < 2:
                first_two |= week_kinds
            kinds |= week_kinds
        assert {"hours", "away"} <= first_two, key
        assert kinds == expected, key
