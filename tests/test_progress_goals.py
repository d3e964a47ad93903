"""Goal summaries for weeks worked out by hand. The week of Monday 2 March 2026."""

import datetime
import re

import pytest

from clients import progress
from clients.models import Goal, GoalKind, ProgressSettings, TrackedSubstance

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
SUNDAY = datetime.date(2026, 3, 8)


def day(n):
    return MONDAY + datetime.timedelta(days=n)


def log(client, n, *, today=SUNDAY, medication=None, **uses):
    return progress.save_check_in(
        client, day=day(n), today=today, cravings=3, mood=3, uses=uses, took_medication=medication
    )


def this_week(goal, today=SUNDAY):
    return progress.week_result(goal, progress.log_for(goal.client), progress.week_start(today))


def test_alcohol_free_days_and_a_daily_limit_in_one_week(alice):
    free_days = progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3)
    limit = progress.add_goal(alice, kind=GoalKind.MAX_DRINKS_PER_DAY, amount=2)
    for n, drinks in enumerate([0, 2, 0, 4, 0, 0, 3]):
        log(alice, n, alcohol=drinks)

    free = this_week(free_days)
    assert (free.days_met, free.days_logged, free.target, free.reached) == (4, 7, 3, True)
    assert progress.summary_sentence(free) == "4 alcohol-free days this week — your goal was 3. You reached it."

    within = this_week(limit)
    assert (within.days_met, within.days_logged, within.target, within.reached) == (5, 7, 7, False)
    assert progress.summary_sentence(within) == "5 days at 2 drinks or fewer this week — your goal was at most 2 drinks a day."


def test_one_alcohol_free_day_is_told_plainly(alice):
    goal = progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3)
    for n, drinks in enumerate([1, 0, 2, 3]):
        log(alice, n, alcohol=drinks)
    result = this_week(goal)
    assert (result.days_met, result.days_logged) == (1, 4)
    assert progress.summary_sentence(result) == "1 alcohol-free day this week — your goal was 3."


def test_no_use_on_weekdays_ignores_the_weekend(bob):
    goal = progress.add_goal(bob, kind=GoalKind.NO_USE_ON_WEEKDAYS, substance=TrackedSubstance.CANNABIS)
    for n, used in enumerate([False, True, False, False, False, True]):  # Monday to Saturday
        log(bob, n, cannabis=used)
    result = this_week(goal)
    assert (result.days_met, result.days_logged, result.target) == (4, 5, 5)
    assert progress.summary_sentence(result) == "4 weekdays without cannabis this week — your goal was no cannabis on weekdays."


def test_days_without_a_substance_count_only_days_that_answered_for_it(bob):
    goal = progress.add_goal(bob, kind=GoalKind.USE_FREE_DAYS, substance=TrackedSubstance.STIMULANTS, amount=4)
    log(bob, 0, stimulants=False)
    log(bob, 1, stimulants=False)
    log(bob, 2)  # a check-in from before stimulants were tracked says nothing about them
    log(bob, 3, stimulants=True)
    log(bob, 4, stimulants=False)
    log(bob, 5, stimulants=False)
    result = this_week(goal)
    assert (result.days_met, result.days_logged) == (4, 5)
    assert progress.summary_sentence(result) == "4 days without stimulants this week — your goal was 4. You reached it."


def test_medication_every_day_counts_the_days_logged(alice):
    goal = progress.add_goal(alice, kind=GoalKind.MEDICATION_DAILY)
    for n in range(6):
        log(alice, n, medication=True)
    result = this_week(goal)
    assert (result.days_met, result.days_logged, result.target) == (6, 6, 7)
    assert progress.summary_sentence(result) == "Medication taken on 6 days this week — your goal was every day."
    assert ProgressSettings.objects.get(client=alice).tracks_medication is True


def test_a_week_without_check_ins_and_an_earlier_week_in_words(alice):
    goal = progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=2)
    empty = this_week(goal)
    assert progress.summary_sentence(empty) == "No check-ins for this goal this week yet."
    log(alice, 0, alcohol=0)
    log(alice, 1, alcohol=0)
    result = this_week(goal)
    assert progress.summary_sentence(result, this_week=False) == (
        "2 alcohol-free days in the week of Monday 2 March — your goal was 2. You reached it."
    )


def test_days_outside_the_week_do_not_count(alice):
    goal = progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=1)
    progress.save_check_in(alice, day=day(-1), today=day(0), cravings=0, mood=4, uses={"alcohol": 0})
    assert (this_week(goal).days_met, this_week(goal).days_logged) == (0, 0)


def test_summaries_never_scold(alice):
    goal = progress.add_goal(alice, kind=GoalKind.MAX_DRINKS_PER_DAY, amount=1)
    for n in range(7):
        log(alice, n, alcohol=6)
    sentence = progress.summary_sentence(this_week(goal))
    assert sentence == "0 days at 1 drink or fewer this week — your goal was at most 1 drink a day."
    assert re.search(r"\b(fail|failed|missed|only|should|bad|relapse|clean|dirty)\b", sentence, re.I) is None


def test_goals_need_what_they_count(alice):
    with pytest.raises(progress.GoalError, match="A week has 7 days"):
        progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=8)
    with pytest.raises(progress.GoalError, match="Please give a number"):
        progress.add_goal(alice, kind=GoalKind.MAX_DRINKS_PER_DAY)
    with pytest.raises(progress.GoalError, match="which substance"):
        progress.add_goal(alice, kind=GoalKind.NO_USE_ON_WEEKDAYS)
    assert Goal.objects.filter(client=alice).count() == 0


def test_a_goal_starts_tracking_its_substance(bob):
    progress.add_goal(bob, kind=GoalKind.NO_USE_ON_WEEKDAYS, substance=TrackedSubstance.CANNABIS)
    progress.add_goal(bob, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=2)
    assert ProgressSettings.objects.get(client=bob).substances == ["cannabis", "alcohol"]


def test_check_ins_cannot_be_for_the_future_or_long_ago(alice):
    with pytest.raises(progress.CheckInError, match="not happened yet"):
        progress.save_check_in(alice, day=day(1), today=day(0), cravings=0, mood=3, uses={})
    with pytest.raises(progress.CheckInError, match="past week"):
        progress.save_check_in(alice, day=day(-7), today=day(0), cravings=0, mood=3, uses={})
    entry = progress.save_check_in(alice, day=day(-6), today=day(0), cravings=0, mood=3, uses={"alcohol": 2})
    again = progress.save_check_in(alice, day=day(-6), today=day(0), cravings=5, mood=2, uses={"alcohol": 0})
    assert again.pk == entry.pk
    assert [(u.substance, u.used, u.standard_drinks) for u in again.uses.all()] == [("alcohol", False, 0)]
