"""Each page's queries, pinned at what it costs now: one item vs five shows a count
does not grow with the data; these show it does not creep back up either. A lower count is
welcome: lower the budget with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import CoachAssignment
from core.prepared import statement_sql
from tests.factories import IntakeFactory, bookable_coach, demo_paid, past_session, sign_all_consents
from tests.messaging_setup import send

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    """The queries of a page asked a second time: as under load, with the session and the
    shared pages in the cache."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [statement_sql(query["sql"]) for query in queries]


@pytest.fixture
def week(alice, carol, erin):
    """Alice, matched with Carol, approved, with a paid session to come and a message each way."""
    IntakeFactory(client=alice, status="approved")
    sign_all_consents(alice)
    coach, session_type = bookable_coach(carol)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    booking = past_session(coach, session_type, alice, days_ago=-3)
    demo_paid(booking)
    send(alice, carol, "Hello")
    send(carol, alice, "Hello to you")
    return coach, session_type, booking


BUDGETS = [
    # (who, page, queries at most): the first is the signed-in person, with their unread
    # count and whether their intakes are approved (accounts.backends.asked_with_the_user)
    ("alice", lambda w: reverse("bookings:detail", args=[w[2].pk]), 4),
    ("alice", lambda w: reverse("bookings:reschedule", args=[w[2].pk]), 4),
    ("alice", lambda w: reverse("messaging:inbox"), 4),
    ("carol", lambda w: reverse("messaging:inbox"), 5),
    ("alice", lambda w: reverse("coaching:coach", args=[w[0].pk]), 1),
    ("alice", lambda w: reverse("dashboard"), 6),
    ("carol", lambda w: reverse("dashboard"), 7),
    ("carol", lambda w: reverse("coaching:sessions"), 3),
    ("carol", lambda w: reverse("coaching:client_record", args=[w[2].client_id]), 10),
    ("carol", lambda w: reverse("coaching:calendar"), 8),
    ("carol", lambda w: reverse("coaching:session_note", args=[w[2].pk]), 4),
]


@pytest.mark.parametrize("who, page, budget", BUDGETS, ids=[f"{who}-{n}" for n, (who, _p, _b) in enumerate(BUDGETS)])
def test_the_page_costs_no_more_queries_than_its_budget(request, client, week, who, page, budget):
    client.force_login(request.getfixturevalue(who))
    asked = queries_for(client, page(week))
    assert len(asked) <= budget, "\n".join(asked)
