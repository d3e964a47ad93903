"""Bookings, the payments behind them, Stripe's events, reminder choices and session notes.

Fields, constraints and querysets only: the rules live in `transitions.py`, `policy.py`,
`payments/`, `reminders/` and `notes.py`.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import Func, Q

from accounts.models import Role
from core.encryption import EncryptedJSONField, EncryptedTextField
from coaching.models import CoachProfile, SessionType


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()  # only ever used inside the exclusion constraints


class Status(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Waiting for payment"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "Missed"
    EXPIRED = "expired", "Hold ended"
    CANCELLED = "cancelled", "Cancelled"


# A constraint cannot read the clock, so "live" is by status alone; the booking function
# expires a coach's stale holds in the same transaction before it checks and inserts.
# For people, a live booking is a confirmed one or a hold whose time has not run out:
# `Booking.objects.live_now(now)`.
LIVE_STATUSES = (Status.PENDING_PAYMENT, Status.CONFIRMED)
# Sessions that are on or took place: shown on calendars and session lists, and what
# lets a coach know a client and write a note.
SHOWN_STATUSES = (Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)


class CancelledBy(models.TextChoices):
    CLIENT = "client", "Client"
    COACH = "coach", "Coach"
    ADMIN = "admin", "Admin"
    SYSTEM = "system", "Waypoint"


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role == Role.COACH:
            return self.filter(coach__user=user)
        return self.filter(client=user)

    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def live_now(self, now):
        return self.filter(Q(status=Status.CONFIRMED) | Q(status=Status.PENDING_PAYMENT, hold_expires_at__gt=now))

    def shown(self):
        return self.filter(status__in=SHOWN_STATUSES)

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Booking(models.Model):
    coach = models.ForeignKey(CoachProfile, on_delete=models.PROTECT, related_name="bookings")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The coach's buffers, copied at booking time, widen the time the booking blocks.
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    price_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    cancellation_notice_hours = models.PositiveSmallIntegerField()
    max_reschedules = models.PositiveSmallIntegerField()
    meeting_link = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancel_reason = EncryptedTextField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["coach", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=models.F("starts_at"), blocked_until__gte=models.F("ends_at")),
                name="booking_blocked_covers_session",
            ),
            ExclusionConstraint(
                name="booking_no_coach_overlap",
                expressions=[
                    ("coach", RangeOperators.EQUAL),
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
                violation_error_message="That time was just taken.",
            ),
            ExclusionConstraint(
                name="booking_no_client_overlap",
                expressions=[
                    ("client", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_STATUSES),
                violation_error_message="You already have a session at that time.",
            ),
        ]

    def __str__(self):
        return f"Booking {self.pk} ({self.get_status_display()})"

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES

    @property
    def is_free(self):
        return self.price_cents == 0

    @property
    def short_reference(self):
        """What a calendar outside Waypoint shows to tell sessions apart: it names no one."""
        return f"#{self.pk}"


class PaymentStatus(models.TextChoices):
    AWAITING_CARD = "awaiting_card", "Waiting for card"
    PROCESSING = "processing", "Processing"
    REQUIRES_ACTION = "requires_action", "Needs authentication"
    SUCCEEDED = "succeeded", "Paid"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Cancelled"


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.ADMIN:
            return self.all()
        if user.is_authenticated and user.role == Role.CLIENT:
            return self.filter(booking__client=user)
        return self.none()


class Payment(models.Model):
    """One attempt to pay for a booking: a SetupIntent and, once the card is saved, a PaymentIntent."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.AWAITING_CARD)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    captured_cents = models.PositiveIntegerField(default=0)
    refunded_cents = models.PositiveIntegerField(default=0)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Recorded by seed_demo without Stripe.")
    # Flags beside the status, not states of their own: a payment Stripe took stays
    # `succeeded` (the money is real and refunds like any other) while admins look at it.
    mismatch = models.CharField(
        max_length=300,
        blank=True,
        help_text="What did not match the booking when Stripe took the money; such a payment never confirms it.",
    )
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.CharField(max_length=100, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=models.F("captured_cents")), name="payment_refund_at_most_captured"
            ),
        ]

    def __str__(self):
        return f"Payment {self.pk} ({self.get_status_display()})"

    @property
    def refundable_cents(self):
        return self.captured_cents - self.refunded_cents

    @property
    def needs_a_look(self):
        return bool(self.mismatch) or self.disputed_at is not None

    @property
    def status_in_words(self):
        """The status as people read it: a paid payment given back in part is "Partly refunded"."""
        if self.status == PaymentStatus.SUCCEEDED and self.refunded_cents:
            return "Refunded" if self.refunded_cents >= self.captured_cents else "Partly refunded"
        return self.get_status_display()


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Being refunded"
    SUCCEEDED = "succeeded", "Refunded"
    FAILED = "failed", "Refused by the bank"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField()
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    reason = EncryptedTextField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A refund Stripe reports (one made in its dashboard) is recorded once, however often it is reported.
            models.UniqueConstraint(
                fields=["stripe_refund_id"], condition=~Q(stripe_refund_id=""), name="refund_stripe_id_once"
            ),
        ]


