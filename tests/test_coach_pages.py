"""The public side: the coach directory and a coach's page with open times in the
viewer's own zone, in words, linking to the booking page."""

from datetime import UTC, datetime, time
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import TZ_COOKIE
from coaching.models import Specialty
from tests.factories import CoachProfileFactory, CoachUserFactory, SessionTypeFactory, WeeklyHoursFactory

pytestmark = pytest.mark.django_db

FRIDAY_6_MARCH = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)


@pytest.fixture
def carol_profile(carol):
    profile = CoachProfileFactory(
        user=carol,
        display_name="Carol Rivera",
        time_zone="America/New_York",
        specialties=[Specialty.ALCOHOL, Specialty.OPIOIDS_MAT],
        languages=["English", "Spanish"],
        min_notice_hours=12,
    )
    WeeklyHoursFactory(coach=profile, weekday=6, start_time=time(9), end_time=time(10))  # Sundays 9-10 New York
    return profile


@pytest.fixture
def session(carol_profile):
    return SessionTypeFactory(coach=carol_profile, name="Coaching session", duration_minutes=50, price_cents=6000)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FRIDAY_6_MARCH)


def test_bob_in_london_sees_carols_new_york_sunday_at_london_time(client, bob, carol_profile, session, frozen_now):
    client.force_login(bob)
    response = client.get(reverse("coaching:coach", args=[carol_profile.pk]))
    html = response.content.decode()
    # Sunday 8 March, New York springs forward: 9:00 EDT is 13:00 UTC, 1:00 pm in London (GMT).
    assert [(title, [link.full_label for link in links]) for title, links in response.context["days"]] == [
        ("Sunday 8 March", ["Sunday 8 March, 1:00 pm"])
    ]
    assert "Times are shown in <strong>Europe/London</strong>" in html
    href = f"/bookings/new/?coach={carol_profile.pk}&amp;type={session.pk}&amp;start=2026-03-08T13%3A00%3A00Z"
    assert f'<a class="slot" href="{href}" aria-label="Book Coaching session on Sunday 8 March, 1:00 pm">1:00 pm</a>' in html
    assert "Coaching session, 50 minutes, $60" in html


def test_alice_in_chicago_sees_the_same_slot_at_eight(client, alice, carol_profile, session, frozen_now):
    client.force_login(alice)
    response = client.get(reverse("coaching:coach", args=[carol_profile.pk]))
    assert [link.full_label for _, links in response.context["days"] for link in links] == ["Sunday 8 March, 8:00 am"]


def test_a_week_without_times_says_so_and_offers_the_next(client, carol_profile, session, frozen_now):
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    carol_profile.time_off.create(starts_at=datetime(2026, 3, 8, 5, tzinfo=UTC), ends_at=datetime(2026, 3, 9, 4, tzinfo=UTC))
    response = client.get(reverse("coaching:coach", args=[carol_profile.pk]))
    html = response.content.decode()
    assert response.context["days"] == []
    next_week = f"?type={session.pk}&amp;week=1"
    assert f'No times this week. <a href="{next_week}" hx-get="{next_week}">See next week</a>.' in html
    response = client.get(reverse("coaching:coach", args=[carol_profile.pk]), {"type": session.pk, "week": 1})
    assert [link.full_label for _, links in response.context["days"] for link in links] == ["Sunday 15 March, 9:00 am"]


def test_a_coach_with_no_session_types_is_not_taking_bookings(client, carol_profile):
    html = client.get(reverse("coaching:coach", args=[carol_profile.pk])).content.decode()
    assert "Carol Rivera is not taking bookings just now." in html


def test_an_unlisted_coach_is_404_to_the_public(client, carol_profile):
    carol_profile.is_listed = False
    carol_profile.save()
    assert client.get(reverse("coaching:coach", args=[carol_profile.pk])).status_code == 404
    assert client.get(reverse("coaching:coach", args=[carol_profile.pk + 1000])).status_code == 404


