"""The path for people who are worried about someone: which ways in a person chose, the
family intake and its review, the invitation a family member passes on by hand, the
link two accounts make only when both agree, and the family member's own progress log.

Everything a person wrote is sealed (core.encryption). In clear stay only what queries
need: statuses, the urgent flag, dates, ids and which steps are done.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import Role
from clients.models import Intake, IntakeReview, Substance
from clients.scoring import RULER_MAX, RULER_MIN
from core.encryption import EncryptedJSONField, EncryptedTextField, reveal

INVITATION_LIFETIME = timedelta(days=14)


class Path(models.TextChoices):
    ABOUT_ME = "about_me", "It\u2019s about me"
    WORRIED = "worried", "I\u2019m worried about someone"


class PathChoice(models.Model):
    """The ways in a person chose. Someone without a row is on the path about themselves:
    everyone who joined before this path existed."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_choice")
    about_me = models.BooleanField(default=True)
    worried = models.BooleanField(default=False)
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(about_me=True) | models.Q(worried=True), name="at_least_one_path")]


class Relationship(models.TextChoices):
    PARENT = "parent", "I am their parent"
    PARTNER = "partner", "I am their partner or spouse"
    CHILD = "child", "I am their son or daughter"
    SIBLING = "sibling", "I am their brother or sister"
    FRIEND = "friend", "I am their friend"
    OTHER = "other", "Something else"


class Hope(models.TextChoices):
    OWN_WELLBEING = "own_wellbeing", "Look after my own wellbeing"
    CONVERSATIONS = "conversations", "Have better conversations with them"
    ENCOURAGE_HELP = "encourage_help", "Encourage them toward help"
    SAFETY_AT_HOME = "safety_at_home", "Make home safer"


class Country(models.TextChoices):
    """Where the family member lives, for the right phone numbers (families/resources.py)."""

    US = "US", "United States"
    CA = "CA", "Canada"
    GB = "GB", "United Kingdom"
    IE = "IE", "Ireland"
    AU = "AU", "Australia"
    NZ = "NZ", "New Zealand"
    OTHER = "other", "Somewhere else"


class FamilyIntakeQuerySet(models.QuerySet):
    def review_queue(self):
        """Waiting for an admin: urgent first, then the longest waiting."""
        return self.filter(status=Intake.Status.SUBMITTED).order_by("-is_urgent", "submitted_at", "pk")


class FamilyIntake(models.Model):
    """The intake of someone worried about a loved one: a draft until submitted, then reviewed.
    `client` is the family member (a client account): the loved one is never a row here."""

    Status = Intake.Status
    EDITABLE = Intake.EDITABLE

    client = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_intake")
    status = models.CharField(max_length=12, choices=Intake.Status.choices, default=Intake.Status.DRAFT)
    steps_done = ArrayField(models.CharField(max_length=16), default=list, blank=True)

    # 1. About you
    preferred_name = EncryptedTextField(max_length=80, blank=True, default="")
    pronouns = EncryptedTextField(max_length=40, blank=True, default="")
    time_zone = EncryptedTextField(max_length=64, blank=True, default="")
    language = EncryptedTextField(max_length=40, blank=True, default="English")
    country = EncryptedTextField(max_length=8, choices=Country.choices, blank=True, default="")
    phone = EncryptedTextField(max_length=32, blank=True, default="")

    # 2. Who you are worried about (every answer optional)
    relationship = EncryptedTextField(max_length=12, choices=Relationship.choices, blank=True, default="")
    relationship_other = EncryptedTextField(max_length=120, blank=True, default="")
    noticed = EncryptedTextField(blank=True, default="")
    substances = EncryptedJSONField(default=list, blank=True)  # clients.models.Substance values
    substance_other = EncryptedTextField(max_length=120, blank=True, default="")

    # 3. What you hope for
    hopes = EncryptedJSONField(default=list, blank=True)  # Hope values
    hopes_in_own_words = EncryptedTextField(blank=True, default="")

    # 4. Your own wellbeing: PSS-4 answers as given, its score once complete, the readiness ruler
    pss_answers = EncryptedJSONField(default=None, blank=True)
    pss_score = EncryptedJSONField(default=None, blank=True)
    importance = EncryptedJSONField(default=None, blank=True, validators=[MinValueValidator(RULER_MIN), MaxValueValidator(RULER_MAX)])
    confidence = EncryptedJSONField(default=None, blank=True, validators=[MinValueValidator(RULER_MIN), MaxValueValidator(RULER_MAX)])

    # 5. Safety: the family member's own, and the loved one's
    afraid_of_loved_one = EncryptedJSONField(default=None, blank=True)
    thoughts_of_self_harm = EncryptedJSONField(default=None, blank=True)
    overdose_at_home = EncryptedJSONField(default=None, blank=True)
    # Set by any "yes" above; in clear so urgent intakes come first.
    is_urgent = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = FamilyIntakeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "is_urgent", "submitted_at"])]

    def __str__(self):
        return f"Family intake of {self.client}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    def latest_review(self):
        return self.reviews.order_by("-created_at", "-pk").first()

    def relationship_label(self):
        value = reveal(self.relationship)
        if value == Relationship.OTHER and reveal(self.relationship_other):
            return reveal(self.relationship_other)
        return Relationship(value).label if value else ""

    def hope_labels(self):
        return [Hope(value).label for value in reveal(self.hopes) or []]

    def country_label(self):
        value = reveal(self.country)
        return Country(value).label if value else ""

    def substance_labels(self):
        labels = [Substance(value).label for value in reveal(self.substances) or [] if value != Substance.OTHER]
        if Substance.OTHER in (reveal(self.substances) or []):
            labels.append(reveal(self.substance_other) or Substance.OTHER.label)
        return labels


