"""The family path's forms: the sign-up choice, the family intake's steps (saved as a draft
with `draft=True`, like the client's), the invitation, the review and the progress log."""

from django import forms

from clients import scoring
from clients.forms import YES_NO, AboutForm, ConsentsForm, StepForm, bool_to_yes_no, yes_no_to_bool
from clients.models import Substance
from core.encryption import reveal
from core.form_rendering import FORM_RENDERER
from core.zones import country_of

from . import agreements
from .arrival import arrived
from .models import Country, FamilyGoalKind, Hope, Path, Relationship


class PathSignupForm(forms.Form):
    """allauth's sign-up form asks this too (ACCOUNT_SIGNUP_FORM_CLASS); `signup()` keeps the answer."""

    path = forms.ChoiceField(
        label="Who is this about?",
        choices=Path.choices,
        initial=Path.ABOUT_ME,
        required=False,
        widget=forms.RadioSelect,
        help_text="You can add the other one later from your page.",
    )

    def signup(self, request, user):
        arrived(request, user, self.cleaned_data.get("path") or Path.ABOUT_ME)


class FamilyAboutForm(AboutForm):
    country = forms.ChoiceField(
        label="Where do you live?",
        choices=[("", "Choose a country"), *Country.choices],
        help_text="So we can show you the right phone numbers if you ever need them.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["emergency_contact"]
        self.order_fields(["preferred_name", "pronouns", "country", "time_zone", "language", "phone"])
        if self.draft:
            self.fields["country"].required = False

    @classmethod
    def initial_from(cls, intake):
        return {
            "preferred_name": reveal(intake.preferred_name) or intake.client.name,
            "pronouns": reveal(intake.pronouns),
            # Until they say, the country their time zone is in, when it is one we list.
            "country": reveal(intake.country) or (code if (code := country_of(intake.client.time_zone)) in Country.values else ""),
            "time_zone": reveal(intake.time_zone) or intake.client.time_zone,
            "language": reveal(intake.language) or "English",
            "phone": reveal(intake.phone),
        }

    def apply(self, intake):
        super().apply(intake)
        if "country" in self.cleaned_data:
            intake.country = self.cleaned_data["country"] or ""


class LovedOneForm(StepForm):
    """Every question here is optional: tell us only what you want to."""

    relationship = forms.ChoiceField(label="How do you know them? (optional)", choices=Relationship.choices, required=False, widget=forms.RadioSelect)
    relationship_other = forms.CharField(label="If something else, what? (optional)", max_length=120, required=False)
    noticed = forms.CharField(
        label="What have you noticed that worries you? (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only our team and your coach read this. It is never shared with them.",
    )
    substances = forms.MultipleChoiceField(
        label="If you know, what do they use? (optional)", choices=Substance.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    substance_other = forms.CharField(label="If something else, what? (optional)", max_length=120, required=False)

    NAMES = ["relationship", "relationship_other", "noticed", "substance_other"]

    @classmethod
    def initial_from(cls, intake):
        return {name: reveal(getattr(intake, name)) for name in [*cls.NAMES, "substances"]}

    def apply(self, intake):
        data = self.cleaned_data
        for name in self.NAMES:
            setattr(intake, name, data.get(name) or "")
        intake.substances = [value for value, _ in Substance.choices if value in (data.get("substances") or [])]


class HopesForm(StepForm):
    hopes = forms.MultipleChoiceField(
        label="What would you like from coaching? Choose all that fit.", choices=Hope.choices, widget=forms.CheckboxSelectMultiple
    )
    hopes_in_own_words = forms.CharField(
        label="In your own words (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_from(cls, intake):
        return {"hopes": reveal(intake.hopes), "hopes_in_own_words": reveal(intake.hopes_in_own_words)}

    def apply(self, intake):
        intake.hopes = [value for value, _ in Hope.choices if value in (self.cleaned_data.get("hopes") or [])]
        intake.hopes_in_own_words = self.cleaned_data.get("hopes_in_own_words") or ""


class WellbeingForm(StepForm):
    """PSS-4 about the last month, and the readiness ruler."""

    importance = forms.IntegerField(
        label="How important is it to you to change how things are going for you right now?",
        min_value=scoring.RULER_MIN,
        max_value=scoring.RULER_MAX,
        help_text="0 is not at all important, 10 is the most important thing.",
    )
    confidence = forms.IntegerField(
        label="How confident are you that you could make that change?",
        min_value=scoring.RULER_MIN,
        max_value=scoring.RULER_MAX,
        help_text="0 is not at all confident, 10 is completely confident.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = {
            f"pss_{number}": forms.TypedChoiceField(
                label=question, choices=list(enumerate(scoring.PSS_4_OPTIONS)), coerce=int, widget=forms.RadioSelect, required=not self.draft
            )
            for number, question in enumerate(scoring.PSS_4_ITEMS, start=1)
        }
        self.fields = {**items, **self.fields}

    @property
    def pss_fields(self):
        return [self[f"pss_{number}"] for number in range(1, len(scoring.PSS_4_ITEMS) + 1)]

    @classmethod
    def initial_from(cls, intake):
        initial = {"importance": reveal(intake.importance), "confidence": reveal(intake.confidence)}
        for number, answer in enumerate(reveal(intake.pss_answers) or [], start=1):
            initial[f"pss_{number}"] = answer
        return initial

    def apply(self, intake):
        data = self.cleaned_data
        given = [data.get(f"pss_{n}") for n in range(1, len(scoring.PSS_4_ITEMS) + 1)]
        given = [None if answer in (None, "") else int(answer) for answer in given]
        intake.pss_answers = given if any(answer is not None for answer in given) else None
        intake.importance = data.get("importance")
        intake.confidence = data.get("confidence")


class FamilySafetyForm(StepForm):
    afraid_of_loved_one = forms.ChoiceField(
        label="Are you ever afraid of the person you are worried about, or of what they might do?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-reveals": "violence-help"}),
    )
    thoughts_of_self_harm = forms.ChoiceField(
        label="In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-reveals": "crisis-resources"}),
    )
    overdose_at_home = forms.ChoiceField(
        label="Has the person you are worried about ever overdosed, or been revived by someone, at home or anywhere else?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"data-reveals": "overdose-help"}),
    )

    NAMES = ["afraid_of_loved_one", "thoughts_of_self_harm", "overdose_at_home"]

    @classmethod
    def initial_from(cls, intake):
        return {name: bool_to_yes_no(reveal(getattr(intake, name))) for name in cls.NAMES}

    def apply(self, intake):
        for name in self.NAMES:
            value = yes_no_to_bool(self.cleaned_data.get(name))
            if value is not None:
                setattr(intake, name, value)


