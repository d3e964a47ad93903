"""The rules of a client's progress log: goals, weekly summaries, the chart's series, sharing.

Every goal is read the same way: each logged day either meets the goal's daily rule
or does not, and the week's count of days that met it is set against the goal's weekly
target. Days the client did not log count for nothing (unknown, not a failure), and the
words never scold: a week below the target is told as plainly as one above it.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db import transaction
from django.db.models import DateField, IntegerField
from django.template.defaultfilters import linebreaksbr
from django.http import Http404

from accounts import audit
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery
from core.wording import day_in_words

from .models import CheckIn, Goal, GoalKind, Mood, ProgressSettings, SubstanceUse, TrackedSubstance
from .progress_chart import figure
from .relations import coach_knows_client

WEEK = datetime.timedelta(days=7)
MOODS = dict(Mood.choices)
MAX_CHART_WEEKS = 12
CHECK_IN_DAYS_BACK = 6  # a check-in may be caught up for the past week, never the future
SUBSTANCE_KINDS = {GoalKind.USE_FREE_DAYS, GoalKind.NO_USE_ON_WEEKDAYS}
COUNTED_KINDS = {GoalKind.MAX_DRINKS_PER_DAY, GoalKind.ALCOHOL_FREE_DAYS, GoalKind.USE_FREE_DAYS}


def week_start(day):
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def day_label(day):
    """'Monday 2 November': a day of the log, in a table of recent weeks (no year)."""
    return f"{day:%A} {day.day} {day:%B}"


def plural(count, singular, many=None):
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def substance_name(value):
    return TrackedSubstance(value).label.lower() if value != TrackedSubstance.OTHER else "the substance you chose"


def settings_for(client):
    """The client's choices, made (empty) the first time they are asked for."""
    return settings_of(client) or ProgressSettings.objects.get_or_create(client=client)[0]


_SETTINGS = PreparedQuery(lambda: ProgressSettings.objects.filter(client=Arg("client", IntegerField())))


def settings_of(client):
    """The client's choices, or None before they made any (read on every progress page)."""
    found = _SETTINGS.objects(client=client.pk)
    return found[0] if found else None


# Goals ----------------------------------------------------------------------------------


class GoalError(ValueError):
    pass


def goal_problem(kind, substance, amount):
    """None when a goal is complete, else what is missing, in the client's words."""
    if kind in COUNTED_KINDS and amount is None:
        return "Please give a number for this goal."
    if kind in (GoalKind.ALCOHOL_FREE_DAYS, GoalKind.USE_FREE_DAYS) and not 1 <= amount <= 7:
        return "A week has 7 days: please choose a number from 1 to 7."
    if kind == GoalKind.MAX_DRINKS_PER_DAY and not 0 <= amount <= 50:
        return "Please choose a number of drinks from 0 to 50."
    if kind in SUBSTANCE_KINDS and not substance:
        return "Please choose which substance this goal is about."
    if kind in SUBSTANCE_KINDS and substance == TrackedSubstance.ALCOHOL and kind == GoalKind.USE_FREE_DAYS:
        return "For alcohol, choose the goal “alcohol-free days a week”."
    return None


def add_goal(client, *, kind, substance="", amount=None, own_words=""):
    """Add a goal, and start tracking what it needs (the substance, or medication)."""
    kind = GoalKind(kind)
    if kind not in SUBSTANCE_KINDS:
        substance = TrackedSubstance.ALCOHOL if kind in (GoalKind.MAX_DRINKS_PER_DAY, GoalKind.ALCOHOL_FREE_DAYS) else ""
    if kind not in COUNTED_KINDS:
        amount = None
    problem = goal_problem(kind, substance, amount)
    if problem:
        raise GoalError(problem)
    with transaction.atomic():
        settings = settings_for(client)
        changed = False
        if substance and substance not in settings.substances:
            settings.substances = [*settings.substances, substance]
            changed = True
        if kind == GoalKind.MEDICATION_DAILY and not settings.tracks_medication:
            settings.tracks_medication = True
            changed = True
        if changed:
            settings.save()
        return Goal.objects.create(client=client, kind=kind, substance=substance, amount=amount, own_words=own_words)


