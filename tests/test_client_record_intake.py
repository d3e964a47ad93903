"""The coach's client record shows the intake only while the client shares it, and
each showing is one audited read."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from bookings.transitions import place_hold
from clients import consents
from clients.models import Consent, Intake
from tests.factories import IntakeFactory, bookable_coach, local_time, sign_all_consents

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def alice_booked_with_carol(alice, carol):
    IntakeFactory(client=alice, status=Intake.Status.APPROVED, goal="cut_down", goal_in_own_words="two drinks at most on weeknights")
    sign_all_consents(alice)
    _coach, intro = bookable_coach(carol, price_cents=0)
    place_hold(alice, intro, local_time(intro.coach, 3, 10))
    return alice


def intake_reads():
    return list(AuditEvent.objects.filter(action="intake.read").values_list("actor_email", flat=True))


def test_carol_sees_alices_shared_intake_on_her_record_and_the_read_is_audited(client, carol, alice_booked_with_carol):
    client.force_login(carol)
    html = client.get(reverse("coaching:client_record", args=[alice_booked_with_carol.pk])).content.decode()
    assert "two drinks at most on weeknights" in html
    assert "Read the whole intake" in html
    assert intake_reads() == ["carol@example.com"]


def test_after_alice_stops_sharing_the_record_shows_no_intake_and_reads_nothing(client, carol, alice_booked_with_carol):
    share = Consent.objects.get(client=alice_booked_with_carol, kind=Consent.Kind.SHARE_WITH_COACH)
    consents.revoke(share)
    client.force_login(carol)
    html = client.get(reverse("coaching:client_record", args=[alice_booked_with_carol.pk])).content.decode()
    assert "two drinks at most on weeknights" not in html
    assert "has not shared an intake with you" in html
    assert intake_reads() == []


def test_dave_who_never_met_alice_gets_404(client, dave, alice_booked_with_carol):
    client.force_login(dave)
    assert client.get(reverse("coaching:client_record", args=[alice_booked_with_carol.pk])).status_code == 404
    assert intake_reads() == []


def test_the_record_fetches_the_intake_and_the_consents_once(client, carol, alice_booked_with_carol):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.prepared import statement_sql

    client.force_login(carol)
    url = reverse("coaching:client_record", args=[alice_booked_with_carol.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [statement_sql(q["sql"]) for q in queries.captured_queries]
    # (The statement that loads Carol asks where her own intake stands, as a subquery: not this.)
    assert sum('FROM "clients_intake" WHERE' in q for q in sql) == 1
    assert sum('FROM "clients_consent"' in q for q in sql) == 1
