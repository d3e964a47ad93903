import pytest
from django.core.management import call_command

from accounts.models import User
from clients import progress
from clients.models import CheckIn, Goal

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_alice_three_weeks_of_check_ins_once():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    alice = User.objects.get(email="alice@waypoint.test")
    assert CheckIn.objects.filter(client=alice).count() == 21
    assert [progress.describe_goal(g) for g in Goal.objects.filter(client=alice)] == ["3 alcohol-free days a week", "At most 2 drinks a day"]