def describe_goal(goal):
    """The goal as a sentence: 'At most 2 drinks a day'."""
    kind = goal.kind
    if kind == GoalKind.MAX_DRINKS_PER_DAY:
        return f"At most {plural(goal.amount, 'drink')} a day" if goal.amount else "No alcohol on any day"
    if kind == GoalKind.ALCOHOL_FREE_DAYS:
        return f"{plural(goal.amount, 'alcohol-free day')} a week"
    if kind == GoalKind.USE_FREE_DAYS:
        return f"{plural(goal.amount, 'day')} without {substance_name(goal.substance)} a week"
    if kind == GoalKind.NO_USE_ON_WEEKDAYS:
        return f"No {substance_name(goal.substance)} on weekdays"
    return "Take my medication every day"


def weekly_target(goal):
    if goal.kind in (GoalKind.ALCOHOL_FREE_DAYS, GoalKind.USE_FREE_DAYS):
        return goal.amount
    if goal.kind == GoalKind.NO_USE_ON_WEEKDAYS:
        return 5
    return 7


def day_meets(goal, check_in):
    """True or False for a logged day; None when the day says nothing about this goal."""
    if goal.kind == GoalKind.MEDICATION_DAILY:
        return check_in.took_medication
    if goal.kind == GoalKind.NO_USE_ON_WEEKDAYS and check_in.day.weekday() >= 5:
        return None
    use = next((u for u in check_in.uses if u.substance == goal.substance), None)
    if use is None:
        return None
    if goal.kind == GoalKind.MAX_DRINKS_PER_DAY:
        return (use.standard_drinks or 0) <= goal.amount if use.used else True
    return not use.used


# Weekly summaries -----------------------------------------------------------------------


@dataclass(frozen=True)
class WeekResult:
    goal: Goal
    starts: datetime.date
    days_met: int
    days_logged: int
    target: int

    @property
    def reached(self):
        return self.days_met >= self.target

    @property
    def ends(self):
        return self.starts + datetime.timedelta(days=6)


def _count_phrase(result):
    goal, n = result.goal, result.days_met
    if goal.kind == GoalKind.ALCOHOL_FREE_DAYS:
        return plural(n, "alcohol-free day")
    if goal.kind == GoalKind.USE_FREE_DAYS:
        return f"{plural(n, 'day')} without {substance_name(goal.substance)}"
    if goal.kind == GoalKind.MAX_DRINKS_PER_DAY:
        if goal.amount == 0:
            return plural(n, "alcohol-free day")
        return f"{plural(n, 'day')} at {plural(goal.amount, 'drink')} or fewer"
    if goal.kind == GoalKind.NO_USE_ON_WEEKDAYS:
        return f"{plural(n, 'weekday')} without {substance_name(goal.substance)}"
    return f"medication taken on {plural(n, 'day')}"


def _goal_phrase(goal):
    if goal.kind in (GoalKind.ALCOHOL_FREE_DAYS, GoalKind.USE_FREE_DAYS):
        return str(goal.amount)
    if goal.kind == GoalKind.MAX_DRINKS_PER_DAY:
        return "no alcohol on any day" if goal.amount == 0 else f"at most {plural(goal.amount, 'drink')} a day"
    if goal.kind == GoalKind.NO_USE_ON_WEEKDAYS:
        return f"no {substance_name(goal.substance)} on weekdays"
    return "every day"


def summary_sentence(result, *, this_week=True):
    """'4 alcohol-free days this week — your goal was 3.' Plain, never scolding."""
    when = "this week" if this_week else f"in the week of {day_in_words(result.starts)}"
    if result.days_logged == 0:
        return f"No check-ins for this goal {when} yet."
    phrase = _count_phrase(result)
    sentence = f"{phrase[0].upper()}{phrase[1:]} {when} — your goal was {_goal_phrase(result.goal)}."
    if result.reached:
        sentence += " You reached it."
    return sentence


def week_result(goal, check_ins, starts):
    ends = starts + datetime.timedelta(days=6)
    answers = [day_meets(goal, c) for c in check_ins if starts <= c.day <= ends]
    answers = [a for a in answers if a is not None]
    return WeekResult(goal=goal, starts=starts, days_met=sum(answers), days_logged=len(answers), target=weekly_target(goal))


@dataclass(frozen=True)
class Use:
    substance: str
    used: bool
    standard_drinks: int | None

    def __str__(self):
        said = f"{self.standard_drinks} drink{'' if self.standard_drinks == 1 else 's'}" if self.standard_drinks is not None else ("yes" if self.used else "no")
        # (as get_substance_display would: a value no longer among the choices shows as stored)
        return f"{dict(TrackedSubstance.choices).get(self.substance, self.substance)}: {said}"


