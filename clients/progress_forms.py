"""Forms of the progress log. Quick to fill: a check-in is a handful of taps."""

from django import forms

from core.form_rendering import FORM_RENDERER

from .models import GoalKind, Mood, ProgressSettings, TrackedSubstance
from .progress import goal_problem, substance_name

YES_NO = [("yes", "Yes"), ("no", "No")]


class CheckInForm(forms.Form):
    default_renderer = FORM_RENDERER
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    cravings = forms.IntegerField(
        label="Cravings today, from 0 (none) to 10 (very strong)",
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mood = forms.TypedChoiceField(label="Mood", choices=Mood.choices, coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything you want to remember (optional, only you see it unless you share your log)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.substances = list(settings.substances)
        for substance in self.substances:
            if substance == TrackedSubstance.ALCOHOL:
                self.fields["use_alcohol"] = forms.IntegerField(
                    label="Standard drinks today", min_value=0, max_value=60, help_text="0 if none.",
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            else:
                self.fields[f"use_{substance}"] = forms.ChoiceField(
                    label=f"Did you use {substance_name(substance)} today?", choices=YES_NO, widget=forms.RadioSelect
                )
        if settings.tracks_medication:
            self.fields["took_medication"] = forms.ChoiceField(
                label="Did you take your medication today?", choices=YES_NO, widget=forms.RadioSelect
            )
        order = ["day", *[f"use_{s}" for s in self.substances], "cravings", "mood"]
        if settings.tracks_medication:
            order.append("took_medication")
        self.order_fields([*order, "note"])

    @staticmethod
    def initial_from(check_in, day):
        """The form's starting values: the day's earlier answers (a progress.LoggedDay with its
        note), if any (a second check-in replaces the first)."""
        if check_in is None:
            return {"day": day}
        initial = {"day": day, "cravings": check_in.cravings, "mood": check_in.mood, "note": check_in.note}
        for use in check_in.uses:
            if use.substance == TrackedSubstance.ALCOHOL:
                initial["use_alcohol"] = use.standard_drinks if use.standard_drinks is not None else 0
            else:
                initial[f"use_{use.substance}"] = "yes" if use.used else "no"
        if check_in.took_medication is not None:
            initial["took_medication"] = "yes" if check_in.took_medication else "no"
        return initial

    def uses(self):
        answers = {}
        for substance in self.substances:
            value = self.cleaned_data[f"use_{substance}"]
            answers[substance] = value if substance == TrackedSubstance.ALCOHOL else value == "yes"
        return answers

    def took_medication(self):
        value = self.cleaned_data.get("took_medication")
        return None if value is None else value == "yes"


class GoalForm(forms.Form):
    default_renderer = FORM_RENDERER
    kind = forms.ChoiceField(label="Kind of goal", choices=GoalKind.choices)
    substance = forms.ChoiceField(
        label="Which substance (for days without one, or weekdays without it)",
        choices=[("", "—"), *[(value, label) for value, label in TrackedSubstance.choices if value != TrackedSubstance.ALCOHOL]],
        required=False,
    )
    amount = forms.IntegerField(
        label="Number (drinks a day, or days a week)", required=False, min_value=0, max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    own_words = forms.CharField(label="In your own words (optional)", required=False, max_length=300)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:
            kind = GoalKind(kind)
            substance = data.get("substance") or ""
            amount = data.get("amount")
            if kind in (GoalKind.MAX_DRINKS_PER_DAY, GoalKind.ALCOHOL_FREE_DAYS):
                substance = TrackedSubstance.ALCOHOL
            if kind in (GoalKind.NO_USE_ON_WEEKDAYS, GoalKind.MEDICATION_DAILY):
                amount = None
            problem = goal_problem(kind, substance, amount)
            if problem:
                raise forms.ValidationError(problem)
        return data


class ProgressSettingsForm(forms.ModelForm):
    default_renderer = FORM_RENDERER
    substances = forms.MultipleChoiceField(
        label="What would you like to track?",
        choices=TrackedSubstance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ProgressSettings
        fields = ["substances", "tracks_medication", "share_with_coach"]
        labels = {
            "tracks_medication": "Ask me each day whether I took my medication",
            "share_with_coach": "Share my progress log with my coach",
        }
        help_texts = {"share_with_coach": "Off unless you turn it on. You can change this at any time."}
