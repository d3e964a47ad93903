"""Shared factories. Tests name people as STYLE.md does: alice and bob (clients),
carol and dave (coaches), erin (admin)."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Role, User

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


# --- coaching (issue 3) ----------------------------------------------------------------

from datetime import time as _time  # noqa: E402

from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours  # noqa: E402


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
    start_time = _time(9, 0)
    end_time = _time(17, 0)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    coach = factory.SubFactory(CoachProfileFactory)

# --- clients: intakes and consents -------------------------------------------

from django.utils import timezone  # noqa: E402

from clients import consents as client_consents  # noqa: E402
from clients.models import Intake  # noqa: E402
from core.encryption import reveal  # noqa: E402


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


def answers(intake, *names):
    """The plain values of some of an intake's (sealed) answers, in the order named."""
    return tuple(reveal(getattr(intake, name)) for name in names)


def sign_all_consents(client, *, share=True):
    """The client signs the current consents (the one to share with a coach only if `share`)."""
    for document in client_consents.DOCUMENTS:
        if document.required or share:
            client_consents.sign(client, document, signed_name=client.name)
