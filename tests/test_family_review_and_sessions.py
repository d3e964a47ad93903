"""Erin reviews Fiona's family intake beside the client intakes and matches her with Carol,
who works with families; family sessions keep every rule of any other session, and open
for paid booking once the family intake is approved."""

import pytest
from django.http import Http404
from django.urls import reverse

from accounts.models import AuditEvent
from bookings.errors import NotAllowed
from bookings.models import Status
from bookings.transitions import place_hold
from coaching.models import CoachProfile, Specialty
from core import outbox
from core.discretion import indiscreet_words
from core.models import OwedWork
from families import review
from families.access import read_family_intake
from families.emails import REVIEW_DECISION, URGENT_ALERT
from families.models import FamilyIntake, FamilyMatch
from tests.factories import ClientFactory, FamilyIntakeFactory, IntakeFactory, bookable_coach, local_time

pytestmark = [pytest.mark.django_db, pytest.mark.intake_gate]


@pytest.fixture
def coaches(carol, dave):
    CoachProfile.objects.create(user=carol, display_name="Carol Rivera", specialties=[Specialty.FAMILIES, Specialty.OPIOIDS_MAT], languages=["English"])
    CoachProfile.objects.create(user=dave, display_name="Dave Okafor", specialties=[Specialty.ALCOHOL], languages=["English"])
    return carol, dave


@pytest.fixture
def fionas_intake(fiona):
    return FamilyIntakeFactory(client=fiona)


def run(work):
    return outbox.handler_for(work.kind).run(work)


def test_the_review_queue_shows_family_intakes_with_their_own_summary_urgent_first(client, erin, fionas_intake):
    calm_earlier = FamilyIntakeFactory(client=ClientFactory(name="Gus Hall"), relationship="partner", pss_score=4)
    FamilyIntake.objects.filter(pk=fionas_intake.pk).update(is_urgent=True)
    client.force_login(erin)
    page = client.get(reverse("clients:review_queue")).content.decode()
    family_part = page[page.index('id="family-intakes"'):]
    assert family_part.index("Fiona") < family_part.index("Gus")
    assert "I am their parent" in family_part and "I am their partner or spouse" in family_part
    assert "11 of 16" in family_part and "Look after my own wellbeing" in family_part
    assert f'href="/family/intakes/review/{fionas_intake.pk}/"' in family_part
    assert calm_earlier.pk in AuditEvent.objects.get(action="family_intake.queue_read").details["intake_ids"]


def test_the_family_review_page_suggests_coaches_who_work_with_families_first(client, erin, coaches, fionas_intake):
    client.force_login(erin)
    response = client.get(reverse("families:review_detail", args=[fionas_intake.pk]))
    assert [profile.display_name for profile, _, _ in response.context["suggestions"]] == ["Carol Rivera", "Dave Okafor"]
    page = response.content.decode()
    assert "Family intake of Fiona" in page and "He sleeps all day" in page
    assert AuditEvent.objects.filter(action="family_intake.read", actor=erin).count() == 1


def test_erin_approves_and_matches_carol_and_fiona_is_told_discreetly(client, erin, coaches, fiona, fionas_intake):
    carol, _ = coaches
    client.force_login(erin)
    response = client.post(reverse("families:review_approve", args=[fionas_intake.pk]), {"coaches": [carol.pk]})
    assert response.url == reverse("clients:review_queue")
    fionas_intake.refresh_from_db()
    assert fionas_intake.status == FamilyIntake.Status.APPROVED
    assert list(FamilyMatch.objects.values_list("client", "coach")) == [(fiona.pk, carol.pk)]
    work = OwedWork.objects.get(kind=REVIEW_DECISION)
    message = run(work)
    assert message.to == [fiona.email]
    assert message.subject == "Waypoint: your next step is ready"
    assert indiscreet_words(message.subject) == []
    assert "/family/intake/yours/" in message.body


def test_a_decision_on_an_intake_not_waiting_is_refused(erin, coaches, fionas_intake):
    carol, _ = coaches
    review.approve(fionas_intake, coaches=[carol], by=erin)
    with pytest.raises(Exception, match="not waiting"):
        review.decline(fionas_intake, by=erin)


def test_asking_fiona_for_more_lets_her_edit_and_send_again(client, erin, fiona, fionas_intake):
    client.force_login(erin)
    client.post(reverse("families:review_ask_for_more", args=[fionas_intake.pk]), {"message": "Is anyone at home in danger?"})
    fionas_intake.refresh_from_db()
    assert fionas_intake.status == FamilyIntake.Status.MORE_INFO
    client.force_login(fiona)
    page = client.get("/family/intake/step/about/").content.decode()
    assert "Is anyone at home in danger?" in page


