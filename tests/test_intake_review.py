"""Erin reviews sent intakes: approves and matches coaches, asks for more, or declines.
Each decision is audited and e-mailed to the client, discreetly."""

import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from clients import review
from clients.emails import REVIEW_DECISION
from coaching import profiles
from clients.models import CoachAssignment, Intake, IntakeReview
from core import outbox
from core.discretion import indiscreet_words
from core.models import OwedStatus, OwedWork
from coaching.models import CoachProfile, Specialty
from tests.factories import ClientFactory, IntakeFactory, sign_all_consents

# Beyond the shared list of substance and diagnosis words, an intake e-mail's subject must
# not give away the decision or its urgency either.
DECISION_WORDS = re.compile(r"declin|urgent", re.IGNORECASE)


@pytest.fixture
def coaches(carol, dave):
    CoachProfile.objects.create(user=carol, display_name="Carol Rivera",
                                specialties=[Specialty.ALCOHOL, Specialty.OPIOIDS_MAT], languages=["English", "Spanish"])
    CoachProfile.objects.create(user=dave, display_name="Dave Okafor",
                                specialties=[Specialty.STIMULANTS, Specialty.CANNABIS], languages=["English"])
    return carol, dave


@pytest.fixture
def alices_intake(db, alice):
    intake = IntakeFactory(client=alice)
    sign_all_consents(alice)
    return intake


def decision_e_mails(intake):
    """The decision e-mails owed about `intake`, as (review id, status)."""
    return list(
        OwedWork.objects.filter(kind=REVIEW_DECISION, about=f"intake:{intake.pk}")
        .order_by("pk")
        .values_list("payload__review_id", "status")
    )


