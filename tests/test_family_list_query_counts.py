"""The family path's list pages cost the same queries for one item as for five."""

import datetime

import pytest
from django.utils import timezone
from django.urls import reverse

from families import invitations, paths
from families import progress as family_progress
from families.models import FamilyMatch
from tests.factories import ClientFactory, FamilyIntakeFactory
from tests.test_list_query_counts import one_then_five

pytestmark = pytest.mark.django_db


def test_the_review_queues_family_section(client, erin):
    client.force_login(erin)

    def add(count):
        for _ in range(count):
            FamilyIntakeFactory(client=ClientFactory())

    one, five = one_then_five(client, reverse("clients:review_queue"), add)
    assert one == five


def test_the_families_a_coach_works_with(client, carol, erin):
    client.force_login(carol)

    def add(count):
        for _ in range(count):
            person = ClientFactory()
            FamilyIntakeFactory(client=person)
            FamilyMatch.objects.create(client=person, coach=carol, assigned_by=erin)

    one, five = one_then_five(client, reverse("families:coach_families"), add)
    assert one == five


def test_fionas_invitations(client, fiona):
    paths.choose(fiona, "worried")
    client.force_login(fiona)
    one, five = one_then_five(client, reverse("families:invitations"), lambda count: [invitations.create(fiona) for _ in range(count)])
    assert one == five


def test_fionas_own_log(client, fiona):
    client.force_login(fiona)
    today = timezone.localdate(timezone=fiona.zone)  # her day, as the pages count it
    days = iter(range(7))

    def add(count):
        for _ in range(count):
            n = next(days)
            family_progress.add_goal(fiona, kind="conversations", days_a_week=3, own_words=f"Goal {n}")
            family_progress.save_check_in(fiona, day=today - datetime.timedelta(days=n), today=today, stress=n, positive_moment=True, conversation_tried=False)

    one, five = one_then_five(client, reverse("families:progress"), add)
    assert one == five


def test_the_linked_accounts_page(client, fiona):
    paths.choose(fiona, "worried")
    client.force_login(fiona)

    def add(count):
        for _ in range(count):
            sam = ClientFactory()
            invitation = invitations.create(fiona)
            invitation.__class__.objects.filter(pk=invitation.pk).update(used_by=sam)
            invitations.agree_as_family(fiona, invitations.agree_as_loved_one(sam, invitation))

    one, five = one_then_five(client, reverse("families:links"), add)
    assert one == five
