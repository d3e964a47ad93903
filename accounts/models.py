from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.encryption import EncryptedTextField, reveal
from core.zones import zone_named


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    COACH = "coach", "Coach"
    ADMIN = "admin", "Admin"


STAFF_ROLES = frozenset({Role.COACH, Role.ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("role", Role.CLIENT)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(role=Role.ADMIN, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField("name", max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CLIENT)
    time_zone = models.CharField(max_length=64, blank=True, help_text="IANA zone, e.g. America/New_York")
    # What a client asks to be called, and their pronouns: a copy of the intake's answers
    # that the client keeps by answering it, so staff pages show them without opening
    # (and auditing) the intake. Sealed like the intake itself; NULL until given (that a
    # client gave a preferred name tells nothing about their health).
    preferred_name = EncryptedTextField(max_length=80, blank=True, null=True, default=None)
    pronouns = EncryptedTextField(max_length=40, blank=True, null=True, default=None)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Changed when the second step is turned on or off: every session signed before then ends.
    session_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        # Django's admin is for admins only; the role decides, not a separate flag.
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        # Django signs the password hash into each session, so a new password ends the
        # others. The stamp joins it for the same effect when the second step changes;
        # without a stamp the hash is Django's own, so sessions survive this code's arrival.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}:{self.session_stamp}" if self.session_stamp else self.password
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_client(self):
        return self.role == Role.CLIENT

    @property
    def is_coach(self):
        return self.role == Role.COACH

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def needs_mfa(self):
        return self.role in STAFF_ROLES

    @property
    def zone(self):
        return zone_named(self.time_zone, default=None)

    @property
    def known_as(self):
        """The name to use for this person: the one they asked for, else their account's."""
        return reveal(self.preferred_name) or self.name or self.email

    @property
    def known_as_with_pronouns(self):
        """How staff see a client: "Ali (she/her)"."""
        pronouns = reveal(self.pronouns) or ""
        return f"{self.known_as} ({pronouns})" if pronouns else self.known_as


class AuditEvent(models.Model):
    """One line of the append-only audit trail. The database refuses UPDATE and DELETE."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.object_type}:{self.object_id}"


class Invitation(models.Model):
    """An admin's invitation for a coach or an admin to join. The link in the e-mail
    carries an HMAC of this row (never stored), works once, and for 48 hours."""

    STAFF_CHOICES = [(Role.COACH, "Coach"), (Role.ADMIN, "Admin")]

    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=10, choices=STAFF_CHOICES)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.email} as {self.get_role_display().lower()}"

    def token(self):
        return salted_hmac(
            "accounts.Invitation", f"{self.pk}:{self.email}:{self.role}:{self.created_at.isoformat()}", algorithm="sha256"
        ).hexdigest()

    def is_open(self, now=None):
        return self.accepted_at is None and self.withdrawn_at is None and (now or timezone.now()) < self.expires_at
