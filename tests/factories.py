"""The one module of factories: people, coaches who can be booked, intakes, sessions and
payments. Tests name people as STYLE.md does: alice and bob (clients), carol and dave
(coaches), erin (admin); tests/conftest.py makes them from these factories."""

import time as clock
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.models import Role, User
from bookings import transitions
from bookings.models import Booking, Payment, PaymentStatus, Status
from clients import consents as client_consents
from clients.models import Intake
from families.models import FamilyIntake
from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours
from core.encryption import reveal

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTSECRET234567"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    role = Role.CLIENT
    time_zone = "America/New_York"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ClientFactory(UserFactory):
    role = Role.CLIENT


class CoachUserFactory(UserFactory):
    role = Role.COACH


class AdminFactory(UserFactory):
    role = Role.ADMIN


def with_mfa(user, secret=TOTP_SECRET):
    """Give a user a TOTP authenticator with a secret the test knows."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return user


# --- coaches, their hours and time off ---------------------------------------------------


class CoachProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachProfile

    user = factory.SubFactory(CoachUserFactory)
    display_name = factory.LazyAttribute(lambda o: o.user.name)
    time_zone = "America/New_York"
    min_notice_hours = 0
    languages = factory.LazyFunction(lambda: ["English"])


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType

    coach = factory.SubFactory(CoachProfileFactory)
    name = "Coaching session"
    duration_minutes = 50
    price_cents = 6000
    currency = "usd"


class WeeklyHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyHours

    coach = factory.SubFactory(CoachProfileFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(17, 0)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    coach = factory.SubFactory(CoachProfileFactory)

# --- clients: intakes and consents -------------------------------------------


class IntakeFactory(factory.django.DjangoModelFactory):
    """A completed intake (all five steps), waiting for review unless told otherwise."""

    class Meta:
        model = Intake

    client = factory.SubFactory(ClientFactory)
    status = Intake.Status.SUBMITTED
    steps_done = ["about", "reasons", "screening", "safety", "consents"]
    preferred_name = factory.LazyAttribute(lambda o: o.client.name.split()[0])
    time_zone = "America/Chicago"
    language = "English"
    substances = ["alcohol"]
    treatment = "none"
    goal = "cut_down"
    sex = "female"
    audit_c_answers = [2, 1, 1]
    audit_c_score = 4
    audit_c_positive = True
    importance = 7
    confidence = 5
    thoughts_of_self_harm = False
    overdose_past_year = False
    submitted_at = factory.LazyFunction(timezone.now)


class FamilyIntakeFactory(factory.django.DjangoModelFactory):
    """A completed family intake (all six steps), waiting for review unless told otherwise."""

    class Meta:
        model = FamilyIntake

    client = factory.SubFactory(ClientFactory)
    status = Intake.Status.SUBMITTED
    steps_done = ["about", "loved-one", "hopes", "wellbeing", "safety", "consents"]
    preferred_name = factory.LazyAttribute(lambda o: o.client.name.split()[0])
    time_zone = "America/Denver"
    language = "English"
    country = "US"
    relationship = "parent"
    noticed = "He sleeps all day and has lost his job."
    substances = ["opioids"]
    hopes = ["own_wellbeing", "conversations"]
    pss_answers = [3, 1, 1, 2]
    pss_score = 11
    importance = 9
    confidence = 4
    afraid_of_loved_one = False
    thoughts_of_self_harm = False
    overdose_at_home = False
    submitted_at = factory.LazyFunction(timezone.now)


def answers(intake, *names):
    """The plain values of some of an intake's (sealed) answers, in the order named."""
    return tuple(reveal(getattr(intake, name)) for name in names)


def sign_all_consents(client, *, share=True):
    """The client signs the current consents (the one to share with a coach only if `share`)."""
    for document in client_consents.DOCUMENTS:
        if document.required or share:
            client_consents.sign(client, document, signed_name=client.name)


# --- coaches who can be booked, and sessions ---------------------------------------


def bookable_coach(user, *, zone="America/New_York", price_cents=6000, duration=50, **profile):
    coach = CoachProfile.objects.create(
        user=user,
        display_name=user.name,
        time_zone=zone,
        min_notice_hours=profile.pop("min_notice_hours", 1),
        **profile,
    )
    for weekday in range(7):
        WeeklyHours.objects.create(coach=coach, weekday=weekday, start_time=time(9), end_time=time(17))
    session_type = SessionType.objects.create(
        coach=coach, name="One-to-one session", duration_minutes=duration, price_cents=price_cents, currency="usd"
    )
    return coach, session_type


def local_time(coach, days_ahead, hour, minute=0):
    """An instant `days_ahead` days from today at `hour:minute` on the coach's wall clock, in UTC."""
    zone = ZoneInfo(coach.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), zone).astimezone(ZoneInfo("UTC"))


def past_session(coach, session_type, client, *, days_ago=1, hours=None, status=Status.CONFIRMED):
    """A booking of `client` with `coach` that started `days_ago` days ago (or `hours` ago)."""
    starts_at = timezone.now().replace(second=0, microsecond=0) - (timedelta(hours=hours) if hours else timedelta(days=days_ago))
    ends_at = starts_at + timedelta(minutes=session_type.duration_minutes)
    return Booking.objects.create(
        coach=coach,
        client=client,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_from=starts_at,
        blocked_until=ends_at,
        price_cents=session_type.price_cents,
        currency=session_type.currency,
        cancellation_notice_hours=session_type.cancellation_notice_hours,
        max_reschedules=session_type.max_reschedules,
        status=status,
        confirmed_at=starts_at - timedelta(days=2),
        meeting_link="https://meet.example.org/room",
    )


def demo_paid(booking):
    """Confirm `booking` with a payment recorded in our tables only (no Stripe)."""
    payment = Payment.objects.create(
        booking=booking,
        amount_cents=booking.price_cents,
        currency=booking.currency,
        status=PaymentStatus.SUCCEEDED,
        captured_cents=booking.price_cents,
        is_demo=True,
        succeeded_at=timezone.now(),
    )
    return transitions.confirm(booking, payment=payment)


# --- sessions: a log-in that passed the second step -----------------------------------


def session_with_second_step(user):
    """A session (for RequestFactory requests) in which `user` signed in with password and
    two-step code, recorded the way allauth records it."""
    session = SessionStore()
    now = clock.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": now}, {"method": "mfa", "at": now, "type": "totp"}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    return session
