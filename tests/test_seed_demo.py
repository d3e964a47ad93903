import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_staff_mfa():
    call_command("seed_demo")
    call_command("seed_demo")
    assert sorted(User.objects.values_list("email", "role")) == [
        ("alice@waypoint.test", Role.CLIENT),
        ("bob@waypoint.test", Role.CLIENT),
        ("carol@waypoint.test", Role.COACH),
        ("dave@waypoint.test", Role.COACH),
        ("erin@waypoint.test", Role.ADMIN),
        ("frank@waypoint.test", Role.CLIENT),
        ("grace@waypoint.test", Role.CLIENT),
    ]
    staff_with_totp = Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True)
    assert sorted(staff_with_totp) == ["carol@waypoint.test", "dave@waypoint.test", "erin@waypoint.test"]
