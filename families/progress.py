"""The family member's own progress log: their stress, positive moments with their loved one,
and conversations tried. Goals are set in their own words, and each logged day meets a
goal or not, counted per week and charted exactly like the client's log (clients/progress.py,
clients/progress_chart.py): days not logged count for nothing, and nothing scolds."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateField, IntegerField
from django.template.defaultfilters import linebreaksbr

from clients.progress import (
    CHECK_IN_DAYS_BACK, RECENT_DAYS, CheckInError, WeekResult, day_label, first_weeks_shown, notes_since, plural, weekly_progress, with_notes,
)
from core.prepared import Arg, PreparedQuery
from core.wording import day_in_words

from .models import FamilyCheckIn, FamilyGoal, FamilyGoalKind


class GoalError(ValueError):
    pass


def add_goal(client, *, kind, days_a_week, own_words, stress_at_most=None):
    kind = FamilyGoalKind(kind)
    if not own_words.strip():
        raise GoalError("Please write your goal in your own words.")
    if not 1 <= days_a_week <= 7:
        raise GoalError("A week has 7 days: please choose a number from 1 to 7.")
    if kind == FamilyGoalKind.CALMER_DAYS:
        if stress_at_most is None or not 0 <= stress_at_most <= 10:
            raise GoalError("Please choose the stress level, from 0 to 10, that counts as a calmer day.")
    else:
        stress_at_most = None
    return FamilyGoal.objects.create(client=client, kind=kind, days_a_week=days_a_week, stress_at_most=stress_at_most, own_words=own_words.strip())


def describe_goal(goal):
    days = plural(goal.days_a_week, "day")
    if goal.kind == FamilyGoalKind.CALMER_DAYS:
        return f"{days} a week with my stress at {goal.stress_at_most} or below"
    if goal.kind == FamilyGoalKind.POSITIVE_MOMENTS:
        return f"{days} a week with a positive moment with my loved one"
    return f"{days} a week when I try a new kind of conversation"


def day_meets(goal, check_in):
    if goal.kind == FamilyGoalKind.CALMER_DAYS:
        return check_in.stress <= goal.stress_at_most
    if goal.kind == FamilyGoalKind.POSITIVE_MOMENTS:
        return check_in.positive_moment
    return check_in.conversation_tried


def week_result(goal, check_ins, starts):
    ends = starts + datetime.timedelta(days=6)
    answers = [day_meets(goal, c) for c in check_ins if starts <= c.day <= ends]
    return WeekResult(goal=goal, starts=starts, days_met=sum(answers), days_logged=len(answers), target=goal.days_a_week)


COUNTED = {
    FamilyGoalKind.CALMER_DAYS: ("calmer day", None),
    FamilyGoalKind.POSITIVE_MOMENTS: ("day with a positive moment", "days with a positive moment"),
    FamilyGoalKind.CONVERSATIONS: ("day with a new kind of conversation", "days with a new kind of conversation"),
}


def summary_sentence(result, *, this_week=True):
    """'3 days with a positive moment this week — your goal was 4.' Plain, never scolding."""
    when = "this week" if this_week else f"in the week of {day_in_words(result.starts)}"
    if result.days_logged == 0:
        return f"No check-ins {when} yet."
    singular, many = COUNTED[result.goal.kind]
    sentence = f"{plural(result.days_met, singular, many)} {when} \u2014 your goal was {result.target}."
    return sentence + (" You reached it." if result.reached else "")


@dataclass
class LoggedDay:
    """One day of the log as the page reads it; its note only where the page shows it."""

    pk: int
    day: datetime.date
    stress: int
    positive_moment: bool
    conversation_tried: bool
    note: str = ""

    @property
    def day_label(self):
        return day_label(self.day)

    def cells(self):
        """The row of the table of recent check-ins: day, stress, positive moment, conversation, note."""
        said = ("yes" if self.positive_moment else "no", "yes" if self.conversation_tried else "no")
        return (self.day_label, self.stress, *said, linebreaksbr(self.note or "—"))


_LOG = PreparedQuery(
    lambda: FamilyCheckIn.objects.filter(client=Arg("client", IntegerField()), day__gte=Arg("since", DateField()))
    .order_by("day")
    .values_list("pk", "day", "stress", "positive_moment", "conversation_tried")
)
_NOTES = notes_since(FamilyCheckIn)
_ACTIVE_GOALS = PreparedQuery(
    lambda: FamilyGoal.objects.filter(client=Arg("client", IntegerField()), is_active=True).only(
        "pk", "kind", "days_a_week", "stress_at_most", "own_words"
    )
)


def active_goals(client):
    return _ACTIVE_GOALS.objects(client=client.pk)


def overview(client, today):
    days = [LoggedDay(*row) for row in _LOG.rows(client=client.pk, since=first_weeks_shown(today))]
    goals = active_goals(client)
    progress = weekly_progress(goals, days, today, describe=describe_goal, week_result=week_result, sentence=summary_sentence)
    recent = with_notes(client, list(reversed(days))[:RECENT_DAYS], notes=_NOTES)
    return {"check_ins": days, "goals": progress, "recent": recent}


def save_check_in(client, *, day, today, stress, positive_moment, conversation_tried, note=""):
    """Create or replace the check-in of `day` (today or the past week)."""
    if day > today:
        raise CheckInError("That day has not happened yet.")
    if day < today - datetime.timedelta(days=CHECK_IN_DAYS_BACK):
        raise CheckInError("Check-ins can be added for the past week.")
    if not 0 <= stress <= 10:
        raise CheckInError("Stress goes from 0 to 10.")
    with transaction.atomic():
        check_in, _ = FamilyCheckIn.objects.update_or_create(
            client=client,
            day=day,
            defaults={"stress": stress, "positive_moment": positive_moment, "conversation_tried": conversation_tried, "note": note},
        )
    return check_in
