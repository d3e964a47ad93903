from datetime import timedelta

from django import forms

from ..models import WEEKDAY_NAMES, PartOfDay
from ..waitlist import LONGEST_WAIT_DAYS

WEEKDAYS = list(enumerate(WEEKDAY_NAMES))


class JoinWaitlistForm(forms.Form):
    session_type = forms.ModelChoiceField(label="Session", queryset=None, empty_label=None)
    weekdays = forms.TypedMultipleChoiceField(
        label="Days that suit you", choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one day."},
    )
    parts_of_day = forms.MultipleChoiceField(
        label="Times of day that suit you", choices=PartOfDay.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Please choose at least one time of day."},
    )
    until = forms.DateField(
        label="Keep me on the waitlist until", widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"Up to {LONGEST_WAIT_DAYS} days from today. You can leave the waitlist at any time.",
    )

    def __init__(self, *args, session_types, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["session_type"].queryset = session_types
        self.fields["until"].widget.attrs.update(min=today.isoformat(), max=(today + timedelta(days=LONGEST_WAIT_DAYS)).isoformat())

    def clean_until(self):
        until = self.cleaned_data["until"]
        if not self.today <= until <= self.today + timedelta(days=LONGEST_WAIT_DAYS):
            raise forms.ValidationError(f"Please choose a day between today and {LONGEST_WAIT_DAYS} days from now.")
        return until
