"""The demo has a family member with an approved family intake, matched with a coach who
works with families and offers a family session she may book."""

import pytest
from django.core.management import call_command

from accounts.models import User
from coaching.models import SessionType
from families.eligibility import approvals
from families.models import FamilyIntake, FamilyMatch
from families.paths import Paths, paths_of

pytestmark = pytest.mark.django_db


def test_grace_has_an_approved_family_intake_and_dave_a_family_session():
    call_command("seed_demo")
    call_command("seed_demo")
    grace = User.objects.get(email="grace@waypoint.test")
    assert paths_of(grace) == Paths(about_me=False, worried=True)
    assert FamilyIntake.objects.get(client=grace).status == FamilyIntake.Status.APPROVED
    assert list(FamilyMatch.objects.filter(client=grace).values_list("coach__email", flat=True)) == ["dave@waypoint.test"]
    family_sessions = SessionType.objects.filter(for_families=True)
    assert list(family_sessions.values_list("coach__user__email", "name")) == [("dave@waypoint.test", "Family session")]
    assert approvals(grace).cover(family_sessions.get()) is True
    assert "families" in family_sessions.get().coach.specialties