def test_an_empty_question_is_a_400_not_a_500(client, erin, fionas_intake):
    client.force_login(erin)
    assert client.post(reverse("families:review_ask_for_more", args=[fionas_intake.pk]), {"message": ""}).status_code == 400


def test_only_a_coach_who_works_with_fiona_reads_her_family_intake(client, coaches, fiona, erin, fionas_intake):
    carol, dave = coaches
    review.approve(fionas_intake, coaches=[carol], by=erin)
    assert read_family_intake(carol, fionas_intake.pk).pk == fionas_intake.pk
    with pytest.raises(Http404):
        read_family_intake(dave, fionas_intake.pk)
    client.force_login(dave)
    assert client.get(reverse("families:intake_detail", args=[fionas_intake.pk])).status_code == 404
    client.force_login(carol)
    assert f"/family/intakes/{fionas_intake.pk}/" in client.get(reverse("families:coach_families")).content.decode()
    assert "He sleeps all day" in client.get(reverse("families:intake_detail", args=[fionas_intake.pk])).content.decode()


def test_the_urgent_alert_names_the_family_review_page_and_nothing_else(erin, fiona):
    intake = FamilyIntakeFactory(client=fiona, is_urgent=True, afraid_of_loved_one=True)
    from families.emails import owe_urgent_alerts

    owe_urgent_alerts(intake)
    message = run(OwedWork.objects.get(kind=URGENT_ALERT))
    assert message.to == [erin.email]
    assert indiscreet_words(message.subject) == []
    assert f"/family/intakes/review/{intake.pk}/" in message.body
    assert "Fiona" not in message.body and "parent" not in message.body


# --- Coaches who work with families, and family sessions --------------------------------

def test_the_directory_filters_coaches_who_work_with_families(client, coaches):
    names = [card.coach.display_name for card in client.get(reverse("coaching:directory"), {"specialty": Specialty.FAMILIES}).context["coaches"]]
    assert names == ["Carol Rivera"]


def test_carol_marks_a_session_type_as_a_family_session(client, carol):
    bookable_coach(carol)
    client.force_login(carol)
    response = client.post(
        reverse("coaching:session_types"),
        {"name": "Family session", "duration_minutes": "50", "price": "60", "currency": "usd",
         "cancellation_notice_hours": "24", "max_reschedules": "2", "for_families": "on"},
    )
    assert response.status_code == 302
    assert carol.coach_profile.session_types.get(name="Family session").for_families is True


@pytest.fixture
def family_session(carol):
    coach, _ = bookable_coach(carol, specialties=[Specialty.FAMILIES])
    return coach.session_types.create(name="Family session", duration_minutes=50, price_cents=6000, for_families=True)


def test_a_paid_family_session_waits_for_fionas_family_intake_and_then_follows_the_usual_rules(fiona, family_session):
    start = local_time(family_session.coach, 3, 10)
    with pytest.raises(NotAllowed):
        place_hold(fiona, family_session, start)
    # Her own client intake, approved, does not open family sessions: only the family intake does.
    IntakeFactory(client=fiona, status="approved")
    with pytest.raises(NotAllowed):
        place_hold(fiona, family_session, start)
    FamilyIntakeFactory(client=fiona, status=FamilyIntake.Status.APPROVED)
    booking = place_hold(fiona, family_session, start)
    assert (booking.status, booking.price_cents, booking.hold_expires_at is not None) == (Status.PENDING_PAYMENT, 6000, True)


def test_an_approved_family_intake_does_not_open_individual_paid_sessions(fiona, carol):
    _, individual = bookable_coach(carol)
    FamilyIntakeFactory(client=fiona, status=FamilyIntake.Status.APPROVED)
    with pytest.raises(NotAllowed):
        place_hold(fiona, individual, local_time(individual.coach, 3, 10))


def test_the_page_for_a_family_session_fiona_may_not_book_yet_links_to_her_family_intake(client, fiona, family_session):
    client.force_login(fiona)
    start = local_time(family_session.coach, 3, 10)
    response = client.get(reverse("bookings:new"), {"coach": family_session.coach.pk, "type": family_session.pk, "start": start.isoformat()})
    assert response.status_code == 200
    assert 'href="/family/intake/"' in response.content.decode()
    response = client.post(reverse("bookings:new"), {"coach": family_session.coach.pk, "type": family_session.pk, "start": start.isoformat()})
    assert response.status_code == 403
    assert 'href="/family/intake/"' in response.content.decode()
