import secrets
from datetime import time, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Role
from core.encryption import EncryptedTextField
from core.zones import is_valid_zone


class Specialty(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol moderation"
    OPIOIDS_MAT = "opioids_mat", "Opioids and MAT support"
    STIMULANTS = "stimulants", "Stimulants"
    CANNABIS = "cannabis", "Cannabis"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    FAMILIES = "families", "Families and loved ones"
    GENERAL = "general", "General harm reduction"


def new_feed_token():
    return secrets.token_urlsafe(32)


class CoachProfileQuerySet(models.QuerySet):
    def listed(self):
        """Coaches clients may find and book: listed, and still an active coach (a profile
        left behind by someone who became an admin, or left, is not offered)."""
        return self.filter(is_listed=True, user__is_active=True, user__role=Role.COACH)

    def visible_to(self, user):
        """Public profiles for everyone; a coach also sees their own unlisted profile."""
        if user.is_authenticated and user.role == Role.ADMIN:
            return self.all()
        if user.is_authenticated and user.role == Role.COACH:
            return self.filter(models.Q(is_listed=True, user__is_active=True, user__role=Role.COACH) | models.Q(user=user))
        return self.listed()

    def editable_by(self, user):
        if user.is_authenticated and user.role == Role.COACH:
            return self.filter(user=user)
        return self.none()


class CoachProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_profile")
    display_name = models.CharField(max_length=120)
    pronouns = models.CharField(max_length=40, blank=True)
    bio = models.TextField(blank=True)
    specialties = ArrayField(models.CharField(max_length=32, choices=Specialty.choices), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[])
    meeting_link = models.URLField(blank=True, help_text="Leave empty to get a private video room per session.")
    slot_step_minutes = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(5), MaxValueValidator(120)])
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(240)])
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(240)])
    min_notice_hours = models.PositiveSmallIntegerField(default=12, validators=[MaxValueValidator(24 * 30)])
    horizon_days = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(1), MaxValueValidator(365)])
    daily_cap = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Most sessions in one day; empty for no cap.")
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)
    # A feed address stops working FEED_TOKEN_DAYS after it was made (coaching/feed.py).
    feed_token_created_at = models.DateTimeField(default=timezone.now)
    feed_shows_initials = models.BooleanField(
        "Show clients' initials in my calendar app",
        default=False,
        help_text="When this is off, sessions show only as 'Waypoint session' and a reference. Full names are never sent.",
    )
    is_listed = models.BooleanField(default=True)

    objects = CoachProfileQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def clean(self):
        from django.core.exceptions import ValidationError

        if not is_valid_zone(self.time_zone):
            raise ValidationError({"time_zone": "That is not a time zone we know. Try a name like America/Chicago."})


class OwnedByCoachQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.COACH:
            return self.filter(coach__user=user)
        if user.is_authenticated and user.role == Role.ADMIN:
            return self.all()
        return self.none()


class SessionType(models.Model):
    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="session_types")
    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(10), MaxValueValidator(240)])
    price_cents = models.PositiveIntegerField(default=0, help_text="0 for a free session.")
    currency = models.CharField(max_length=3, default="usd")
    cancellation_notice_hours = models.PositiveSmallIntegerField(default=24)
    max_reschedules = models.PositiveSmallIntegerField(default=2)
    # A family session is for someone worried about a loved one: the same slots, payment and
    # policy as any other, and paid ones open once their family intake is approved.
    for_families = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = OwnedByCoachQuerySet.as_manager()

    class Meta:
        ordering = ["coach", "price_cents", "duration_minutes"]

    def __str__(self):
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def is_free(self):
        return self.price_cents == 0


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


MIDNIGHT = time(0)


class WeeklyHours(models.Model):
    """A working range on one weekday, in wall-clock time in the coach's own zone. An end
    of 00:00 is midnight at the end of that day, so hours may run to 24:00."""

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    objects = OwnedByCoachQuerySet.as_manager()

    class Meta:
        ordering = ["coach", "weekday", "start_time"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")) | models.Q(end_time=MIDNIGHT),
                name="weekly_hours_end_after_start",
                violation_error_message="The end time must be after the start time. For hours past midnight, add a range on the next day.",
            ),
        ]


class TimeOff(models.Model):
    """Time the coach is away, stored as UTC instants."""

    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    whole_days = models.BooleanField(default=False, help_text="Whole days in the coach's zone, midnight to midnight.")
    note = EncryptedTextField(max_length=120, blank=True, default="")  # the coach's own words

    objects = OwnedByCoachQuerySet.as_manager()

    class Meta:
        ordering = ["coach", "starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="time_off_end_after_start"),
        ]

    @property
    def last_instant(self):
        """The last moment away (ends_at is exclusive), for "until the end of Friday"."""
        return self.ends_at - timedelta(microseconds=1)
