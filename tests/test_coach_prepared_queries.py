"""The coach's pages ask their questions through core.prepared; each answers as the ORM
query it replaced answers, for this coach and not another."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from bookings.availability.busy import calendar_events
from bookings.models import Booking, SessionNote, Status
from bookings.notes import sessions_waiting_count
from coaching.calendar import week_grid
from coaching.feed import time_off_events
from coaching.models import CoachProfile, TimeOff, WeeklyHours
from coaching.profiles import profile_for

from .factories import ClientFactory, CoachUserFactory, bookable_coach, past_session

pytestmark = pytest.mark.django_db


def orm_waiting(user, now):
    return (
        Booking.objects.filter(coach__user=user)
        .filter(
            Q(status=Status.CONFIRMED, ends_at__lte=now)
            | Q(status=Status.COMPLETED, note__isnull=True)
            | Q(status=Status.COMPLETED, note__signed_at__isnull=True)
        )
        .count()
    )


def test_sessions_waiting_and_the_calendar_answer_as_the_orm(carol, dave, alice):
    ali = ClientFactory(name="Ali", preferred_name="Al <x>", pronouns="they/them")
    coach, kind = bookable_coach(carol)
    other, other_kind = bookable_coach(dave)
    now = timezone.now()
    assert sessions_waiting_count(carol, now=now) == orm_waiting(carol, now) == 0
    past_session(coach, kind, alice, days_ago=1)
    past_session(coach, kind, ali, days_ago=2, status=Status.COMPLETED)
    signed = past_session(coach, kind, alice, days_ago=3, status=Status.COMPLETED)
    SessionNote.objects.create(booking=signed, author=carol, signed_at=now, signed_by_name="Carol")
    drafted = past_session(coach, kind, ali, days_ago=4, status=Status.COMPLETED)
    SessionNote.objects.create(booking=drafted, author=carol)
    past_session(coach, kind, alice, days_ago=5, status=Status.CANCELLED)
    past_session(other, other_kind, alice, hours=30)
    for user in (carol, dave):
        assert sessions_waiting_count(user, now=now) == orm_waiting(user, now)
    assert sessions_waiting_count(carol, now=now) == 3
    assert sessions_waiting_count(carol, now=now - timedelta(days=10)) == orm_waiting(carol, now - timedelta(days=10)) == 2

    start, end = now - timedelta(days=6), now
    events = calendar_events(coach, start, end)
    shown = Booking.objects.filter(coach=coach, status__in=[Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW],
                                   starts_at__lt=end, ends_at__gt=start).order_by("starts_at").select_related("client")
    assert [(e["uid"], e["start"], e["end"], e["summary"], e["url"]) for e in events] == [
        (f"booking-{b.pk}@waypoint", b.starts_at, b.ends_at, f"Session with {b.client.known_as_with_pronouns}", f"/bookings/{b.pk}/")
        for b in shown
    ]
    assert "Session with Al <x> (they/them)" in [e["summary"] for e in events]
    assert calendar_events(other, start, end)[0]["summary"] == f"Session with {alice.known_as}"


def test_the_profile_hours_and_time_off_answer_as_the_orm(carol, dave):
    coach, _ = bookable_coach(carol, zone="Europe/Lisbon", languages=["English", "Portuguese"], specialties=["alcohol"])
    bookable_coach(dave)
    mine = profile_for(carol)
    orm = CoachProfile.objects.get(user=carol)
    assert [getattr(mine, f.attname) for f in CoachProfile._meta.concrete_fields] == [getattr(orm, f.attname) for f in CoachProfile._meta.concrete_fields]
    newcomer = CoachUserFactory(name="Nell")
    assert profile_for(newcomer).display_name == "Nell" and profile_for(newcomer).pk == CoachProfile.objects.get(user=newcomer).pk

    now = timezone.now()
    away = TimeOff.objects.create(coach=coach, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    TimeOff.objects.create(coach=coach, starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=21))
    assert time_off_events(coach, now, now + timedelta(days=7)) == [
        {"uid": f"time-off-{away.pk}@waypoint", "start": away.starts_at, "end": away.ends_at, "summary": "Time off"}
    ]
    today = now.date()
    days = week_grid(coach, today, today=today)
    hours = {(h.weekday, h.start_time, h.end_time) for h in WeeklyHours.objects.filter(coach=coach)}
    assert len(hours) == 7
    assert all(any(e.kind == "hours" for e in day.entries) or any(e.label == "All day" for e in day.entries) for day in days)


def test_the_session_tables_answer_as_the_orm_with_each_notes_state(carol, dave, alice, bob):
    from bookings.notes import coach_sessions_between, coach_sessions_with, note_state

    coach, kind = bookable_coach(carol)
    other, other_kind = bookable_coach(dave)
    now = timezone.now()
    signed = past_session(coach, kind, alice, days_ago=3, status=Status.COMPLETED)
    SessionNote.objects.create(booking=signed, author=carol, signed_at=now, signed_by_name="Carol")
    drafted = past_session(coach, kind, bob, days_ago=2, status=Status.COMPLETED)
    SessionNote.objects.create(booking=drafted, author=carol)
    bare = past_session(coach, kind, alice, days_ago=1)
    future = past_session(coach, kind, bob, days_ago=-2)
    past_session(coach, kind, alice, days_ago=4, status=Status.CANCELLED)
    past_session(other, other_kind, alice, hours=30)

    def orm(**where):
        return list(Booking.objects.filter(coach__user=carol, status__in=[Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW], **where))

    between = coach_sessions_between(carol, now - timedelta(days=10), now + timedelta(days=10))
    assert [b.pk for b in between] == [b.pk for b in orm(starts_at__gte=now - timedelta(days=10))] == [signed.pk, drafted.pk, bare.pk, future.pk]
    assert [note_state(b) for b in between] == ["signed", "draft", None, None]
    assert [b.client.known_as_with_pronouns for b in between] == [b.client.known_as_with_pronouns for b in orm()]
    assert [(b.starts_at, b.ends_at, b.get_status_display(), b.client_id) for b in between] == [
        (b.starts_at, b.ends_at, b.get_status_display(), b.client_id) for b in orm()
    ]
    assert [b.pk for b in coach_sessions_with(carol, alice)] == [bare.pk, signed.pk]
    assert [b.pk for b in coach_sessions_with(dave, alice)] == [b.pk for b in Booking.objects.filter(coach=other)]
    assert coach_sessions_between(carol, now + timedelta(days=20), now + timedelta(days=30)) == []


def test_a_coachs_record_opens_only_the_answers_it_shows_and_audits_the_read(carol, alice, erin):
    from accounts.models import AuditEvent
    from clients.access import RECORD_FIELDS, read_intake_of, read_intake_summary_of
    from clients.models import CoachAssignment

    from .factories import IntakeFactory, sign_all_consents

    IntakeFactory(client=alice, status="approved", goal_in_own_words="Fewer <b>drinks</b>", importance=7, confidence=4)
    sign_all_consents(alice)
    bookable_coach(carol)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    summary, whole = read_intake_summary_of(carol, alice), read_intake_of(carol, alice)
    for name in ("pk", *RECORD_FIELDS):
        assert getattr(summary, name) == getattr(whole, name), name
    assert summary.goal_in_own_words.reveal() == "Fewer <b>drinks</b>" and summary.get_treatment_display() == whole.get_treatment_display()
    assert summary.get_deferred_fields() and not whole.get_deferred_fields()
    assert AuditEvent.objects.filter(action="intake.read", object_id=str(whole.pk)).count() == 2


def test_a_coachs_clients_sharing_their_intake_are_those_whose_newest_share_is_in_force(carol, dave, alice, bob, erin):
    from clients import consents
    from clients.models import CoachAssignment, Consent

    from .factories import sign_all_consents

    frank, grace = ClientFactory(name="Frank"), ClientFactory(name="Grace")
    for person in (alice, bob, frank, grace):
        sign_all_consents(person)
        CoachAssignment.objects.create(client=person, coach=carol, assigned_by=erin)
    CoachAssignment.objects.create(client=alice, coach=dave, assigned_by=erin)
    now = timezone.now()
    Consent.objects.filter(client=bob, kind=Consent.Kind.SHARE_WITH_COACH).update(revoked_at=now)
    Consent.objects.filter(client=frank, kind=Consent.Kind.SHARE_WITH_COACH).update(expires_at=now - timedelta(days=1))
    # Grace revoked, then signed again: the newest is in force.
    Consent.objects.filter(client=grace, kind=Consent.Kind.SHARE_WITH_COACH).update(revoked_at=now, signed_at=now - timedelta(days=2))
    sign_all_consents(grace)
    assert consents.clients_sharing_with(carol) == {alice.pk, grace.pk}
    assert consents.clients_sharing_with(dave) == {alice.pk}
    assert consents.clients_sharing_with(carol, at=now - timedelta(days=2)) == {alice.pk, frank.pk, grace.pk}