class StripeEvent(models.Model):
    """Every verified event, once: a redelivery finds its id here and changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    # Set once the event was applied; a redelivery of an unapplied event applies it again.
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]


def default_offsets():
    return list(settings.REMINDER_OFFSETS_MINUTES)


class ReminderPreference(models.Model):
    """A person's choices: a client's reminders (on or off, and how long before), a
    coach's morning agenda and booking e-mails. No row means the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    email_reminders = models.BooleanField(default=True)
    offsets_minutes = ArrayField(models.PositiveIntegerField(), default=default_offsets, blank=True)
    morning_agenda = models.BooleanField(default=True)
    # The kinds of booking e-mail (notices.CoachNoticeKind) a coach turned off: a kind
    # added later is on until they say otherwise.
    coach_notices_off = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Reminder choices of user {self.user_id}"


# Session notes: the coach's record of one session. Every read and write goes through
# bookings/notes.py: use_note(), which writes the audit trail. Text is encrypted at rest.
# A note is about a booking, so it lives here, above coaching; its tables keep the names
# they were made with (and the triggers that guard signed notes).


class NoteFormat(models.TextChoices):
    DAP = "dap", "DAP (data, assessment, plan)"
    SOAP = "soap", "SOAP (subjective, objective, assessment, plan)"


NOTE_SECTIONS = {
    NoteFormat.DAP: [("data", "Data"), ("assessment", "Assessment"), ("plan", "Plan")],
    NoteFormat.SOAP: [("subjective", "Subjective"), ("objective", "Objective"), ("assessment", "Assessment"), ("plan", "Plan")],
}
SHARED_PARTS = [("summary", "Summary"), ("homework", "Homework"), ("next_steps", "Next steps")]


class SessionNote(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=4, choices=NoteFormat.choices, default=NoteFormat.DAP)
    # The coach's private record, {section: text} for the format's sections.
    private = EncryptedJSONField(default=dict)
    # What the client reads once the note is signed.
    summary = EncryptedTextField(blank=True, default="")
    homework = EncryptedTextField(blank=True, default="")
    next_steps = EncryptedTextField(blank=True, default="")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coaching_sessionnote"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_at__isnull=True, signed_by_name="") | models.Q(signed_at__isnull=False) & ~models.Q(signed_by_name=""),
                name="session_note_signed_with_time_and_name",
            ),
        ]

    def __str__(self):
        return f"Session note {self.pk} ({'signed' if self.is_signed else 'draft'})"

    @property
    def is_signed(self):
        return self.signed_at is not None


class NoteAddendum(models.Model):
    """A dated addition to a signed note: the only change a signed note accepts."""

    note = models.ForeignKey(SessionNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=150)
    written_at = models.DateTimeField()
    text = EncryptedTextField()
    shared_with_client = models.BooleanField(default=False)

    class Meta:
        db_table = "coaching_noteaddendum"
        ordering = ["written_at", "id"]


# The waitlist: a client waiting for a time with a coach, and the times offered to them.
# The rules live in bookings/waitlist/.