def audit_actions(intake):
    return list(
        AuditEvent.objects.filter(object_type="clients.intake", object_id=str(intake.pk))
        .exclude(action="intake.read")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_erin_approves_alice_and_matches_carol_and_dave(client, erin, alice, coaches, alices_intake, mailoutbox,
                                                        eager_tasks, django_capture_on_commit_callbacks):
    carol, dave = coaches
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/client/intakes/review/{alices_intake.pk}/approve/", {"coaches": [carol.pk, dave.pk]})
    assert response.url == "/client/intakes/review/"
    assert len(callbacks) == 1
    alices_intake.refresh_from_db()
    assert alices_intake.status == Intake.Status.APPROVED
    assert sorted(CoachAssignment.objects.filter(client=alice).values_list("coach__email", "assigned_by__email")) == [
        (carol.email, erin.email), (dave.email, erin.email)]
    assert audit_actions(alices_intake) == ["intake.approved"]
    event = AuditEvent.objects.get(action="intake.approved")
    assert (event.actor_email, event.details["coach_ids"]) == (erin.email, sorted([carol.pk, dave.pk]))
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: your next step is ready", [alice.email])]
    assert "http://127.0.0.1:8000/client/intake/yours/" in mailoutbox[0].body
    assert decision_e_mails(alices_intake) == [(IntakeReview.objects.get(intake=alices_intake).pk, "done")]


@pytest.mark.django_db
def test_erin_asks_alice_for_more_and_alice_sees_the_question(client, erin, alice, alices_intake, mailoutbox,
                                                              eager_tasks, django_capture_on_commit_callbacks):
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/client/intakes/review/{alices_intake.pk}/ask-for-more/", {"message": "Which medication are you on?"})
    alices_intake.refresh_from_db()
    assert alices_intake.status == Intake.Status.MORE_INFO
    assert audit_actions(alices_intake) == ["intake.more_info"]
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: a quick question about your sign-up", [alice.email])]
    # The question itself waits behind the login.
    assert "Which medication" not in mailoutbox[0].body

    client.force_login(alice)
    page = client.get("/client/intake/yours/").content.decode()
    assert "Which medication are you on?" in page
    assert client.get("/client/intake/").url == "/client/intake/step/about/"


@pytest.mark.django_db
def test_erin_declines_bob_with_referrals(client, erin, bob, mailoutbox, eager_tasks, django_capture_on_commit_callbacks):
    intake = IntakeFactory(client=bob)
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/client/intakes/review/{intake.pk}/decline/", {"message": "A clinic may help more right now."})
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DECLINED
    assert audit_actions(intake) == ["intake.declined"]
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: an update about your sign-up", [bob.email])]

    client.force_login(bob)
    page = client.get("/client/intake/yours/").content.decode()
    assert "A clinic may help more right now." in page
    assert 'href="https://findtreatment.gov/"' in page


@pytest.mark.django_db
def test_no_subject_line_names_anything_sensitive():
    from clients.emails import REVIEW_SUBJECTS, URGENT_SUBJECT, URGENT_SUBJECT_MANY

    # A client's subject never gives the decision away; the admins' alert says it is urgent
    # (that is its point) and, like every subject, names no reason.
    assert [s for s in REVIEW_SUBJECTS.values() if indiscreet_words(s) or DECISION_WORDS.search(s)] == []
    assert [s for s in (URGENT_SUBJECT, URGENT_SUBJECT_MANY) if indiscreet_words(s) or "declin" in s.lower()] == []


@pytest.mark.django_db
def test_the_decision_e_mail_is_sent_once_even_if_it_is_delivered_twice(erin, alices_intake, mailoutbox):
    decision = review.ask_for_more(alices_intake, message="Anything else?", by=erin)
    owed = OwedWork.objects.get(kind=REVIEW_DECISION, about=f"intake:{alices_intake.pk}")
    assert owed.payload == {"review_id": decision.pk}
    assert outbox.deliver(owed.pk) == OwedStatus.DONE
    assert outbox.deliver(owed.pk) is None
    assert outbox.deliver(owed.pk + 1000) is None
    assert len(mailoutbox) == 1
    owed.refresh_from_db()
    assert (owed.status, owed.attempts) == ("done", 1)


@pytest.mark.django_db
def test_a_decision_rolled_back_sends_nothing(erin, alices_intake, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                review.decline(alices_intake, by=erin)
                raise RuntimeError("the request failed after the decision")
        except RuntimeError:
            pass
    assert callbacks == []
    assert OwedWork.objects.count() == 0
    alices_intake.refresh_from_db()
    assert alices_intake.status == Intake.Status.SUBMITTED


@pytest.mark.django_db
def test_an_intake_already_decided_cannot_be_decided_again(client, erin, alices_intake, coaches):
    carol, _ = coaches
    review.approve(alices_intake, coaches=[carol], by=erin)
    for decide in (
        lambda: review.approve(alices_intake, coaches=[carol], by=erin),
        lambda: review.ask_for_more(alices_intake, message="More?", by=erin),
        lambda: review.decline(alices_intake, by=erin),
    ):
        with pytest.raises(ValidationError):
            decide()
    assert audit_actions(alices_intake) == ["intake.approved"]

    client.force_login(erin)
    response = client.post(f"/client/intakes/review/{alices_intake.pk}/decline/", {"message": ""}, follow=True)
    assert "This intake is not waiting for review." in response.content.decode()
    assert IntakeReview.objects.filter(intake=alices_intake).count() == 1


@pytest.mark.django_db
def test_approving_needs_a_coach_and_asking_needs_a_question(client, erin, alice, alices_intake, coaches):
    client.force_login(erin)
    response = client.post(f"/client/intakes/review/{alices_intake.pk}/approve/", {})
    assert response.status_code == 400
    assert "Choose at least one coach." in response.content.decode()
    response = client.post(f"/client/intakes/review/{alices_intake.pk}/ask-for-more/", {"message": ""})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        review.approve(alices_intake, coaches=[alice], by=erin)
    alices_intake.refresh_from_db()
    assert (alices_intake.status, audit_actions(alices_intake)) == (Intake.Status.SUBMITTED, [])


@pytest.mark.django_db
def test_coaches_are_suggested_by_language_then_specialty(alice, coaches):
    carol, dave = coaches
    intake = IntakeFactory(client=alice, substances=["cannabis", "stimulants"], language="English")
    assert [(p.user, matching, speaks) for p, matching, speaks in profiles.suggest_coaches(intake)] == [
        (dave, ["Stimulants", "Cannabis"], True), (carol, [], True)]
    intake.language = "Spanish"
    assert [(p.user, speaks) for p, _, speaks in profiles.suggest_coaches(intake)] == [(carol, True), (dave, False)]
    intake = IntakeFactory(client=ClientFactory(), substances=["opioids"], treatment="methadone")
    assert [(p.user, matching) for p, matching, _ in profiles.suggest_coaches(intake)][0] == (carol, ["Opioids and MAT support"])


@pytest.mark.django_db
def test_the_queue_shows_urgent_intakes_first_then_the_longest_waiting(client, erin):
    now = timezone.now()
    calm_old = IntakeFactory(submitted_at=now - timedelta(days=3))
    urgent_new = IntakeFactory(submitted_at=now - timedelta(hours=1), is_urgent=True, thoughts_of_self_harm=True)
    calm_new = IntakeFactory(submitted_at=now - timedelta(hours=2))
    urgent_old = IntakeFactory(submitted_at=now - timedelta(days=1), is_urgent=True, thoughts_of_self_harm=True)
    IntakeFactory(status=Intake.Status.DRAFT, submitted_at=None)
    IntakeFactory(status=Intake.Status.APPROVED)
    client.force_login(erin)
    response = client.get("/client/intakes/review/")
    assert [i.pk for i in response.context["intakes"]] == [urgent_old.pk, urgent_new.pk, calm_old.pk, calm_new.pk]
    page = response.content.decode()
    assert page.count('<span class="badge urgent">Urgent</span>') == 2
    assert "4 (positive)" in page
    event = AuditEvent.objects.get(action="intake.queue_read")
    assert event.details == {"intake_ids": [urgent_old.pk, urgent_new.pk, calm_old.pk, calm_new.pk]}


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_one_intake_or_five(client, erin):
    client.force_login(erin)
    IntakeFactory()
    client.get("/client/intakes/review/")
    with CaptureQueriesContext(connection) as one:
        client.get("/client/intakes/review/")
    for _ in range(4):
        IntakeFactory()
    with CaptureQueriesContext(connection) as five:
        response = client.get("/client/intakes/review/")
    assert len(response.context["intakes"]) == 5
    assert len(five) == len(one)


@pytest.mark.django_db
def test_the_queue_comes_in_pages_of_25_at_the_same_cost(client, erin):
    now = timezone.now()
    intakes = [IntakeFactory(submitted_at=now - timedelta(hours=30 - n)) for n in range(30)]
    client.force_login(erin)
    client.get("/client/intakes/review/?page=2")  # the session's first request writes more
    with CaptureQueriesContext(connection) as first_page:
        first = client.get("/client/intakes/review/")
    with CaptureQueriesContext(connection) as last_page:
        last = client.get("/client/intakes/review/?page=2")

    assert [i.pk for i in first.context["intakes"]] == [i.pk for i in intakes[:25]]
    assert [i.pk for i in last.context["intakes"]] == [i.pk for i in intakes[25:]]
    assert len(first_page) == len(last_page)
    assert "30 waiting; page 1 of 2" in first.content.decode()
    assert '<a href="?page=2" rel="next">Later in the queue</a>' in first.content.decode()
    assert '<a href="?page=1" rel="prev">Earlier in the queue</a>' in last.content.decode()
    assert list(AuditEvent.objects.filter(action="intake.queue_read").order_by("pk").values_list("details", flat=True)) == [
        {"intake_ids": [i.pk for i in intakes[25:]]},
        {"intake_ids": [i.pk for i in intakes[:25]]},
        {"intake_ids": [i.pk for i in intakes[25:]]},
    ]
    assert [client.get(f"/client/intakes/review/?page={page}").status_code for page in ("x", "0", "99", "9" * 40)] == [200] * 4


def test_a_real_worker_e_mails_alice_when_erin_approves(celery_worker_process, erin, alice, carol, mailoutbox):
    CoachProfile.objects.create(user=carol, display_name="Carol Rivera", specialties=[Specialty.ALCOHOL], languages=["English"])
    intake = IntakeFactory(client=alice)
    decision = review.approve(intake, coaches=[carol], by=erin)  # commits: the worker sees it
    deadline = time.monotonic() + 15
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [(m.subject, m.to) for m in mailoutbox] == [("Waypoint: your next step is ready", [alice.email])]
    deadline = time.monotonic() + 15
    while decision_e_mails(intake) != [(decision.pk, "done")] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert decision_e_mails(intake) == [(decision.pk, "done")]
    assert AuditEvent.objects.filter(action="intake.approved", object_id=str(intake.pk)).count() == 1