class FamilyReview(models.Model):
    """One admin decision on a submitted family intake."""

    Action = IntakeReview.Action

    intake = models.ForeignKey(FamilyIntake, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(max_length=12, choices=IntakeReview.Action.choices)
    message = EncryptedTextField(blank=True, default="")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]


class FamilyMatch(models.Model):
    """A coach who works with families, matched with a family member by an admin."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_matches")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_clients", limit_choices_to={"role": Role.COACH}
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["client", "assigned_at"]
        constraints = [models.UniqueConstraint(fields=["client", "coach"], name="one_family_match_per_coach_and_client")]


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A family member sees the invitations they made; nobody else sees any."""
        if user.is_authenticated and user.role == Role.CLIENT:
            return self.filter(family_member=user)
        return self.none()


class LovedOneInvitation(models.Model):
    """A link the family member passes on by hand; Waypoint never sends it. Its secret is an
    HMAC of the row (never stored). Who used it is kept from the family member: they learn
    it only if the loved one agrees to link."""

    family_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loved_one_invitations")
    from_name = EncryptedTextField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_used")
    used_at = models.DateTimeField(null=True, blank=True)
    # The loved one said "no thanks" to linking: the offer is not shown to them again.
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def token(self):
        return salted_hmac("families.LovedOneInvitation", f"{self.pk}:{self.family_member_id}:{self.created_at.isoformat()}", algorithm="sha256").hexdigest()

    def is_open(self, now=None):
        return self.withdrawn_at is None and (now or timezone.now()) < self.expires_at


class LinkQuerySet(models.QuerySet):
    def live(self):
        return self.filter(ended_at=None)

    def involving(self, user):
        return self.filter(models.Q(family_member=user) | models.Q(loved_one=user))

    def visible_to(self, user):
        """Each live link a person is part of (a row exists only once the loved one agreed)."""
        if user.is_authenticated and user.role == Role.CLIENT:
            return self.live().involving(user)
        return self.none()


class FamilyLink(models.Model):
    """Two accounts linked because both agreed. It shows each that the other has an account,
    and nothing else. Either side can end it; an ended link stays ended."""

    family_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links_as_family")
    loved_one = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="links_as_loved_one")
    invitation = models.ForeignKey(LovedOneInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    loved_one_agreed_at = models.DateTimeField()
    family_agreed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["-loved_one_agreed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["family_member", "loved_one"], condition=models.Q(ended_at=None), name="one_live_link_per_pair"),
            models.CheckConstraint(condition=~models.Q(family_member=models.F("loved_one")), name="link_joins_two_people"),
        ]

    @property
    def is_linked(self):
        return self.ended_at is None and self.family_agreed_at is not None


# The family member's own progress log ---------------------------------------------------


class FamilyGoalKind(models.TextChoices):
    CALMER_DAYS = "calmer_days", "Days my stress is at or below a level I choose, a week"
    POSITIVE_MOMENTS = "positive_moments", "Days with a positive moment with my loved one, a week"
    CONVERSATIONS = "conversations", "Days I try a new kind of conversation, a week"


class FamilyLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.CLIENT:
            return self.filter(client=user)
        return self.none()


class FamilyGoal(models.Model):
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_goals")
    kind = models.CharField(max_length=20, choices=FamilyGoalKind.choices)
    days_a_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(7)])
    # For "calmer days": the stress level (0-10) at or below which a day counts.
    stress_at_most = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    own_words = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FamilyLogQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days_a_week__gte=1, days_a_week__lte=7), name="family_goal_days_1_to_7"),
            models.CheckConstraint(
                condition=~models.Q(kind="calmer_days") | models.Q(stress_at_most__isnull=False, stress_at_most__lte=10),
                name="family_goal_calmer_days_has_a_level",
            ),
        ]


class FamilyCheckIn(models.Model):
    """One day of the family member's log: their own stress, a positive moment, a conversation tried."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_check_ins")
    day = models.DateField()
    stress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    positive_moment = models.BooleanField()
    conversation_tried = models.BooleanField()
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = FamilyLogQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_family_check_in_per_day"),
            models.CheckConstraint(condition=models.Q(stress__lte=10), name="family_check_in_stress_0_to_10"),
        ]
