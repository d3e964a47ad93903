"""Who may read an intake: its client, admins, and a matched coach while the client shares it.
Everyone else gets a 404, and every allowed read adds exactly one audit event."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent
from clients import consents
from clients.access import read_intake
from clients.eligibility import intake_approved
from clients.models import CoachAssignment, Consent, Intake
from bookings.transitions import place_hold
from tests.factories import IntakeFactory, bookable_coach, local_time, sign_all_consents

pytestmark = pytest.mark.django_db


def reads_of(intake):
    return list(
        AuditEvent.objects.filter(action="intake.read", object_id=str(intake.pk)).values_list("actor_email", flat=True)
    )


@pytest.fixture
def alices_intake(alice, carol, erin):
    intake = IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    sign_all_consents(alice)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    return intake


def test_bob_cannot_see_alices_intake(client, bob, alices_intake):
    with pytest.raises(Http404):
        read_intake(bob, alices_intake.pk)
    client.force_login(bob)
    assert client.get(f"/client/intakes/{alices_intake.pk}/").status_code == 404
    assert reads_of(alices_intake) == []


def test_a_coach_not_matched_with_alice_cannot_see_her_intake(client, dave, alices_intake):
    with pytest.raises(Http404):
        read_intake(dave, alices_intake.pk)
    client.force_login(dave)
    assert client.get(f"/client/intakes/{alices_intake.pk}/").status_code == 404
    assert reads_of(alices_intake) == []


def test_carol_reads_alices_intake_and_the_read_is_audited_once(client, carol, alices_intake):
    client.force_login(carol)
    response = client.get(f"/client/intakes/{alices_intake.pk}/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    assert "Cut down / controlled drinking or use" in response.content.decode()
    event = AuditEvent.objects.get(action="intake.read")
    assert (event.actor_email, event.object_type, event.object_id, event.ip, event.details) == (
        carol.email, "clients.intake", str(alices_intake.pk), "198.51.100.7", {"client_id": alices_intake.client_id})

    client.get(f"/client/intakes/{alices_intake.pk}/")
    assert reads_of(alices_intake) == [carol.email, carol.email]


def test_after_alice_revokes_her_consent_carol_cannot_see_her_intake(client, alice, carol, alices_intake):
    client.force_login(alice)
    share = Consent.objects.get(client=alice, kind=Consent.Kind.SHARE_WITH_COACH)
    response = client.post(f"/client/intake/consents/{share.pk}/revoke/", REMOTE_ADDR="203.0.113.9")
    assert response.url == "/client/intake/yours/"
    share.refresh_from_db()
    assert (share.revoked_at is not None, share.revoked_ip) == (True, "203.0.113.9")
    assert AuditEvent.objects.filter(action="consent.revoked", object_id=str(share.pk)).count() == 1

    client.force_login(carol)
    assert client.get(f"/client/intakes/{alices_intake.pk}/").status_code == 404
    assert reads_of(alices_intake) == []


def test_bob_cannot_revoke_alices_consent(client, alice, bob, alices_intake):
    share = Consent.objects.get(client=alice, kind=Consent.Kind.SHARE_WITH_COACH)
    client.force_login(bob)
    assert client.post(f"/client/intake/consents/{share.pk}/revoke/").status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_alice_can_share_again_after_revoking(client, alice, carol, alices_intake):
    share = Consent.objects.get(client=alice, kind=Consent.Kind.SHARE_WITH_COACH)
    consents.revoke(share)
    client.force_login(alice)
    client.post("/client/intake/consents/share/", {"agree": "on", "signed_name": "Alice Moreno"})
    assert consents.shares_with_coach(alice) is True
    assert read_intake(carol, alices_intake.pk) == alices_intake


def test_an_expired_consent_hides_the_intake_from_carol(alice, carol, alices_intake):
    Consent.objects.filter(client=alice, kind=Consent.Kind.SHARE_WITH_COACH).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Http404):
        read_intake(carol, alices_intake.pk)


def test_without_consent_to_share_even_the_matched_coach_cannot_see_it(bob, carol, erin):
    intake = IntakeFactory(client=bob, status=Intake.Status.APPROVED)
    sign_all_consents(bob, share=False)
    CoachAssignment.objects.create(client=bob, coach=carol, assigned_by=erin)
    with pytest.raises(Http404):
        read_intake(carol, intake.pk)
    assert read_intake(erin, intake.pk) == intake


def test_a_coach_with_a_booking_with_alice_reads_her_intake_through_the_bookings_relation(alice, dave, alices_intake):
    with pytest.raises(Http404):
        read_intake(dave, alices_intake.pk)
    _coach, intro = bookable_coach(dave, price_cents=0)
    place_hold(alice, intro, local_time(intro.coach, 3, 10))
    assert read_intake(dave, alices_intake.pk) == alices_intake
    assert reads_of(alices_intake) == [dave.email]


def test_alice_reads_her_own_sent_intake_and_each_read_is_audited_once(client, alice, alices_intake):
    client.force_login(alice)
    response = client.get("/client/intake/yours/")
    assert response.status_code == 200
    assert "Stop sharing my intake with coaches" in response.content.decode()
    assert reads_of(alices_intake) == [alice.email]


def test_erin_reads_a_sent_intake_but_not_a_draft(client, erin, bob, alices_intake):
    draft = IntakeFactory(client=bob, status=Intake.Status.DRAFT, submitted_at=None)
    client.force_login(erin)
    assert client.get(f"/client/intakes/review/{alices_intake.pk}/").status_code == 200
    assert client.get(f"/client/intakes/review/{draft.pk}/").status_code == 404
    assert reads_of(alices_intake) == [erin.email]
    assert reads_of(draft) == []


def test_the_review_pages_are_for_admins_only(client, bob, carol, alices_intake):
    for person in (bob, carol):
        client.force_login(person)
        assert client.get("/client/intakes/review/").status_code == 403
        assert client.get(f"/client/intakes/review/{alices_intake.pk}/").status_code == 403
    assert reads_of(alices_intake) == []


def test_only_an_approved_intake_opens_paid_sessions(alice, bob, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    intake = IntakeFactory(client=alice, status=Intake.Status.SUBMITTED)
    assert intake_approved(alice) is False
    for status in (Intake.Status.DRAFT, Intake.Status.MORE_INFO, Intake.Status.DECLINED):
        Intake.objects.filter(pk=intake.pk).update(status=status)
        assert intake_approved(alice) is False
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.APPROVED)
    assert intake_approved(alice) is True
    assert (intake_approved(bob), intake_approved(AnonymousUser())) == (False, False)


def test_the_agreements_about_care_and_privacy_cannot_be_revoked_like_sharing(client, alice, alices_intake):
    privacy = Consent.objects.get(client=alice, kind=Consent.Kind.PRIVACY)
    client.force_login(alice)
    assert client.post(f"/client/intake/consents/{privacy.pk}/revoke/").status_code == 404
    privacy.refresh_from_db()
    assert privacy.revoked_at is None
