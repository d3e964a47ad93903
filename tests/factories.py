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