class FamilyConsentsForm(ConsentsForm):
    consent_documents = agreements.DOCUMENTS


FORMS = {
    "about": FamilyAboutForm,
    "loved-one": LovedOneForm,
    "hopes": HopesForm,
    "wellbeing": WellbeingForm,
    "safety": FamilySafetyForm,
    "consents": FamilyConsentsForm,
}


class InvitationForm(forms.Form):
    from_name = forms.CharField(
        label="Your name on the invitation (optional)",
        max_length=80,
        required=False,
        help_text="Leave it empty and the page says only that someone who cares about them thought Waypoint might help.",
    )


class FamilyGoalForm(forms.Form):
    default_renderer = FORM_RENDERER
    kind = forms.ChoiceField(label="What would you like to work toward?", choices=FamilyGoalKind.choices, widget=forms.RadioSelect)
    days_a_week = forms.IntegerField(label="How many days a week?", min_value=1, max_value=7, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    stress_at_most = forms.IntegerField(
        label="For calmer days: stress at or below (0 to 10)", min_value=0, max_value=10, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    own_words = forms.CharField(label="Your goal, in your own words", max_length=300, help_text="For example: \u201cSit down to dinner together twice a week without arguing.\u201d")

    def clean(self):
        data = super().clean()
        if data.get("kind") == FamilyGoalKind.CALMER_DAYS and data.get("stress_at_most") is None:
            self.add_error("stress_at_most", "Please choose the stress level, from 0 to 10, that counts as a calmer day.")
        return data


class FamilyCheckInForm(forms.Form):
    default_renderer = FORM_RENDERER
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    stress = forms.IntegerField(label="Your own stress today, from 0 (none) to 10 (the most)", min_value=0, max_value=10, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    positive_moment = forms.ChoiceField(label="Did you have a positive moment with your loved one today?", choices=YES_NO, widget=forms.RadioSelect)
    conversation_tried = forms.ChoiceField(label="Did you try a new kind of conversation today?", choices=YES_NO, widget=forms.RadioSelect)
    note = forms.CharField(label="Anything you want to remember (optional, only you see it)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