def test_a_visitor_chooses_a_zone_and_it_is_kept_in_a_cookie(client, carol_profile, session, frozen_now):
    page = reverse("coaching:coach", args=[carol_profile.pk])
    response = client.post(reverse("coaching:zone"), {"zone": "Asia/Tokyo", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[TZ_COOKIE].value == "Asia%2FTokyo"
    response = client.get(page)
    # 13:00 UTC on Sunday is 10:00 pm in Tokyo.
    assert [link.full_label for _, links in response.context["days"] for link in links] == ["Sunday 8 March, 10:00 pm"]


def test_a_signed_in_client_has_the_zone_remembered_on_their_account(client, alice):
    client.force_login(alice)
    client.post(reverse("coaching:zone"), {"zone": "Europe/Lisbon", "next": "/coaches/"})
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/Lisbon"


def test_an_unknown_zone_or_an_outside_address_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("coaching:zone"), {"zone": "Mars/Olympus", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    alice.refresh_from_db()
    assert alice.time_zone == "America/Chicago"


def test_the_directory_filters_by_specialty_and_language(client, carol_profile, dave):
    CoachProfileFactory(user=dave, display_name="Dave Okafor", specialties=[Specialty.STIMULANTS], languages=["English"])
    url = reverse("coaching:directory")
    names = lambda response: [card.coach.display_name for card in response.context["coaches"]]  # noqa: E731
    assert names(client.get(url)) == ["Carol Rivera", "Dave Okafor"]
    assert names(client.get(url, {"specialty": Specialty.ALCOHOL})) == ["Carol Rivera"]
    assert names(client.get(url, {"language": "English", "specialty": Specialty.STIMULANTS})) == ["Dave Okafor"]
    assert names(client.get(url, {"language": "Spanish"})) == ["Carol Rivera"]
    response = client.get(url, {"language": "Spanish", "specialty": Specialty.CANNABIS})
    assert names(response) == []
    assert "No coach matches those choices yet." in response.content.decode()


def test_the_directory_takes_the_same_queries_for_one_or_five_coaches(client):
    def coaches_page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("coaching:directory")).status_code == 200
        return len(queries)

    CoachProfileFactory(user=CoachUserFactory())
    one = coaches_page_queries()
    for _ in range(4):
        CoachProfileFactory(user=CoachUserFactory())
    assert coaches_page_queries() == one


def test_coach_links_show_by_role(client, alice, carol):
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'href="/coaches/">Coaches and their open times' in html
    assert "Coach settings" not in html
    client.force_login(carol)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<a href="/coaches/settings/hours/">Weekly hours</a>' in html
    assert '<a href="/coaches/settings/">Coach settings</a>' in html


def test_htmx_asks_for_the_times_only(client, carol_profile, session, frozen_now):
    client.cookies[TZ_COOKIE] = quote("America/New_York", safe="")
    page = reverse("coaching:coach", args=[carol_profile.pk])
    response = client.get(page, {"type": session.pk, "week": 1}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert not html.lstrip().startswith("<!DOCTYPE")
    assert html.count('class="slot"') == 1 and "<h1>" not in html and "Show times in" not in html
    assert f'<input type="hidden" name="next" id="zone-next" value="{page}?type={session.pk}&amp;week=1" hx-swap-oob="true">' in html
    assert "HX-Request" in response["Vary"]
    full = client.get(page, {"type": session.pk, "week": 1})
    assert "<h1>Carol Rivera" in full.content.decode() and "HX-Request" in full["Vary"]


@pytest.mark.intake_gate
def test_a_signed_in_clients_coach_page_costs_the_same_for_one_or_five_session_types(client, alice, carol):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.models import Intake
    from coaching.models import SessionType
    from tests.factories import IntakeFactory, bookable_coach

    IntakeFactory(client=alice, status=Intake.Status.APPROVED)  # every type is open to her
    coach, _ = bookable_coach(carol)
    client.force_login(alice)
    url = reverse("coaching:coach", args=[coach.pk])

    def queries():
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for n in range(4):
        SessionType.objects.create(coach=coach, name=f"Longer session {n}", duration_minutes=80, price_cents=9000, currency="usd")
    assert queries() == one
