import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import AuditEvent, User
from clients.eligibility import intake_approved
from clients.models import CoachAssignment, Consent, Intake, IntakeReview

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_approved_client_an_urgent_intake_and_a_draft_once(mailoutbox, django_capture_on_commit_callbacks, eager_tasks):
    # Whatever the seed queues runs here, in-process: none of it may send a demo e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
        call_command("seed_demo")
    assert sorted(Intake.objects.values_list("client__email", "status", "is_urgent")) == [
        ("alice@waypoint.test", "approved", False),
        ("bob@waypoint.test", "submitted", True),
        ("frank@waypoint.test", "draft", False),
    ]
    assert list(CoachAssignment.objects.values_list("client__email", "coach__email")) == [
        ("alice@waypoint.test", "carol@waypoint.test")]
    assert IntakeReview.objects.count() == 1
    assert Consent.objects.filter(client__email="alice@waypoint.test").count() == 3
    assert Consent.objects.filter(client__email="frank@waypoint.test").count() == 0
    assert list(Intake.objects.review_queue().values_list("client__email", flat=True)) == ["bob@waypoint.test"]
    assert intake_approved(User.objects.get(email="alice@waypoint.test")) is True

    frank = User.objects.get(email="frank@waypoint.test")
    assert frank.check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.get(user=frank).verified is True
    assert mailoutbox == []
    assert AuditEvent.objects.filter(object_type="clients.intake").count() == 0
