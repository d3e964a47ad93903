"""Staff see a client as the client asked: the preferred name and pronouns from the
intake, on every page where a coach or an admin sees that client. The account keeps a
copy the client's intake answers write, so these pages open no intake (and audit none)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from bookings import transitions
from clients.forms import AboutForm
from clients.intake import save_step
from clients.models import CoachAssignment, Intake
from tests.factories import bookable_coach, demo_paid, local_time, past_session

pytestmark = pytest.mark.django_db

ALI = "Ali (she/her)"


@pytest.fixture
def ali(alice):
    """Alice, who asked in her intake to be called Ali, she/her."""
    intake = Intake.objects.create(client=alice)
    about = {"preferred_name": "Ali", "pronouns": "she/her", "time_zone": "America/Chicago", "language": "English"}
    form = AboutForm(about, intake=intake)
    assert form.is_valid(), form.errors
    save_step(intake, "about", form, complete=True)
    alice.refresh_from_db()
    return alice


def test_her_intakes_about_step_writes_the_copy_on_her_account(ali):
    assert (ali.known_as, ali.known_as_with_pronouns) == ("Ali", ALI)


def test_carol_sees_ali_on_her_calendar_sessions_record_and_booking_pages(client, carol, ali):
    coach, session_type = bookable_coach(carol)
    coming = demo_paid(transitions.place_hold(ali, session_type, local_time(coach, 1, 10)))
    past_session(coach, session_type, ali, days_ago=2)
    client.force_login(carol)
    reads_before = AuditEvent.objects.filter(action__startswith="intake.read").count()

    calendar = client.get(reverse("coaching:calendar")).content.decode()
    assert f'href="/bookings/{coming.pk}/"' in calendar and f"Session with {ALI}" in calendar
    for name in ["coaching:sessions", "bookings:mine"]:
        assert ALI in client.get(reverse(name)).content.decode(), name
    assert ALI in client.get(reverse("bookings:detail", args=[coming.pk])).content.decode()
    record = client.get(reverse("coaching:client_record", args=[ali.pk])).content.decode()
    assert f"<h1>{ALI}</h1>" in record and "Alice Moreno · alice@example.com" in record
    # The record reads the intake only when she shares it; the other pages never do.
    assert AuditEvent.objects.filter(action__startswith="intake.read").count() == reads_before


def test_erin_sees_ali_in_the_review_queue_and_the_admin_pages(client, erin, carol, ali):
    Intake.objects.filter(client=ali).update(status=Intake.Status.SUBMITTED)
    coach, session_type = bookable_coach(carol)
    demo_paid(transitions.place_hold(ali, session_type, local_time(coach, 1, 10)))
    client.force_login(erin)
    intake = Intake.objects.get(client=ali)
    for url in [
        reverse("clients:review_queue"),
        reverse("clients:review_detail", args=[intake.pk]),
        reverse("bookings:manage"),
        reverse("bookings:manage_client", args=[ali.pk]),
    ]:
        assert ALI in client.get(url).content.decode(), url


def test_carol_sees_ali_among_her_matched_clients(client, carol, erin, ali):
    CoachAssignment.objects.create(client=ali, coach=carol, assigned_by=erin)
    client.force_login(carol)
    assert ALI in client.get(reverse("clients:coach_clients")).content.decode()


def test_a_client_who_gave_no_preferred_name_is_shown_by_his_name(bob):
    assert (bob.known_as, bob.known_as_with_pronouns) == ("Bob Lee", "Bob Lee")


def test_the_upgrade_copies_names_from_intakes_written_before(bob):
    from importlib import import_module

    from django.apps import apps

    Intake.objects.create(client=bob, preferred_name="Bobby", pronouns="he/they")
    import_module("clients.migrations.0008_copy_preferred_names_to_accounts").copy_names(apps, None)
    bob.refresh_from_db()
    assert bob.known_as_with_pronouns == "Bobby (he/they)"
