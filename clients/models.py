from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from core.encryption import EncryptedJSONField, EncryptedTextField, reveal
from core.prepared import Arg, PreparedQuery

from .scoring import RULER_MAX, RULER_MIN, Sex


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    OPIOIDS = "opioids", "Opioids"
    STIMULANTS = "stimulants", "Stimulants"
    CANNABIS = "cannabis", "Cannabis"
    BENZODIAZEPINES = "benzodiazepines", "Benzodiazepines"
    OTHER = "other", "Something else"


class Treatment(models.TextChoices):
    """Current medication-assisted treatment."""

    NONE = "none", "None right now"
    BUPRENORPHINE = "buprenorphine", "Suboxone / buprenorphine"
    METHADONE = "methadone", "Methadone"
    NALTREXONE = "naltrexone", "Vivitrol / naltrexone"
    OTHER = "other", "Something else"


class IntakeGoal(models.TextChoices):
    STOP = "stop", "Stop completely"
    CUT_DOWN = "cut_down", "Cut down / controlled drinking or use"
    SAFER = "safer", "Use more safely"
    MAT = "mat", "Stay on track with my medication-assisted treatment"
    NOT_SURE = "not_sure", "I am not sure yet"


class IntakeQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Intake.Status.SUBMITTED)

    def review_queue(self):
        """Waiting for an admin: urgent first, then the longest waiting. An unsent draft whose
        "yes" to the safety question was flagged (clients/urgent_case.py) waits here too."""
        return self.filter(
            models.Q(status=Intake.Status.SUBMITTED)
            | models.Q(status=Intake.Status.DRAFT, is_urgent=True, urgent_draft_flagged_at__isnull=False)
        ).order_by("-is_urgent", Coalesce("submitted_at", "urgent_draft_flagged_at"), "pk")


class Intake(models.Model):
    """A client's intake questionnaire: a draft until submitted, then reviewed by an admin."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for review"
        MORE_INFO = "more_info", "We asked for a little more"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Referred elsewhere"

    EDITABLE = (Status.DRAFT, Status.MORE_INFO)

    client = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The form's progress (step names only); like the status, it holds nothing the client said.
    steps_done = ArrayField(models.CharField(max_length=16), default=list, blank=True)

    # Every answer is sealed (core.encryption), each field under its own key: a dump, a
    # replica or a backup shows ciphertext. In clear stay only what queries need: the
    # status, the urgent flag (the review queue's order), the dates and the ids.

    # 1. About you
    preferred_name = EncryptedTextField(max_length=80, blank=True, default="")
    pronouns = EncryptedTextField(max_length=40, blank=True, default="")
    time_zone = EncryptedTextField(max_length=64, blank=True, default="")
    language = EncryptedTextField(max_length=40, blank=True, default="English")
    phone = EncryptedTextField(max_length=32, blank=True, default="")
    emergency_contact = EncryptedTextField(max_length=160, blank=True, default="")

    # 2. What brings you
    substances = EncryptedJSONField(default=list, blank=True)  # Substance values
    substance_other = EncryptedTextField(max_length=120, blank=True, default="")
    treatment = EncryptedTextField(max_length=16, choices=Treatment.choices, blank=True, default="")
    treatment_other = EncryptedTextField(max_length=120, blank=True, default="")
    goal = EncryptedTextField(max_length=12, choices=IntakeGoal.choices, blank=True, default="")
    goal_in_own_words = EncryptedTextField(blank=True, default="")

    # 3. Screening: answers kept as given (None for one a draft left out; None for a screen
    # not asked); scores worked out by clients/scoring.py once a screen is complete.
    sex = EncryptedTextField(max_length=8, choices=Sex.choices, blank=True, default="")
    audit_c_answers = EncryptedJSONField(default=None, blank=True)  # 3 option indexes 0-4
    audit_c_score = EncryptedJSONField(default=None, blank=True)
    audit_c_positive = EncryptedJSONField(default=None, blank=True)
    dast_answers = EncryptedJSONField(default=None, blank=True)  # 10 yes (True) / no (False)
    dast_score = EncryptedJSONField(default=None, blank=True)
    dast_band = EncryptedTextField(max_length=40, blank=True, default="")
    importance = EncryptedJSONField(
        default=None, blank=True, validators=[MinValueValidator(RULER_MIN), MaxValueValidator(RULER_MAX)]
    )
    confidence = EncryptedJSONField(
        default=None, blank=True, validators=[MinValueValidator(RULER_MIN), MaxValueValidator(RULER_MAX)]
    )

    # 4. Safety
    thoughts_of_self_harm = EncryptedJSONField(default=None, blank=True)
    overdose_past_year = EncryptedJSONField(default=None, blank=True)
    # Set by a "yes" to the question above; in clear so urgent intakes come first.
    is_urgent = models.BooleanField(default=False)
    # Set when a draft with that "yes" was left unsent for URGENT_DRAFT_HOURS: admins are
    # alerted as for a sent urgent intake, and may open the draft.
    urgent_draft_flagged_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        # The 0-10 range of the readiness answers is the form's and the field validators' to
        # keep: the database sees only ciphertext, so it can no longer check it.
        indexes = [models.Index(fields=["status", "is_urgent", "submitted_at"])]

    def __str__(self):
        return f"Intake of {self.client}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def asks_audit_c(self):
        return Substance.ALCOHOL in reveal(self.substances)

    @property
    def asks_dast(self):
        return any(substance != Substance.ALCOHOL for substance in reveal(self.substances))

    def substance_labels(self):
        """What the client would like to talk about, in words (for the pages that show the intake)."""
        substances = reveal(self.substances)
        labels = [Substance(value).label for value in substances if value != Substance.OTHER]
        if Substance.OTHER in substances:
            labels.append(reveal(self.substance_other) or Substance.OTHER.label)
        return labels

    def treatment_label(self):
        if reveal(self.treatment) == Treatment.OTHER and self.treatment_other:
            return reveal(self.treatment_other)
        return self.get_treatment_display()

    def latest_review(self):
        found = _LATEST_REVIEW.objects(intake=self.pk)
        if not found:
            return None
        found[0].intake = self  # as self.reviews would have it
        return found[0]


class IntakeReview(models.Model):
    """One admin decision on a submitted intake; the e-mail to the client is sent once per row."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved"
        MORE_INFO = "more_info", "Asked for more information"
        DECLINED = "declined", "Declined with referral"

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=12, choices=Action.choices)
    message = EncryptedTextField(blank=True, default="")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