@dataclass
class LoggedDay:
    """One check-in as the progress page reads it: plain values, and its note only where
    the page shows it (each note is sealed, and opening the ones nobody reads costs time)."""

    pk: int
    day: datetime.date
    cravings: int
    mood: int
    took_medication: bool | None
    uses: list = field(default_factory=list)
    note: str = ""

    def get_mood_display(self):
        return MOODS.get(self.mood, self.mood)

    @property
    def day_label(self):
        """'Monday 2 November', as the date filter's "l j F" says it, at a fraction of its cost."""
        return day_label(self.day)

    def cells(self, *, with_note):
        """The row of the table of recent check-ins: day, use, cravings, mood (and the note)."""
        cells = (self.day_label, self.uses_in_words, self.cravings, self.get_mood_display())
        return (*cells, linebreaksbr(self.note or "—")) if with_note else cells

    @property
    def uses_in_words(self):
        """'Alcohol: 2 drinks; Cannabis: no; medication: yes', or '—' for nothing said."""
        said = "; ".join(str(use) for use in self.uses) or "—"
        if self.took_medication is not None:
            said += f"; medication: {'yes' if self.took_medication else 'no'}"
        return said


_LOG = PreparedQuery(
    lambda: CheckIn.objects.filter(client=Arg("client", IntegerField()), day__gte=Arg("since", DateField()))
    .order_by("day", "uses__substance")
    .values_list("pk", "day", "cravings", "mood", "took_medication", "uses__substance", "uses__used", "uses__standard_drinks")
)


def log_for(client, *, since=None):
    """The client's check-ins (with their substance answers) from `since` on, oldest first,
    as LoggedDays without their notes (see `with_notes`). One query: a row per answer."""
    days = {}
    for pk, day, cravings, mood, took_medication, substance, used, drinks in _LOG.rows(client=client.pk, since=since or datetime.date.min):
        logged = days.get(pk)
        if logged is None:
            logged = days[pk] = LoggedDay(pk=pk, day=day, cravings=cravings, mood=mood, took_medication=took_medication)
        if substance is not None:
            logged.uses.append(Use(substance=substance, used=used, standard_drinks=drinks))
    return list(days.values())


def notes_since(model):
    """The notes of a log (`model`: a check-in with a client, a day and a note) from a day on."""
    return PreparedQuery(
        lambda: model.objects.filter(client=Arg("client", IntegerField()), day__gte=Arg("since", DateField())).values_list("pk", "note")
    )


_NOTES = notes_since(CheckIn)


_DAY = PreparedQuery(
    lambda: CheckIn.objects.filter(client=Arg("client", IntegerField()), day=Arg("day", DateField()))
    .order_by("uses__substance")
    .values_list("pk", "day", "cravings", "mood", "took_medication", "note", "uses__substance", "uses__used", "uses__standard_drinks")
)


def check_in_of(client, day):
    """The client's check-in of `day` as a LoggedDay with its note, or None."""
    logged = None
    for pk, _day, cravings, mood, took_medication, note, substance, used, drinks in _DAY.rows(client=client.pk, day=day):
        if logged is None:
            logged = LoggedDay(pk=pk, day=day, cravings=cravings, mood=mood, took_medication=took_medication, note=reveal(note) or "")
        if substance is not None:
            logged.uses.append(Use(substance=substance, used=used, standard_drinks=drinks))
    return logged


def active_goals(client):
    return _ACTIVE_GOALS.objects(client=client.pk)


def with_notes(client, days, notes=_NOTES):
    """`days` (the latest LoggedDays of `client`'s log, newest first) with their notes
    opened, in one query: every logged day from the oldest of them on is one of them."""
    if not days:
        return days
    notes = dict(notes.rows(client=client.pk, since=days[-1].day))
    for logged in days:
        logged.note = reveal(notes.get(logged.pk)) or ""
    return days


def chart_weeks(check_ins, today):
    """Mondays from the first logged week (at most MAX_CHART_WEEKS back) to this week."""
    this_week = week_start(today)
    if not check_ins:
        return [this_week]
    # A day logged after today's week (logged on another clock, before a change of time zone,
    # or just past midnight UTC on a Sunday evening here) does not move this week out of the chart.
    first = min(max(week_start(check_ins[0].day), this_week - (MAX_CHART_WEEKS - 1) * WEEK), this_week)
    weeks = []
    while first <= this_week:
        weeks.append(first)
        first += WEEK
    return weeks


