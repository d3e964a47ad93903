from django import forms

from ..notices import CoachNoticeKind
from ..reminders import OFFSET_CHOICES


class ClientReminderForm(forms.Form):
    email_reminders = forms.BooleanField(label="Send me reminders by e-mail", required=False)
    offsets_minutes = forms.TypedMultipleChoiceField(
        label="When",
        choices=OFFSET_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Reminders name only the day and time; the details stay behind your login.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email_reminders") and not cleaned.get("offsets_minutes"):
            self.add_error("offsets_minutes", "Pick at least one time, or turn e-mail reminders off.")
        return cleaned


class CoachAgendaForm(forms.Form):
    morning_agenda = forms.BooleanField(
        label="E-mail me my day's sessions each morning",
        required=False,
        help_text="Sent at 7 am in your time zone, on days with sessions.",
    )
    booking_emails = forms.MultipleChoiceField(
        label="E-mail me when…",
        choices=CoachNoticeKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The subject line names only the day; the client's name is inside.",
    )

    @staticmethod
    def initial_from(prefs):
        return {
            "morning_agenda": prefs.morning_agenda,
            "booking_emails": [kind for kind in CoachNoticeKind.values if kind not in prefs.coach_notices_off],
        }

    def preferences(self):
        """The choices as `reminders.set_preferences` takes them: the kinds turned off."""
        chosen = set(self.cleaned_data["booking_emails"])
        return {
            "morning_agenda": self.cleaned_data["morning_agenda"],
            "coach_notices_off": [kind for kind in CoachNoticeKind.values if kind not in chosen],
        }
