import unicodedata
from datetime import timedelta
from functools import lru_cache

from django import forms
from django.utils import timezone

from accounts.zone_picker import ZoneField

from .hours import overlapping_hours
from .models import MIDNIGHT, CoachProfile, SessionType, Specialty, WeeklyHours

# Time off further ahead than this blocks nothing a client could book (the horizon is at
# most a year), and dates at the calendar's edges cannot be turned into instants.
TIME_OFF_YEARS_AHEAD = 5
CURRENCIES = [("usd", "US dollars"), ("cad", "Canadian dollars"), ("gbp", "Pounds sterling"), ("eur", "Euros")]


class ZoneForm(forms.Form):
    zone = ZoneField(label="Show times in")

    def __init__(self, *args, viewer_zone="", coach_zone="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].suggest((viewer_zone, "yours"), (coach_zone, "your coach's"))


def zone_context(zone, coach_zone):
    """What partials/zone_form.html needs: the picker with the viewer's and the coach's zones
    suggested, and the viewer's zone named."""
    return {
        "zone_form": {"zone": _zone_picker(str(zone), coach_zone or "")},
        "zone_name": str(zone).replace("_", " "),
        "viewer_zone": str(zone),
    }


@lru_cache(maxsize=1024)
def _zone_picker(zone, coach_zone):
    # The same for everyone with these two zones; an unbound form is made and drawn once.
    return ZoneForm(initial={"zone": zone}, viewer_zone=zone, coach_zone=coach_zone)["zone"].as_widget()


class DirectoryFilterForm(forms.Form):
    specialty = forms.ChoiceField(label="Focus", required=False, choices=[("", "Any focus"), *Specialty.choices])
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "Any language")])

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "Any language"), *[(name, name) for name in languages]]


class CoachProfileForm(forms.ModelForm):
    specialties = forms.MultipleChoiceField(
        label="What you help with", choices=Specialty.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.CharField(
        label="Languages you coach in", help_text="Separate them with commas, e.g. English, Spanish.", max_length=300, required=False
    )
    time_zone = ZoneField(label="Your time zone", help_text="Your weekly hours are in this zone.")
    meeting_link = forms.URLField(
        label="Your video meeting link",
        required=False,
        assume_scheme="https",
        help_text="Leave empty and each session gets its own private video room.",
    )

    class Meta:
        model = CoachProfile
        fields = ["display_name", "pronouns", "bio", "specialties", "languages", "time_zone", "meeting_link", "is_listed"]
        labels = {
            "display_name": "Name clients see",
            "bio": "About you",
            "meeting_link": "Your video meeting link",
            "is_listed": "Show me in the coach directory",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if any(unicodedata.category(character).startswith("C") for character in name):
            raise forms.ValidationError("Please write your name on one line, without special characters.")
        return name

    def clean_languages(self):
        names = [name.strip() for name in self.cleaned_data["languages"].split(",") if name.strip()]
        if not names:
            raise forms.ValidationError("Name at least one language you coach in.")
        if any(len(name) > 40 for name in names):
            raise forms.ValidationError("Each language should be at most 40 characters.")
        return list(dict.fromkeys(names))


class FeedSettingsForm(forms.ModelForm):
    class Meta:
        model = CoachProfile
        fields = ["feed_shows_initials"]


class BookingRulesForm(forms.ModelForm):
    class Meta:
        model = CoachProfile
        fields = [
            "buffer_before_minutes",
            "buffer_after_minutes",
            "min_notice_hours",
            "horizon_days",
            "daily_cap",
            "slot_step_minutes",
        ]
        labels = {
            "buffer_before_minutes": "Free minutes before each session",
            "buffer_after_minutes": "Free minutes after each session",
            "min_notice_hours": "Minimum notice (hours)",
            "horizon_days": "How far ahead clients may book (days)",
            "daily_cap": "Most sessions in one day",
            "slot_step_minutes": "Start times every (minutes)",
        }
        help_texts = {
            "min_notice_hours": "Clients cannot book a session that starts sooner than this.",
            "daily_cap": "Leave empty for no limit.",
            "slot_step_minutes": "15 offers 9:00, 9:15, 9:30 and so on.",
        }

    def clean_daily_cap(self):
        cap = self.cleaned_data["daily_cap"]
        if cap == 0:
            raise forms.ValidationError("A cap of 0 would close every day. Leave it empty for no limit.")
        return cap


class SessionTypeForm(forms.ModelForm):
    price = forms.DecimalField(
        label="Price", min_value=0, max_value=10000, decimal_places=2, help_text="0 for a free session, e.g. an intro call."
    )
    currency = forms.ChoiceField(choices=CURRENCIES)

    class Meta:
        model = SessionType
        fields = ["name", "duration_minutes", "price", "currency", "cancellation_notice_hours", "max_reschedules", "for_families"]
        labels = {
            "for_families": "A family session, for someone worried about a loved one",
            "duration_minutes": "Length (minutes)",
            "cancellation_notice_hours": "Free cancellation up to (hours before)",
            "max_reschedules": "Reschedules allowed",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["price"] = f"{self.instance.price_cents / 100:.2f}"

    def save(self, commit=True):
        self.instance.price_cents = int(round(self.cleaned_data["price"] * 100))
        return super().save(commit=commit)


class WeeklyHoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = ["weekday", "start_time", "end_time"]
        labels = {"weekday": "Day", "start_time": "From", "end_time": "Until"}
        help_texts = {"end_time": "To work until midnight, choose 00:00."}
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach

    def clean(self):
        data = super().clean()
        weekday, start, end = data.get("weekday"), data.get("start_time"), data.get("end_time")
        if start is None or end is None or weekday is None:
            return data
        if end <= start and end != MIDNIGHT:
            return data  # the model's constraint says so, in words
        clashes = overlapping_hours(self.coach, weekday, start, end, exclude_pk=self.instance.pk)
        if clashes:
            other = clashes[0]
            until = "midnight" if other.end_time == MIDNIGHT else f"{other.end_time:%H:%M}"
            raise forms.ValidationError(
                f"This overlaps your hours {other.start_time:%H:%M}–{until} on that day. "
                "Change that range instead, or pick times that do not overlap."
            )
        return data

    def save(self, commit=True):
        self.instance.coach = self.coach
        return super().save(commit=commit)


class TimeOffForm(forms.Form):
    first_day = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(
        label="Last day", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Leave empty for one day."
    )
    start_time = forms.TimeField(
        label="From (part of a day)", required=False, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Leave both times empty for whole days.",
    )
    end_time = forms.TimeField(label="Until", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label="Note for yourself", required=False, max_length=120)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first is None:
            return data
        if last is None:
            data["last_day"] = last = first
        if last < first:
            raise forms.ValidationError("The last day must be on or after the first day.")
        today = timezone.now().date()
        if first < today - timedelta(days=366) or last > today + timedelta(days=TIME_OFF_YEARS_AHEAD * 366):
            raise forms.ValidationError(
                f"Please pick days between a year ago and {TIME_OFF_YEARS_AHEAD} years from now."
            )
        start, end = data.get("start_time"), data.get("end_time")
        if (start is None) != (end is None):
            raise forms.ValidationError("For part of a day, give both a start and an end time; for whole days, leave both empty.")
        if start is not None and first == last and end <= start:
            raise forms.ValidationError("The end time must be after the start time.")
        return data