@dataclass
class GoalProgress:
    goal: object
    description: str
    this_week: WeekResult
    sentence: str
    weeks: list

    @cached_property
    def figure(self):
        """The weeks as a chart with the same numbers as a table (clients/progress_chart.py)."""
        return figure(self.weeks, description=self.description, key=self.goal.pk)


def weekly_progress(goals, days, today, *, describe, week_result, sentence):
    """Each goal against each week of `days` (a log, oldest first), up to this week. The
    client's log and the family member's log (families/progress.py) differ only in their
    rules: what a goal says (`describe`), which days meet it (`week_result`), and the
    week's words (`sentence`)."""
    weeks = chart_weeks(days, today)
    by_week = {}
    for logged in days:
        by_week.setdefault(week_start(logged.day), []).append(logged)
    progress = []
    for goal in goals:
        results = [week_result(goal, by_week.get(starts, ()), starts) for starts in weeks]
        progress.append(
            GoalProgress(goal=goal, description=describe(goal), this_week=results[-1], sentence=sentence(results[-1]), weeks=results)
        )
    return progress


def first_weeks_shown(today):
    return week_start(today) - (MAX_CHART_WEEKS - 1) * WEEK


RECENT_DAYS = 14  # the table of recent check-ins under the charts

_ACTIVE_GOALS = PreparedQuery(
    lambda: Goal.objects.filter(client=Arg("client", IntegerField()), is_active=True).only("pk", "kind", "substance", "amount", "own_words")
)


def overview(client, today, *, with_notes_of_recent=True):
    """Everything the progress page shows, for the client or a coach they share with
    (who never sees the daily notes: `with_notes_of_recent=False`)."""
    days = log_for(client, since=first_weeks_shown(today))
    goals = active_goals(client)
    progress = weekly_progress(goals, days, today, describe=describe_goal, week_result=week_result, sentence=summary_sentence)
    recent = list(reversed(days))[:RECENT_DAYS]
    if with_notes_of_recent:
        with_notes(client, recent)
    return {"check_ins": days, "goals": progress, "recent": recent}


# Check-ins ------------------------------------------------------------------------------


class CheckInError(ValueError):
    pass


def save_check_in(client, *, day, today, cravings, mood, uses, took_medication=None, note=""):
    """Create or replace the check-in of `day`. `uses` maps substance → drinks (alcohol) or bool."""
    if day > today:
        raise CheckInError("That day has not happened yet.")
    if day < today - datetime.timedelta(days=CHECK_IN_DAYS_BACK):
        raise CheckInError("Check-ins can be added for the past week.")
    if not 0 <= cravings <= 10:
        raise CheckInError("Cravings go from 0 to 10.")
    with transaction.atomic():
        check_in, _ = CheckIn.objects.update_or_create(
            client=client,
            day=day,
            defaults={"cravings": cravings, "mood": mood, "took_medication": took_medication, "note": note},
        )
        check_in.uses.all().delete()
        rows = []
        for substance, answer in uses.items():
            if substance == TrackedSubstance.ALCOHOL:
                rows.append(SubstanceUse(check_in=check_in, substance=substance, used=answer > 0, standard_drinks=answer))
            else:
                rows.append(SubstanceUse(check_in=check_in, substance=substance, used=bool(answer)))
        SubstanceUse.objects.bulk_create(rows)
    return check_in


# Sharing --------------------------------------------------------------------------------


def coach_may_see_log(coach_user, client_user):
    """Only when the client has chosen to share, and only with a coach who knows them."""
    return bool(_SHARED.rows(client=client_user.pk)) and coach_knows_client(coach_user, client_user)


_SHARED = PreparedQuery(lambda: ProgressSettings.objects.filter(client=Arg("client", IntegerField()), share_with_coach=True).values_list("pk")[:1])


def shared_log_for(coach_user, client_user, *, request=None):
    """The coach's door to a client's log: 404 unless shared with them; each look audited."""
    if not coach_may_see_log(coach_user, client_user):
        raise Http404("No progress log here.")
    audit.record("progress_log.read", actor=coach_user, obj=client_user, request=request, by="coach")
    return client_user
