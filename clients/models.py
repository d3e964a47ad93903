# Progress log
# A client's own daily check-ins and goals (harm reduction: the goals are theirs).
# The rules that read them live in clients/progress.py.

from django.conf import settings as _settings  # noqa: E402
from django.contrib.postgres.fields import ArrayField  # noqa: E402
from django.core.validators import MaxValueValidator, MinValueValidator  # noqa: E402
from django.db import models  # noqa: E402

from accounts.models import Role  # noqa: E402
from coaching.encryption import EncryptedTextField  # noqa: E402


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    CANNABIS = "cannabis", "Cannabis"
    OPIOIDS = "opioids", "Opioids"
    STIMULANTS = "stimulants", "Stimulants"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    NICOTINE = "nicotine", "Nicotine"
    OTHER = "other", "Something else"


class Mood(models.IntegerChoices):
    VERY_LOW = 1, "Very low"
    LOW = 2, "Low"
    OKAY = 3, "Okay"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


class ProgressQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A client sees their own. Coaches go through clients.progress.shared_log_for()."""
        if user.is_authenticated and user.role == Role.CLIENT:
            return self.filter(client=user)
        return self.none()


class ProgressSettings(models.Model):
    """What a client tracks, and whether their coach may see it (off until they say so)."""

    client = models.OneToOneField(_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_settings")
    substances = ArrayField(models.CharField(max_length=20, choices=Substance.choices), default=list, blank=True)
    tracks_medication = models.BooleanField(default=False)
    share_with_coach = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "progress settings"


class GoalKind(models.TextChoices):
    MAX_DRINKS_PER_DAY = "max_drinks_per_day", "At most a number of drinks a day"
    ALCOHOL_FREE_DAYS = "alcohol_free_days", "Alcohol-free days a week"
    USE_FREE_DAYS = "use_free_days", "Days without using a substance, a week"
    NO_USE_ON_WEEKDAYS = "no_use_on_weekdays", "No use on weekdays"
    MEDICATION_DAILY = "medication_daily", "Take my medication every day"


class Goal(models.Model):
    client = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_goals")
    kind = models.CharField(max_length=24, choices=GoalKind.choices)
    substance = models.CharField(max_length=20, choices=Substance.choices, blank=True)
    amount = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(50)])
    own_words = EncryptedTextField(blank=True, default="", help_text="Your goal, in your own words (optional).")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["max_drinks_per_day", "alcohol_free_days", "use_free_days"]) | models.Q(amount__isnull=False),
                name="progress_goal_amount_when_counted",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["alcohol_free_days", "use_free_days"]) | models.Q(amount__lte=7),
                name="progress_goal_days_per_week_at_most_7",
            ),
        ]


class CheckIn(models.Model):
    """One day's check-in. The note is encrypted at rest."""

    client = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_ins")
    day = models.DateField()
    cravings = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    mood = models.PositiveSmallIntegerField(choices=Mood.choices)
    took_medication = models.BooleanField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_check_in_per_client_and_day"),
            models.CheckConstraint(condition=models.Q(cravings__lte=10), name="check_in_cravings_0_to_10"),
        ]


class SubstanceUse(models.Model):
    """Per chosen substance on one check-in: used or not; for alcohol, standard drinks."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="uses")
    substance = models.CharField(max_length=20, choices=Substance.choices)
    used = models.BooleanField()
    standard_drinks = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(60)])

    class Meta:
        ordering = ["substance"]
        constraints = [
            models.UniqueConstraint(fields=["check_in", "substance"], name="one_use_per_substance_per_check_in"),
            models.CheckConstraint(
                condition=models.Q(standard_drinks__isnull=True)
                | models.Q(used=True, standard_drinks__gt=0)
                | models.Q(used=False, standard_drinks=0),
                name="drinks_match_used",
            ),
        ]
