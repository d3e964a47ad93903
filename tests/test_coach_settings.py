"""Coach settings: who may reach them, and forms that refuse nonsense in plain words."""

from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from coaching.models import CoachProfile, SessionType, TimeOff, WeeklyHours
from tests.factories import CoachProfileFactory, SessionTypeFactory, TimeOffFactory, WeeklyHoursFactory

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = ["coaching:settings", "coaching:booking_rules", "coaching:session_types", "coaching:hours", "coaching:time_off", "coaching:calendar"]


@pytest.fixture
def carol_profile(carol):
    return CoachProfileFactory(user=carol, display_name="Carol Rivera", time_zone="America/New_York")


@pytest.fixture
def dave_profile(dave):
    return CoachProfileFactory(user=dave, display_name="Dave Okafor", time_zone="Europe/London")


def errors_of(response):
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_a_client_cannot_reach_coach_settings(client, alice, name):
    client.force_login(alice)
    assert client.get(reverse(name)).status_code == 403
    assert CoachProfile.objects.filter(user=alice).exists() is False


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_a_visitor_is_asked_to_sign_in_for_coach_settings(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_a_coach_reaches_every_settings_page(client, carol, name):
    client.force_login(carol)
    assert client.get(reverse(name)).status_code == 200


def test_a_coach_adds_several_ranges_on_one_day(client, carol, carol_profile):
    client.force_login(carol)
    for start, end in [("09:00", "12:00"), ("13:00", "17:00")]:
        response = client.post(reverse("coaching:hours"), {"weekday": 1, "start_time": start, "end_time": end})
        assert response.status_code == 302
    assert list(WeeklyHours.objects.filter(coach=carol_profile).values_list("weekday", "start_time", "end_time")) == [
        (1, time(9), time(12)),
        (1, time(13), time(17)),
    ]
    html = client.get(reverse("coaching:hours")).content.decode()
    assert "9:00 am – 12:00 pm" in html and "1:00 pm – 5:00 pm" in html


def test_hours_that_end_before_they_start_or_overlap_are_refused(client, carol, carol_profile):
    WeeklyHoursFactory(coach=carol_profile, weekday=1, start_time=time(9), end_time=time(12))
    client.force_login(carol)
    response = client.post(reverse("coaching:hours"), {"weekday": 1, "start_time": "15:00", "end_time": "14:00"})
    assert response.status_code == 200
    assert errors_of(response) == [
        "The end time must be after the start time. For hours past midnight, add a range on the next day."
    ]
    response = client.post(reverse("coaching:hours"), {"weekday": 1, "start_time": "11:00", "end_time": "14:00"})
    assert errors_of(response) == [
        "This overlaps your hours 09:00–12:00 on that day. Change that range instead, or pick times that do not overlap."
    ]
    # Touching is not overlapping: 12:00-14:00 joins the morning.
    assert client.post(reverse("coaching:hours"), {"weekday": 1, "start_time": "12:00", "end_time": "14:00"}).status_code == 302
    assert WeeklyHours.objects.filter(coach=carol_profile).count() == 2


def test_a_coach_cannot_edit_or_remove_another_coachs_hours(client, carol_profile, dave, dave_profile):
    carols = WeeklyHoursFactory(coach=carol_profile, weekday=2, start_time=time(9), end_time=time(12))
    client.force_login(dave)
    assert client.get(reverse("coaching:hours_edit", args=[carols.pk])).status_code == 404
    response = client.post(reverse("coaching:hours_edit", args=[carols.pk]), {"weekday": 2, "start_time": "01:00", "end_time": "02:00"})
    assert response.status_code == 404
    assert client.post(reverse("coaching:hours_remove", args=[carols.pk])).status_code == 404
    carols.refresh_from_db()
    assert (carols.coach_id, carols.start_time, carols.end_time) == (carol_profile.pk, time(9), time(12))


def test_a_coach_edits_their_own_hours(client, carol, carol_profile):
    row = WeeklyHoursFactory(coach=carol_profile, weekday=2, start_time=time(9), end_time=time(12))
    client.force_login(carol)
    response = client.post(reverse("coaching:hours_edit", args=[row.pk]), {"weekday": 2, "start_time": "10:00", "end_time": "12:00"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.start_time == time(10)


def test_session_types_with_prices_in_cents_and_other_coaches_are_404(client, carol, carol_profile, dave, dave_profile):
    client.force_login(carol)
    response = client.post(
        reverse("coaching:session_types"),
        {"name": "Coaching session", "duration_minutes": 50, "price": "60.00", "currency": "usd", "cancellation_notice_hours": 24, "max_reschedules": 2},
    )
    assert response.status_code == 302
    session_type = SessionType.objects.get(coach=carol_profile)
    assert (session_type.name, session_type.duration_minutes, session_type.price_cents, session_type.is_free) == ("Coaching session", 50, 6000, False)
    response = client.post(
        reverse("coaching:session_types"),
        {"name": "Too short", "duration_minutes": 5, "price": "0", "currency": "usd", "cancellation_notice_hours": 24, "max_reschedules": 2},
    )
    assert errors_of(response) == ["Ensure this value is greater than or equal to 10."]

    client.force_login(dave)
    assert client.get(reverse("coaching:session_type_edit", args=[session_type.pk])).status_code == 404
    assert client.post(reverse("coaching:session_type_remove", args=[session_type.pk])).status_code == 404
    session_type.refresh_from_db()
    assert session_type.is_active is True


def test_removing_a_session_type_keeps_it_for_past_bookings(client, carol, carol_profile):
    call = SessionTypeFactory(coach=carol_profile, name="Free intro call", duration_minutes=20, price_cents=0)
    client.force_login(carol)
    assert client.post(reverse("coaching:session_type_remove", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.is_active is False
    assert list(client.get(reverse("coaching:session_types")).context["types"]) == []


def test_whole_days_off_run_midnight_to_midnight_in_the_coachs_zone(client, carol, carol_profile):
    client.force_login(carol)
    response = client.post(reverse("coaching:time_off"), {"first_day": "2026-12-24", "last_day": "2026-12-26", "note": "Family"})
    assert response.status_code == 302
    away = TimeOff.objects.get(coach=carol_profile)
    assert (away.starts_at, away.ends_at, away.whole_days) == (datetime(2026, 12, 24, 5, tzinfo=UTC), datetime(2026, 12, 27, 5, tzinfo=UTC), True)


def test_part_of_a_day_off(client, dave, dave_profile):
    client.force_login(dave)
    response = client.post(reverse("coaching:time_off"), {"first_day": "2026-07-01", "start_time": "14:00", "end_time": "16:30"})
    assert response.status_code == 302
    away = TimeOff.objects.get(coach=dave_profile)
    # London is on BST (+1) in July.
    assert (away.starts_at, away.ends_at, away.whole_days) == (datetime(2026, 7, 1, 13, tzinfo=UTC), datetime(2026, 7, 1, 15, 30, tzinfo=UTC), False)


def test_time_off_nonsense_is_refused(client, carol, carol_profile):
    client.force_login(carol)
    cases = [
        ({"first_day": "2026-12-24", "last_day": "2026-12-20"}, "The last day must be on or after the first day."),
        ({"first_day": "2026-12-24", "start_time": "14:00"}, "For part of a day, give both a start and an end time; for whole days, leave both empty."),
        ({"first_day": "2026-12-24", "start_time": "14:00", "end_time": "13:00"}, "The end time must be after the start time."),
    ]
    for data, message in cases:
        response = client.post(reverse("coaching:time_off"), data)
        assert errors_of(response) == [message]
    assert TimeOff.objects.count() == 0


def test_a_coach_cannot_remove_another_coachs_time_off(client, carol_profile, dave, dave_profile):
    away = TimeOffFactory(coach=carol_profile, starts_at=datetime(2026, 12, 24, 5, tzinfo=UTC), ends_at=datetime(2026, 12, 25, 5, tzinfo=UTC))
    client.force_login(dave)
    assert client.post(reverse("coaching:time_off_remove", args=[away.pk])).status_code == 404
    assert TimeOff.objects.filter(pk=away.pk).exists()


def test_profile_refuses_an_unknown_zone_and_needs_a_language(client, carol, carol_profile):
    client.force_login(carol)
    data = {"display_name": "Carol Rivera", "pronouns": "she/her", "bio": "", "languages": " ", "time_zone": "Mars/Olympus", "specialties": ["alcohol"]}
    response = client.post(reverse("coaching:settings"), data)
    assert sorted(errors_of(response)) == [
        "Name at least one language you coach in.",
        "We do not know the time zone “Mars/Olympus”. Type a city near you, such as Lisbon, or pick one from the list.",
    ]
    data.update(languages="English, Spanish, English", time_zone="America/Chicago", is_listed="on")
    assert client.post(reverse("coaching:settings"), data).status_code == 302
    carol_profile.refresh_from_db()
    assert (carol_profile.languages, carol_profile.time_zone, carol_profile.specialties) == (["English", "Spanish"], "America/Chicago", ["alcohol"])


def test_booking_rules_refuse_a_cap_of_zero(client, carol, carol_profile):
    client.force_login(carol)
    data = {"buffer_before_minutes": 5, "buffer_after_minutes": 10, "min_notice_hours": 24, "horizon_days": 30, "daily_cap": 0, "slot_step_minutes": 15}
    response = client.post(reverse("coaching:booking_rules"), data)
    assert errors_of(response) == ["A cap of 0 would close every day. Leave it empty for no limit."]
    data["daily_cap"] = 4
    assert client.post(reverse("coaching:booking_rules"), data).status_code == 302
    carol_profile.refresh_from_db()
    assert (carol_profile.buffer_before_minutes, carol_profile.buffer_after_minutes, carol_profile.daily_cap) == (5, 10, 4)


def test_erin_manages_coaches_in_the_admin_without_seeing_feed_secrets(client, erin, carol_profile):
    client.force_login(erin)
    assert client.get("/admin/coaching/coachprofile/").status_code == 200
    html = client.get(f"/admin/coaching/coachprofile/{carol_profile.pk}/change/").content.decode()
    assert "Carol Rivera" in html
    assert carol_profile.feed_token not in html


def test_carol_cannot_manage_coaches_in_the_admin(client, carol, carol_profile):
    client.force_login(carol)
    response = client.get("/admin/coaching/coachprofile/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
