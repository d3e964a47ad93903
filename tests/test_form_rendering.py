"""core.form_rendering writes forms to the same bytes as Django's form templates: every
widget kind it writes, unbound, filled in and refused, and the forms that use it."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from accounts.models import User
from clients.data_views import ConfirmDeletionForm
from clients.models import ProgressSettings
from clients.progress_forms import CheckInForm, GoalForm, ProgressSettingsForm
from core.form_rendering import FORM_RENDERER
from families.forms import FamilyCheckInForm, FamilyGoalForm

TEMPLATES = DjangoTemplates()


class EveryKind(forms.Form):
    name = forms.CharField(label="Your <name> & more", max_length=20, help_text="As <b>you</b> like & it")
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    count = forms.IntegerField(min_value=0, max_value=9, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    mood = forms.TypedChoiceField(choices=[(1, "Low"), (2, "Okay <fine>")], coerce=int, widget=forms.RadioSelect)
    grouped = forms.ChoiceField(choices=[("", "—"), ("Drinks", [("beer", "Beer"), ("wine", "Wine & co")]), ("other", "Other")], required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree")
    words = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quiet = forms.CharField(label="", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") == "refuse":
            raise forms.ValidationError("Not <that> one.")
        return data


def both_ways(make):
    """The form made by `make(renderer)`, written by Django's templates and by ours."""
    ours, theirs = make(FORM_RENDERER), make(TEMPLATES)
    ours.is_bound and ours.is_valid()
    theirs.is_bound and theirs.is_valid()
    pieces = []
    for form in (ours, theirs):
        fields = [(str(bf), str(bf.label_tag()), bf.as_field_group(), [str(choice.tag()) for choice in bf.subwidgets] if hasattr(bf.field, "choices") else []) for bf in form]
        pieces.append((str(form), form.as_p(), fields, str(form.non_field_errors())))
    return pieces


FILLED = {
    "name": "Ali <b>", "email": "ali@example.org", "secret": "x", "count": "3", "day": "2026-03-02", "mood": "2",
    "grouped": "wine", "many": ["a", "b"], "agree": "on", "words": "Two\nlines & <more>", "hidden": "h&1",
}
REFUSED = {"name": "refuse", "count": "12", "day": "not a day", "mood": "7", "grouped": "nope", "email": "nope"}


@pytest.mark.parametrize("data", [None, FILLED, REFUSED, {}], ids=["unbound", "filled", "refused", "empty"])
def test_every_widget_kind_is_written_as_djangos_templates_write_it(data):
    ours, theirs = both_ways(lambda renderer: EveryKind(data, renderer=renderer, initial={"mood": 1, "many": ["b"], "words": "hi"}))
    assert ours == theirs


def test_a_field_without_a_label_suffix_or_id_too():
    ours, theirs = both_ways(lambda renderer: EveryKind(FILLED, renderer=renderer, auto_id=False, label_suffix=""))
    assert ours == theirs


SETTINGS = ProgressSettings(substances=["alcohol", "cannabis"], tracks_medication=True)
TODAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: CheckInForm(renderer=r, initial={"day": TODAY, "mood": 2, "note": "Long <day>.", "use_alcohol": 3}, settings=SETTINGS),
        lambda r: CheckInForm({"day": "tomorrow", "cravings": "11"}, renderer=r, settings=SETTINGS),
        lambda r: GoalForm(renderer=r),
        lambda r: GoalForm({"kind": "use_free_days", "amount": "9"}, renderer=r),
        lambda r: ProgressSettingsForm(renderer=r, instance=SETTINGS),
        lambda r: ConfirmDeletionForm(renderer=r, user=User(email="alice@example.com")),
        lambda r: ConfirmDeletionForm({"password": "wrong"}, renderer=r, user=User(email="alice@example.com")),
        lambda r: FamilyCheckInForm(renderer=r, initial={"day": TODAY}),
        lambda r: FamilyGoalForm({"kind": "calmer_days", "days_a_week": "3"}, renderer=r),
    ],
)
@pytest.mark.django_db
def test_our_forms_are_written_the_same_both_ways(make):
    ours, theirs = both_ways(make)
    assert ours == theirs
