from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    COACH = "coach", "Coach"
    ADMIN = "admin", "Admin"


STAFF_ROLES = frozenset({Role.COACH, Role.ADMIN})


@lru_cache(maxsize=1)
def _known_zones():
    # available_timezones() walks the tz database on disk: about 40 ms a call.
    return frozenset(available_timezones())


def valid_time_zone(name):
    return name in _known_zones()


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
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

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
        if self.time_zone and valid_time_zone(self.time_zone):
            return ZoneInfo(self.time_zone)
        return None


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
