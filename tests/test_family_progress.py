"""Fiona's own log: her stress, positive moments with her son, conversations tried. Goals in
her own words, counted per week and charted like a client's log."""

import datetime

import pytest
from django.utils import timezone
from django.urls import reverse

from clients.progress import week_start
from clients.progress_chart import weekly_chart
from families import progress
from families.models import FamilyCheckIn, FamilyGoal

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 6)  # a Friday
MONDAY = week_start(TODAY)


def log(fiona, days):
    """days: {offset from Monday: (stress, positive moment, conversation tried)}"""
    for offset, (stress, positive, conversation) in days.items():
        progress.save_check_in(fiona, day=MONDAY + datetime.timedelta(days=offset), today=TODAY, stress=stress, positive_moment=positive, conversation_tried=conversation)


def test_each_goal_counts_the_days_that_meet_it_this_week(fiona):
    calmer = progress.add_goal(fiona, kind="calmer_days", days_a_week=3, stress_at_most=4, own_words="Evenings that feel lighter")
    moments = progress.add_goal(fiona, kind="positive_moments", days_a_week=2, own_words="Coffee together")
    talks = progress.add_goal(fiona, kind="conversations", days_a_week=4, own_words="Ask, not tell")
    log(fiona, {0: (3, True, False), 1: (7, False, True), 2: (4, True, True), 4: (5, False, False)})
    results = {item.goal.pk: item for item in progress.overview(fiona, TODAY)["goals"]}
    assert results[calmer.pk].sentence == "2 calmer days this week \u2014 your goal was 3."
    assert results[moments.pk].sentence == "2 days with a positive moment this week \u2014 your goal was 2. You reached it."
    assert results[talks.pk].sentence == "2 days with a new kind of conversation this week \u2014 your goal was 4."
    assert [week.days_logged for week in results[calmer.pk].weeks] == [4]


def test_a_week_without_check_ins_says_so_without_scolding(fiona):
    progress.add_goal(fiona, kind="positive_moments", days_a_week=2, own_words="Coffee together")
    assert progress.overview(fiona, TODAY)["goals"][0].sentence == "No check-ins this week yet."


def test_goals_are_set_in_fionas_own_words(fiona):
    with pytest.raises(progress.GoalError, match="own words"):
        progress.add_goal(fiona, kind="conversations", days_a_week=3, own_words="  ")
    with pytest.raises(progress.GoalError, match="stress level"):
        progress.add_goal(fiona, kind="calmer_days", days_a_week=3, own_words="Calmer")
    with pytest.raises(progress.GoalError, match="7 days"):
        progress.add_goal(fiona, kind="conversations", days_a_week=8, own_words="Talk")


def test_the_chart_is_drawn_like_the_clients_with_the_goal_line(client, fiona):
    goal = progress.add_goal(fiona, kind="positive_moments", days_a_week=3, own_words="Coffee together")
    log(fiona, {0: (3, True, False), 1: (3, True, False)})
    item = progress.overview(fiona, TODAY)["goals"][0]
    chart = weekly_chart(item.weeks)
    assert ([bar.value for bar in chart["bars"]], chart["target"]) == ([2], 3)
    today = timezone.localdate(timezone=fiona.zone)  # her day, as the pages count it
    progress.save_check_in(fiona, day=today, today=today, stress=2, positive_moment=True, conversation_tried=False)
    client.force_login(fiona)
    page = client.get(reverse("families:progress")).content.decode()
    assert 'class="chart-goal"' in page and "Goal: 3 days a week." in page
    assert "In your words: \u201cCoffee together\u201d" in page
    assert FamilyGoal.objects.get(pk=goal.pk).own_words.reveal() == "Coffee together"


def test_fiona_checks_in_and_sets_a_goal_through_the_pages(client, fiona):
    client.force_login(fiona)
    today = timezone.localdate(timezone=fiona.zone)  # her day, as the pages count it
    response = client.post(reverse("families:progress_check_in"), {"day": today.isoformat(), "stress": "5", "positive_moment": "yes", "conversation_tried": "no", "note": "A walk."})
    assert response.url == reverse("families:progress")
    entry = FamilyCheckIn.objects.get(client=fiona)
    assert (entry.stress, entry.positive_moment, entry.conversation_tried, entry.note.reveal()) == (5, True, False, "A walk.")
    response = client.post(reverse("families:progress_goals"), {"kind": "calmer_days", "days_a_week": "3", "own_words": "Sleep better"})
    assert response.status_code == 200  # the stress level is missing
    assert not FamilyGoal.objects.exists()
    client.post(reverse("families:progress_goals"), {"kind": "calmer_days", "days_a_week": "3", "stress_at_most": "4", "own_words": "Sleep better"})
    assert progress.describe_goal(FamilyGoal.objects.get()) == "3 days a week with my stress at 4 or below"


def test_a_day_not_yet_come_or_a_stress_of_eleven_is_refused(client, fiona):
    client.force_login(fiona)
    tomorrow = timezone.localdate(timezone=fiona.zone) + datetime.timedelta(days=1)
    response = client.post(reverse("families:progress_check_in"), {"day": tomorrow.isoformat(), "stress": "5", "positive_moment": "yes", "conversation_tried": "no"})
    assert response.status_code == 200 and "has not happened yet" in response.content.decode()
    response = client.post(reverse("families:progress_check_in"), {"day": timezone.localdate(timezone=fiona.zone).isoformat(), "stress": "11", "positive_moment": "yes", "conversation_tried": "no"})
    assert response.status_code == 200
    assert not FamilyCheckIn.objects.exists()


def test_the_menus_progress_takes_fiona_on_the_family_path_to_her_own_log(client, fiona):
    from families import paths

    paths.choose(fiona, "worried")
    client.force_login(fiona)
    assert client.get(reverse("clients:progress")).url == reverse("families:progress")
