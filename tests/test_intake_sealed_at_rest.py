"""The intake's answers and the review messages are ciphertext in the database, and still
read in full on every page that shows them."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients import review
from clients.models import Intake, IntakeReview
from tests.factories import IntakeFactory, answers, sign_all_consents

pytestmark = pytest.mark.django_db

# Everything Bob tells us, each value distinct enough to be found in a dump.
BOBS_ANSWERS = {
    "preferred_name": "Bobby",
    "pronouns": "he/they",
    "time_zone": "Europe/London",
    "language": "Portuguese",
    "phone": "+44 7700 900123",
    "emergency_contact": "Marta Lee, +44 7700 900456",
    "substances": ["opioids", "benzodiazepines", "other"],
    "substance_other": "pregabalin",
    "treatment": "methadone",
    "treatment_other": "",
    "goal": "mat",
    "goal_in_own_words": "Stay steady on methadone and stop topping up.",
    "sex": "male",
    "audit_c_answers": None,
    "audit_c_score": None,
    "audit_c_positive": None,
    "dast_answers": [True, True, False, False, True, True, False, False, True, False],
    "dast_score": 6,
    "dast_band": "Substantial level",
    "importance": 9,
    "confidence": 3,
    "thoughts_of_self_harm": True,
    "overdose_past_year": True,
}
# What a dump must not show: every word Bob wrote or chose.
TELLING = [
    "Bobby", "he/they", "Europe/London", "Portuguese", "900123", "Marta", "opioids", "benzodiazepines",
    "pregabalin", "methadone", "topping up", '"male"', "Substantial", '"mat"',
]
# What stays in clear, because queries need it (or it holds nothing the client said).
CLEAR_COLUMNS = [
    "id", "client_id", "status", "steps_done", "is_urgent", "urgent_draft_flagged_at", "created_at", "updated_at",
    "submitted_at", "reviewed_at",
]


def rows_as_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def columns_holding_tokens(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        names = [column.name for column in cursor.description]
        row = cursor.fetchone()
    return sorted(name for name, value in zip(names, row, strict=True) if isinstance(value, str) and value.startswith("gAAAAA"))


@pytest.fixture
def bobs_intake(bob):
    intake = IntakeFactory(client=bob, is_urgent=True, **BOBS_ANSWERS)
    sign_all_consents(bob)
    return intake


def test_a_raw_read_of_the_intake_table_finds_no_answer(bobs_intake):
    (dumped,) = rows_as_text("clients_intake")
    assert [word for word in TELLING if word in dumped] == []
    sealed = columns_holding_tokens("clients_intake", bobs_intake.pk)
    assert sealed == sorted(BOBS_ANSWERS)
    every_column = [field.column for field in Intake._meta.concrete_fields]
    assert sorted(set(every_column) - set(sealed)) == sorted(CLEAR_COLUMNS)
    assert answers(Intake.objects.get(pk=bobs_intake.pk), *BOBS_ANSWERS) == tuple(BOBS_ANSWERS.values())


def test_an_answer_not_given_is_sealed_too_and_looks_like_one_given(alice):
    drinks = IntakeFactory(client=alice, substances=["alcohol"], dast_answers=None)
    drugs = IntakeFactory(substances=["cannabis"], audit_c_answers=None, audit_c_score=None, audit_c_positive=None,
                          dast_answers=[False] * 10, dast_score=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_c_answers, dast_answers, substances, treatment FROM clients_intake WHERE id IN (%s, %s) ORDER BY id",
            [drinks.pk, drugs.pk],
        )
        alcohol_row, cannabis_row = cursor.fetchall()
    # Neither a NULL nor a token's length tells which screen was asked, so which substances were chosen.
    assert [len(token) for token in alcohol_row] == [len(token) for token in cannabis_row]
    assert answers(Intake.objects.get(pk=drinks.pk), "dast_answers") == (None,)


def test_a_review_message_is_sealed(erin, bobs_intake):
    decision = review.ask_for_more(bobs_intake, message="Which doctor prescribes the methadone?", by=erin)
    (dumped,) = rows_as_text("clients_intakereview")
    assert "doctor" not in dumped and "methadone" not in dumped
    assert IntakeReview.objects.get(pk=decision.pk).message.reveal() == "Which doctor prescribes the methadone?"


def test_erin_reads_every_answer_in_the_queue_and_on_the_review_page(client, erin, bobs_intake):
    client.force_login(erin)
    queue = client.get(reverse("clients:review_queue")).content.decode()
    assert '<span class="badge urgent">Urgent</span> <a href="/client/intakes/review/%d/">Bobby (he/they)</a>' % bobs_intake.pk in queue
    assert "Stay on track with my medication-assisted treatment" in queue
    assert "Opioids, Benzodiazepines, pregabalin" in queue
    assert "6 (Substantial level)" in queue
    assert "importance 9, confidence 3" in queue

    page = client.get(reverse("clients:review_detail", args=[bobs_intake.pk])).content.decode()
    for shown in [
        "<dt>Preferred name</dt><dd>Bobby</dd>",
        "<dt>Pronouns</dt><dd>he/they</dd>",
        "<dt>Language for coaching</dt><dd>Portuguese</dd>",
        "<dt>Phone</dt><dd>+44 7700 900123</dd>",
        "<dt>Emergency contact</dt><dd>Marta Lee, +44 7700 900456</dd>",
        "<dt>Medication-assisted treatment</dt><dd>Methadone</dd>",
        "<dt>In their own words</dt><dd>Stay steady on methadone and stop topping up.</dd>",
        "<dt>DAST-10 (0–10)</dt><dd>6 — Substantial level (intensive assessment)</dd>",
        "<dt>How important the change is (0–10)</dt><dd>9</dd>",
        "<dt>Thoughts of being better off dead or of self-harm, past two weeks</dt><dd>Yes</dd>",
        "<dt>Overdose in the past year</dt><dd>Yes</dd>",
    ]:
        assert shown in page


def test_carol_reads_bobs_answers_on_his_client_record_once_matched(client, erin, carol, bobs_intake):
    review.approve(bobs_intake, coaches=[carol], by=erin)
    client.force_login(carol)
    record = client.get(reverse("coaching:client_record", args=[bobs_intake.client_id])).content.decode()
    assert (
        "<dt>Their goal</dt><dd>Stay on track with my medication-assisted treatment: "
        "“Stay steady on methadone and stop topping up.”</dd>"
    ) in record
    assert "<dt>Medication-assisted treatment</dt><dd>Methadone</dd>" in record
    assert "<dt>Readiness</dt><dd>Importance 9 of 10, confidence 3 of 10</dd>" in record


def test_the_demos_answers_read_correctly_for_the_client_the_admin_and_the_matched_coach(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    alice, bob, carol, erin = (User.objects.get(email=f"{name}@waypoint.test") for name in ["alice", "bob", "carol", "erin"])

    client.force_login(alice)
    mine = client.get(reverse("clients:intake_summary")).content.decode()
    assert "<dt>In their own words</dt><dd>Keep weeknights dry and enjoy a couple of drinks at the weekend.</dd>" in mine
    assert "<dt>Pronouns</dt><dd>she/her</dd>" in mine

    client.force_login(erin)
    bobs = client.get(reverse("clients:review_detail", args=[bob.intake.pk])).content.decode()
    assert "<dt>In their own words</dt><dd>Stay steady on methadone and stop topping up.</dd>" in bobs
    assert "<dt>DAST-10 (0–10)</dt><dd>6 — Substantial level (intensive assessment)</dd>" in bobs

    client.force_login(carol)
    record = client.get(reverse("coaching:client_record", args=[alice.pk])).content.decode()
    assert "“Keep weeknights dry and enjoy a couple of drinks at the weekend.”" in record
    assert "<dt>Readiness</dt><dd>Importance 8 of 10, confidence 6 of 10</dd>" in record


# --- the migration that seals what was stored in clear ------------------------------------

BEFORE = ("clients", "0004_outbox_moved")
AFTER = ("clients", "0005_seal_intake_answers")


def migrate(target):
    MigrationExecutor(connection).migrate([target])


def plain_row(intake_pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT preferred_name, emergency_contact, substances, treatment, goal_in_own_words, audit_c_answers, "
            "dast_answers, dast_score, importance, thoughts_of_self_harm, overdose_past_year FROM clients_intake WHERE id = %s",
            [intake_pk],
        )
        return cursor.fetchone()


PLAIN = ("Alice M", "Ana Moreno, 555-0199", ["alcohol", "cannabis"], "none", "Drink less on weekdays.", [3, 1, None],
         [False, True, True, False, False, False, False, False, False, False], 1, 7, False, None)


def test_the_migration_seals_rows_written_in_clear_and_opens_them_again_when_unapplied(alice, bob, erin):
    # Everything here, the schema changes too, is rolled back with the test's transaction.
    # The migrations alter tables this test has written to; checking the foreign keys now
    # leaves no deferred check pending, which PostgreSQL requires before an ALTER TABLE.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    migrate(BEFORE)
    now = timezone.now()
    with connection.cursor() as cursor:
        ids = []
        for person, row in [(alice, PLAIN), (bob, ("", "", [], "", "", None, None, None, None, None, None))]:
            cursor.execute(
                "INSERT INTO clients_intake (client_id, status, steps_done, preferred_name, pronouns, time_zone, language, "
                "phone, emergency_contact, substances, substance_other, treatment, treatment_other, goal, goal_in_own_words, "
                "sex, audit_c_answers, audit_c_score, audit_c_positive, dast_answers, dast_score, dast_band, importance, "
                "confidence, thoughts_of_self_harm, overdose_past_year, is_urgent, created_at, updated_at) "
                "VALUES (%s, 'submitted', '{}', %s, '', '', 'English', '', %s, %s::varchar(20)[], '', %s, '', '', %s, '', "
                "%s::smallint[], NULL, NULL, %s::boolean[], %s, '', %s, NULL, %s, %s, false, %s, %s) RETURNING id",
                [person.pk, *row, now, now],
            )
            ids.append(cursor.fetchone()[0])
        cursor.execute(
            "INSERT INTO clients_intakereview (intake_id, action, message, reviewer_id, created_at) "
            "VALUES (%s, 'more_info', 'Which days are hardest?', %s, %s)",
            [ids[0], erin.pk, now],
        )

    migrate(AFTER)
    # Read at this migration's schema: columns added by later migrations are not there yet.
    at_this_schema = Intake.objects.defer("urgent_draft_flagged_at")
    alices = at_this_schema.get(pk=ids[0])
    assert answers(
        alices, "preferred_name", "emergency_contact", "substances", "treatment", "goal_in_own_words", "audit_c_answers",
        "dast_answers", "dast_score", "importance", "thoughts_of_self_harm", "overdose_past_year",
    ) == PLAIN
    assert answers(at_this_schema.get(pk=ids[1]), "preferred_name", "substances", "importance") == ("", [], None)
    assert alices.reviews.get().message.reveal() == "Which days are hardest?"
    dumped = " ".join(rows_as_text("clients_intake") + rows_as_text("clients_intakereview"))
    assert [word for word in ["Alice M", "Ana Moreno", "alcohol", "cannabis", "weekdays", "hardest"] if word in dumped] == []

    migrate(BEFORE)
    assert plain_row(ids[0]) == PLAIN
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM clients_intakereview")
        assert cursor.fetchall() == [("Which days are hardest?",)]


def test_the_review_queue_keeps_its_order_and_its_queries(client, erin, django_assert_num_queries):
    now = timezone.now()
    calm_old = IntakeFactory(submitted_at=now - datetime.timedelta(days=3))
    urgent_new = IntakeFactory(submitted_at=now - datetime.timedelta(hours=1), is_urgent=True, thoughts_of_self_harm=True)
    client.force_login(erin)
    client.get(reverse("clients:review_queue"))
    # The order is still decided by the database, on columns left in clear.
    assert list(Intake.objects.review_queue().values_list("pk", flat=True)) == [urgent_new.pk, calm_old.pk]
    # A fixed number: the page also shows the family intakes' queue, which adds two.
    with django_assert_num_queries(7):
        response = client.get(reverse("clients:review_queue"))
    assert [intake.pk for intake in response.context["intakes"]] == [urgent_new.pk, calm_old.pk]
