"""A "yes" to the safety question is not lost in a draft Alice never sends: a day later the
admins get the same urgent alert and may open the draft as a case. Bob, who sends his in
time, is alerted about once, on sending; the check owed for his draft is withdrawn. The
safety step says so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from clients import emails, urgent_case
from clients.models import Intake
from core import outbox
from core.models import OwedStatus, OwedWork
from tests.test_intake_flow import CONSENTS, SAFETY_YES, STEP, fill_up_to_safety, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def pending_checks():
    return list(OwedWork.objects.filter(kind=urgent_case.URGENT_DRAFT, status=OwedStatus.PENDING).values_list("about", "due_at"))


def test_the_safety_step_says_a_yes_in_an_unsent_draft_still_reaches_the_team(client, alice):
    client.force_login(alice)
    fill_up_to_safety(client)
    page = client.get(STEP.format("safety")).content.decode()
    assert "If you answer yes and then stop before sending your intake, we will still let our team know after a day" in page


def test_a_yes_left_in_a_draft_for_a_day_alerts_the_admins(
    client, alice, erin, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    fill_up_to_safety(client)
    said_yes_at = clock["now"]
    post(client, "safety", SAFETY_YES)
    intake = Intake.objects.get(client=alice)
    assert pending_checks() == [(f"intake:{intake.pk}", said_yes_at + timedelta(hours=24))]

    clock["now"] = said_yes_at + timedelta(hours=23, minutes=59)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()
    assert mailoutbox == []

    clock["now"] = said_yes_at + timedelta(hours=24, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()
    intake.refresh_from_db()
    assert (intake.status, intake.urgent_draft_flagged_at) == (Intake.Status.DRAFT, clock["now"])
    assert [(m.subject, m.to) for m in mailoutbox] == [(emails.URGENT_SUBJECT, [erin.email])]
    assert f"/client/intakes/review/{intake.pk}/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="intake.urgent_draft_flagged", object_id=str(intake.pk)).count() == 1

    # Erin finds it at the top of her queue, and may open the unsent draft as a case;
    # nothing to decide until it is sent.
    client.force_login(erin)
    queue = client.get("/client/intakes/review/")
    assert [shown.pk for shown in queue.context["intakes"]] == [intake.pk]
    assert "Not sent: flagged" in queue.content.decode()
    page = client.get(f"/client/intakes/review/{intake.pk}/").content.decode()
    assert "This intake has not been sent" in page
    assert "Approve and match" not in page


def test_sending_in_time_withdraws_the_check_and_alerts_once(
    client, bob, erin, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    fill_up_to_safety(client)
    said_yes_at = clock["now"]
    post(client, "safety", SAFETY_YES)
    assert len(pending_checks()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "consents", {**CONSENTS, "signed_name": "Bob Lee"})
    assert pending_checks() == []
    assert [m.subject for m in mailoutbox] == [emails.URGENT_SUBJECT]

    clock["now"] = said_yes_at + timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.scan()
    assert [m.subject for m in mailoutbox] == [emails.URGENT_SUBJECT]
    assert Intake.objects.get(client=bob).urgent_draft_flagged_at is None


def test_a_check_already_under_way_when_the_intake_is_sent_skips_itself(bob, erin, mailoutbox):
    intake = Intake.objects.create(client=bob, is_urgent=True, status=Intake.Status.SUBMITTED, submitted_at=timezone.now())
    work = OwedWork.objects.create(
        kind=urgent_case.URGENT_DRAFT,
        key=f"{urgent_case.URGENT_DRAFT}:{intake.pk}",
        payload={"intake_id": intake.pk},
        due_at=timezone.now(),
        available_at=timezone.now(),
    )
    assert outbox.deliver(work.pk) == OwedStatus.SKIPPED
    assert mailoutbox == []
