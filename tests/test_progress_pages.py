"""The progress pages: the chart with 0, 1 and 60 check-ins, and who may see a log."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from clients import progress, relations
from clients.models import CheckIn, Goal, GoalKind, ProgressSettings, SubstanceUse

pytestmark = pytest.mark.django_db


def alice_today():
    return timezone.localdate(timezone=ZoneInfo("America/Chicago"))


def fill(client, days, *, drinks=lambda n: n % 3):
    """`days` check-ins ending today, one a day; drinks cycle 0, 1, 2."""
    today = alice_today()
    for n in range(days):
        entry = CheckIn.objects.create(client=client, day=today - datetime.timedelta(days=n), cravings=n % 11, mood=3, note=f"note {n}")
        SubstanceUse.objects.create(check_in=entry, substance="alcohol", used=drinks(n) > 0, standard_drinks=drinks(n))


@pytest.fixture
def alice_tracks_alcohol(alice):
    ProgressSettings.objects.create(client=alice, substances=["alcohol"])
    progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3)
    return alice


@pytest.fixture
def carol_coaches_alice(alice, carol):
    """Stands in for the intake match / a booking, which live on other branches."""

    def knows(coach, client):
        return (coach.pk, client.pk) == (carol.pk, alice.pk)

    relations.register(knows)
    yield
    relations.unregister(knows)


def bars(html):
    return re.findall(r'<rect class="chart-bar( reached)?"', html)


def test_a_client_without_settings_is_asked_what_to_track_first(client, alice):
    client.force_login(alice)
    response = client.get(reverse("clients:progress"))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:progress_settings")


def test_the_chart_page_with_no_check_ins(client, alice_tracks_alcohol):
    client.force_login(alice_tracks_alcohol)
    html = client.get(reverse("clients:progress")).content.decode()
    assert "Your chart appears after your first check-in." in html
    assert "No check-ins for this goal this week yet." in html
    assert bars(html) == []


def test_the_chart_page_with_one_check_in(client, alice_tracks_alcohol):
    fill(alice_tracks_alcohol, 1)  # today, alcohol-free
    client.force_login(alice_tracks_alcohol)
    html = client.get(reverse("clients:progress")).content.decode()
    assert "1 alcohol-free day this week — your goal was 3." in html
    assert bars(html) == [""]
    assert '<text class="chart-goal-label"' in html and 'dy="1.1em">3 days</tspan></text>' in html
    assert 'role="img"' in html and "Goal: 3 days a week." in html
    assert "note 0" in html


def test_the_chart_page_with_sixty_check_ins(client, alice_tracks_alcohol):
    fill(alice_tracks_alcohol, 60)  # day n before today had n % 3 drinks
    today = alice_today()
    expected = {}
    for n in range(60):
        day = today - datetime.timedelta(days=n)
        monday = day - datetime.timedelta(days=day.weekday())
        met, logged = expected.get(monday, (0, 0))
        expected[monday] = (met + (n % 3 == 0), logged + 1)
    client.force_login(alice_tracks_alcohol)
    response = client.get(reverse("clients:progress"))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(bars(html)) == len(expected) in (9, 10)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d)</td><td>(\d)</td><td>3</td></tr>', html)
    assert rows == [
        (f"{monday:%A} {monday.day} {monday:%B}", str(met), str(logged)) for monday, (met, logged) in sorted(expected.items())
    ]
    assert html.count('<tr>\n            <th scope="row">') == 14  # the fortnight of recent check-ins


def test_the_page_makes_the_same_queries_for_one_or_five_check_ins(client, alice_tracks_alcohol, bob):
    client.force_login(alice_tracks_alcohol)
    fill(alice_tracks_alcohol, 1)
    client.get(reverse("clients:progress"))  # the first page of a session writes its idle timer
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("clients:progress"))
    CheckIn.objects.all().delete()
    fill(alice_tracks_alcohol, 5)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("clients:progress"))
    assert len(one) == len(five)


def test_a_coach_gets_404_when_sharing_is_off(client, alice_tracks_alcohol, carol, carol_coaches_alice):
    client.force_login(carol)
    response = client.get(reverse("clients:progress_shared", args=[alice_tracks_alcohol.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="progress_log.read").count() == 0


def test_a_coach_sees_a_shared_log_without_its_notes_and_the_look_is_audited(client, alice_tracks_alcohol, carol, carol_coaches_alice):
    ProgressSettings.objects.filter(client=alice_tracks_alcohol).update(share_with_coach=True)
    fill(alice_tracks_alcohol, 3)
    client.force_login(carol)
    response = client.get(reverse("clients:progress_shared", args=[alice_tracks_alcohol.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Progress log of Alice Moreno</h1>" in html
    assert "note 0" not in html  # daily notes stay the client's own
    assert list(AuditEvent.objects.filter(action="progress_log.read").values_list("actor_email", "object_id")) == [
        ("carol@example.com", str(alice_tracks_alcohol.pk))
    ]


def test_sharing_does_not_open_the_log_to_a_coach_who_does_not_know_the_client(
    client, alice_tracks_alcohol, dave, carol_coaches_alice
):
    ProgressSettings.objects.filter(client=alice_tracks_alcohol).update(share_with_coach=True)
    client.force_login(dave)
    assert client.get(reverse("clients:progress_shared", args=[alice_tracks_alcohol.pk])).status_code == 404


def test_with_no_relation_registered_no_coach_knows_any_client(alice, carol):
    assert relations.coach_knows_client(carol, alice) is False


def test_another_client_cannot_put_aside_alices_goal(client, alice_tracks_alcohol, bob):
    goal = Goal.objects.get(client=alice_tracks_alcohol)
    client.force_login(bob)
    assert client.post(reverse("clients:progress_stop_goal", args=[goal.pk])).status_code == 404
    client.force_login(alice_tracks_alcohol)
    assert client.post(reverse("clients:progress_stop_goal", args=[goal.pk])).status_code == 302
    assert Goal.objects.get(pk=goal.pk).is_active is False


def test_a_client_cannot_open_the_coach_view(client, alice_tracks_alcohol, bob):
    client.force_login(bob)
    assert client.get(reverse("clients:progress_shared", args=[alice_tracks_alcohol.pk])).status_code == 403


def test_a_check_in_through_the_form(client, alice_tracks_alcohol):
    client.force_login(alice_tracks_alcohol)
    today = alice_today()
    response = client.post(
        reverse("clients:progress_check_in"),
        {"day": today.isoformat(), "use_alcohol": "2", "cravings": "6", "mood": "4", "note": "Dinner out, paced myself."},
    )
    assert response.status_code == 302
    entry = CheckIn.objects.get(client=alice_tracks_alcohol)
    assert (entry.day, entry.cravings, entry.mood, entry.note.reveal()) == (today, 6, 4, "Dinner out, paced myself.")
    assert [(u.substance, u.used, u.standard_drinks) for u in entry.uses.all()] == [("alcohol", True, 2)]


def test_a_check_in_for_tomorrow_is_refused_kindly(client, alice_tracks_alcohol):
    client.force_login(alice_tracks_alcohol)
    tomorrow = alice_today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("clients:progress_check_in"), {"day": tomorrow.isoformat(), "use_alcohol": "0", "cravings": "1", "mood": "3"}
    )
    assert response.status_code == 200
    assert "That day has not happened yet." in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_checking_in_twice_on_one_day_starts_from_the_first_answers(client, alice_tracks_alcohol):
    client.force_login(alice_tracks_alcohol)
    today = alice_today()
    progress.save_check_in(alice_tracks_alcohol, day=today, today=today, cravings=7, mood=2, uses={"alcohol": 3}, note="Long day.")
    html = client.get(reverse("clients:progress_check_in")).content.decode()
    assert "You already checked in today. Anything you change here replaces those answers." in html
    assert 'name="use_alcohol" value="3"' in html and 'name="cravings" value="7"' in html
    assert ">\nLong day.</textarea>" in html
    assert 'type="radio" name="mood" value="2" required id="id_mood_1" checked' in html


def test_the_chart_of_at_most_two_drinks_a_day_says_every_day_not_seven(client, alice):
    ProgressSettings.objects.create(client=alice, substances=["alcohol"])
    progress.add_goal(alice, kind=GoalKind.MAX_DRINKS_PER_DAY, amount=2)
    fill(alice, 2)
    client.force_login(alice)
    html = client.get(reverse("clients:progress")).content.decode()
    assert "At most 2 drinks a day: days per week" in html
    assert 'dy="1.1em">every day</tspan></text>' in html and ">goal 7<" not in html
    assert "Goal: every day." in html


def test_the_goal_form_names_its_fields_in_words(client, alice):
    ProgressSettings.objects.create(client=alice, substances=["alcohol", "opioids"])
    client.force_login(alice)
    html = client.get(reverse("clients:progress_goals")).content.decode()
    assert "TrackedSubstance" not in html
    assert "Which substance (for days without one, or weekdays without it)" in html


def test_a_note_in_the_recent_check_ins_is_escaped_with_its_line_breaks_kept(client, alice_tracks_alcohol):
    today = alice_today()
    progress.save_check_in(alice_tracks_alcohol, day=today, today=today, cravings=2, mood=3, uses={"alcohol": 1}, note="<b>Dinner</b> & a walk\nthen bed")
    client.force_login(alice_tracks_alcohol)
    html = client.get(reverse("clients:progress")).content.decode()
    assert "<td>&lt;b&gt;Dinner&lt;/b&gt; &amp; a walk<br>then bed</td>" in html
    assert "<td>Alcohol: 1 drink</td>" in html