# Asked by each page that shows an intake: compiled once (core/prepared.py).
_LATEST_REVIEW = PreparedQuery(
    lambda: IntakeReview.objects.filter(intake=Arg("intake", models.IntegerField())).order_by("-created_at", "-pk")[:1]
)


class UrgentFollowUp(models.Model):
    """What an admin did about an urgent intake ("called, left a voicemail"): the case's log.
    Sealed like every note; each one written and each read is on the audit trail."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class CoachAssignment(models.Model):
    """A coach matched with a client by an admin."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="client_assignments",
        limit_choices_to={"role": Role.COACH},
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client", "assigned_at"]
        constraints = [models.UniqueConstraint(fields=["client", "coach"], name="one_assignment_per_coach_and_client")]

    def __str__(self):
        return f"{self.coach} coaches {self.client}"


class Consent(models.Model):
    """A consent the client signed: the exact text shown, the typed name, the time and the IP."""

    class Kind(models.TextChoices):
        NOT_MEDICAL_CARE = "not_medical_care", "Coaching is not medical care or an emergency service"
        PRIVACY = "privacy", "Your privacy and how we keep records"
        SHARE_WITH_COACH = "share_with_coach", "Sharing your intake with your coach"
        FAMILY_COACHING = "family_coaching", "Coaching about someone you are worried about"

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=20)
    text = models.TextField()
    signed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        # The newest signature of a kind is the one in force; older ones stay as history.
        ordering = ["client", "kind", "-signed_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} signed by {self.signed_name}"

    def is_in_force(self, at=None):
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


# Progress log
# A client's own daily check-ins and goals (harm reduction: the goals are theirs).
# The rules that read them live in clients/progress.py.

from django.conf import settings as _settings  # noqa: E402
from django.contrib.postgres.fields import ArrayField  # noqa: E402
from django.core.validators import MaxValueValidator, MinValueValidator  # noqa: E402
from django.db import models  # noqa: E402

from accounts.models import Role  # noqa: E402
from core.encryption import EncryptedTextField  # noqa: E402


class TrackedSubstance(models.TextChoices):
    """What a client may track in the progress log (a wider list than the intake's)."""

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
    substances = ArrayField(models.CharField(max_length=20, choices=TrackedSubstance.choices), default=list, blank=True)
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
    substance = models.CharField(max_length=20, choices=TrackedSubstance.choices, blank=True)
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
    substance = models.CharField(max_length=20, choices=TrackedSubstance.choices)
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