class PartOfDay(models.TextChoices):
    MORNING = "morning", "Mornings (before noon)"
    AFTERNOON = "afternoon", "Afternoons (noon to 5 pm)"
    EVENING = "evening", "Evenings (from 5 pm)"


# [first hour, last hour) of each part of the day, on the client's own clock.
PART_OF_DAY_HOURS = {PartOfDay.MORNING: (0, 12), PartOfDay.AFTERNOON: (12, 17), PartOfDay.EVENING: (17, 24)}


WEEKDAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]
PART_NAMES = {PartOfDay.MORNING: "mornings", PartOfDay.AFTERNOON: "afternoons", PartOfDay.EVENING: "evenings"}


def _in_a_list(words):
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class EntryEnd(models.TextChoices):
    LEFT = "left", "Left the waitlist"
    BOOKED = "booked", "Booked with the coach"


class WaitlistEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMIN:
            return self.all()
        if user.role == Role.COACH:
            return self.filter(coach__user=user)
        return self.filter(client=user)

    def waiting(self, today=None):
        """Entries still waiting: not left, not ended by a booking, not past their last day."""
        entries = self.filter(ended_at__isnull=True)
        return entries.filter(until__gte=today) if today is not None else entries


class WaitlistEntry(models.Model):
    """A client waiting for a time with a coach: which session type, which days of the week
    and parts of the day suit them (on their own clock, `time_zone`), and until when."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="waitlist_entries")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="waitlist_entries")
    weekdays = ArrayField(models.PositiveSmallIntegerField())  # 0 = Monday
    parts_of_day = ArrayField(models.CharField(max_length=10, choices=PartOfDay.choices))
    time_zone = models.CharField(max_length=64)
    until = models.DateField(help_text="The last day (on the client's clock) a time may fall on.")
    joined_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EntryEnd.choices, blank=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        indexes = [models.Index(fields=["coach", "ended_at", "joined_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "session_type"], condition=Q(ended_at__isnull=True), name="waitlist_one_entry_per_type"
            ),
        ]

    def __str__(self):
        return f"Waitlist entry {self.pk}"

    def get_weekdays_display(self):
        days = sorted(self.weekdays)
        if days == list(range(7)):
            return "any day"
        if days == list(range(5)):
            return "weekdays"
        return _in_a_list([WEEKDAY_NAMES[day] for day in days])

    def get_parts_display(self):
        if set(self.parts_of_day) >= set(PartOfDay.values):
            return "any time of day"
        return _in_a_list([PART_NAMES[part] for part in PartOfDay.values if part in self.parts_of_day])


class OfferStatus(models.TextChoices):
    OPEN = "open", "Held for you"
    TAKEN = "taken", "Taken"
    DECLINED = "declined", "Passed on"
    EXPIRED = "expired", "Not taken in time"
    WITHDRAWN = "withdrawn", "Withdrawn"


class WaitlistOffer(models.Model):
    """A freed time offered to one waiting client, held for them alone until `expires_at`.
    While it is open and unexpired the slot engine shows the time to no one else."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_offers")
    coach = models.ForeignKey(CoachProfile, on_delete=models.CASCADE, related_name="waitlist_offers")
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE, related_name="waitlist_offers")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The coach's buffers, as a booking of this time would block.
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["coach", "status", "expires_at"]),
            models.Index(fields=["client", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(blocked_from__lte=models.F("starts_at"), blocked_until__gte=models.F("ends_at")),
                name="waitlist_offer_blocked_covers_session",
            ),
            # One open offer per stretch of a coach's time, whoever offers it: two passes at
            # once (two cancellations racing) cannot both hand out the same time.
            ExclusionConstraint(
                name="waitlist_one_open_offer_per_time",
                expressions=[
                    ("coach", RangeOperators.EQUAL),
                    (TsTzRange("blocked_from", "blocked_until"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status=OfferStatus.OPEN),
            ),
        ]

    def __str__(self):
        return f"Waitlist offer {self.pk} ({self.get_status_display()})"

    def is_live(self, now):
        return self.status == OfferStatus.OPEN and self.expires_at > now
