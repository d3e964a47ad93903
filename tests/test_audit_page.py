"""Admins (the role, not only superusers) read the audit trail in the app: read-only,
newest first, fifty lines a page, filtered by person, client, kind and date."""

from datetime import datetime, timezone

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent
from tests.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def trail(alice, bob, carol):
    """A few lines on different days, written as they would be."""
    alice_intake = IntakeFactory(client=alice)
    bob_intake = IntakeFactory(client=bob)
    rows = [
        ("intake.read", carol, alice_intake, at(2)),
        ("intake.read", carol, bob_intake, at(3)),
        ("account.login", alice, alice, at(4)),
        ("note.read", carol, None, at(5)),
    ]
    events = []
    for action, actor, obj, when in rows:
        events.append(
            AuditEvent.objects.create(
                at=when,
                actor=actor,
                actor_email=actor.email,
                action=action,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
            )
        )
    return events


def shown(response):
    return [(e.action, e.actor_email) for e in response.context["page"]]


def test_erin_reads_the_trail_newest_first(client, erin, trail):
    client.force_login(erin)
    response = client.get(reverse("accounts:audit"))
    assert response.status_code == 200
    assert shown(response) == [
        ("note.read", "carol@example.com"),
        ("account.login", "alice@example.com"),
        ("intake.read", "carol@example.com"),
        ("intake.read", "carol@example.com"),
    ]


def test_filters_by_person_client_kind_and_date(client, erin, trail):
    client.force_login(erin)
    url = reverse("accounts:audit")
    assert shown(client.get(url, {"person": "ALICE@example.com"})) == [("account.login", "alice@example.com")]
    assert shown(client.get(url, {"client": "alice@example.com"})) == [
        ("account.login", "alice@example.com"),
        ("intake.read", "carol@example.com"),
    ]
    assert [e.pk for e in client.get(url, {"client": "bob@example.com"}).context["page"]] == [trail[1].pk]
    assert shown(client.get(url, {"kind": "intake."})) == [("intake.read", "carol@example.com"), ("intake.read", "carol@example.com")]
    assert shown(client.get(url, {"since": "2026-03-03", "until": "2026-03-04"})) == [
        ("account.login", "alice@example.com"),
        ("intake.read", "carol@example.com"),
    ]
    assert shown(client.get(url, {"client": "nobody@example.com"})) == []
    # A coach is not a client: nothing is "about" her as a client.
    assert shown(client.get(url, {"client": "carol@example.com"})) == []


def test_bad_filters_show_a_form_error_not_a_crash(client, erin, trail):
    client.force_login(erin)
    response = client.get(reverse("accounts:audit"), {"since": "2026-03-05", "until": "2026-03-01", "page": "banana"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["The last day must be on or after the first day."]
    assert shown(response) == []


def test_the_trail_is_paginated_fifty_lines_a_page(client, erin, alice):
    for number in range(60):
        audit.record("intake.read", actor=erin, obj=alice, n=number)
    client.force_login(erin)
    first = client.get(reverse("accounts:audit"))
    second = client.get(reverse("accounts:audit"), {"page": 2})
    assert [e.details["n"] for e in first.context["page"]] == list(range(59, 9, -1))
    assert [e.details["n"] for e in second.context["page"]] == list(range(9, -1, -1))
    assert 'href="?page=2"' in first.content.decode()


def test_the_page_is_read_only(client, erin, trail):
    client.force_login(erin)
    assert client.post(reverse("accounts:audit"), {"action": "tampered"}).status_code == 405
    assert AuditEvent.objects.filter(action="tampered").count() == 0


@pytest.mark.parametrize("who", ["alice", "carol"])
def test_only_admins_read_the_trail(client, request, who, trail):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts:audit")).status_code == 403


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(reverse("accounts:audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The table's rows as the template loop wrote them before {% audit_rows %} wrote them in Python.
TEMPLATE_ROWS = """{% load words %}{% for event in events %}
    <tr>
      <td>{{ event.at|moment_words }}</td>
      <td>{{ event.actor_email|default:"Waypoint" }}</td>
      <td>{{ event.action }}</td>
      <td>{% if event.object_type %}{{ event.object_type }} {{ event.object_id }}{% else %}—{% endif %}</td>
      <td>{{ event.ip|default:"—" }}</td>
      <td>{% for key, value in event.details.items %}{{ key }}: {{ value }}{% if not forloop.last %}; {% endif %}{% empty %}—{% endfor %}</td>
    </tr>
  {% endfor %}"""


def test_the_rows_written_in_python_are_the_template_loops_rows(trail, alice):
    AuditEvent.objects.create(at=at(6), actor=None, actor_email="", action="booking.held", ip=None, details={})
    AuditEvent.objects.create(
        at=at(7, 23), actor=alice, actor_email="a<b>&'\"@example.com", action="x.<y>", object_type="t&t", object_id="<1>",
        ip="2001:db8::1", details={"ids": [1, 2], "ok": True, "none": None, "kind": "a&b", "share": 0.5},
    )
    events = list(AuditEvent.objects.order_by("-at", "-id"))
    written = Template("{% load audit_table %}{% audit_rows events %}").render(Context({"events": events}))
    assert written == Template(TEMPLATE_ROWS).render(Context({"events": events}))
    assert "a&lt;b&gt;&amp;&#x27;&quot;@example.com" in written
