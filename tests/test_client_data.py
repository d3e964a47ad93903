"""Download my data (every record of mine, nothing of anyone else) and Delete my account."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from accounts.export import delete_account, export_for
from accounts.models import AuditEvent, User
from clients import progress
from clients.models import CheckIn, Goal, GoalKind, ProgressSettings
from core import encryption
from tests.factories import IntakeFactory, sign_all_consents

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 6)


def keep_a_log(client, words, drinks):
    ProgressSettings.objects.create(client=client, substances=["alcohol"], share_with_coach=True)
    progress.add_goal(client, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3, own_words=f"{words} goal")
    for n, amount in enumerate(drinks):
        progress.save_check_in(
            client, day=TODAY - datetime.timedelta(days=n), today=TODAY, cravings=n, mood=3, uses={"alcohol": amount}, note=f"{words} {n}"
        )


@pytest.fixture
def two_logs(alice, bob):
    keep_a_log(alice, "alice-words", [0, 2])
    keep_a_log(bob, "bob-words", [1, 0, 0])
    for person, words in ((alice, "alice-words"), (bob, "bob-words")):
        IntakeFactory(client=person, goal_in_own_words=f"{words} in my intake", emergency_contact=f"{words} sister")
        sign_all_consents(person)
    return alice, bob


def text_columns_containing(needle):
    """Every (table, column) of text in the database that holds `needle`, any case."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY') "
            "ORDER BY table_name, column_name"
        )
        columns = cursor.fetchall()
        hits = []
        for table, column in columns:
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s', [f"%{needle}%"])
            if cursor.fetchone()[0]:
                hits.append((table, column))
    return hits


def test_the_export_holds_every_record_of_alice_and_nothing_of_bob(two_logs):
    alice, bob = two_logs
    export = export_for(alice)
    by_name = {s["name"]: s["records"] for s in export["sections"]}
    assert by_name["profile"] == [
        {
            "email": "alice@example.com",
            "name": "Alice Moreno",
            "preferred_name": "",
            "pronouns": "",
            "role": "client",
            "time_zone": "America/Chicago",
            "joined": alice.date_joined.isoformat(),
            "last_sign_in": None,
            "email_addresses": [{"email": "alice@example.com", "verified": True, "primary": True}],
            "two_step_sign_in": [],
        }
    ]
    assert by_name["progress_log"] == [
        {"kind": "settings", "tracking": ["alcohol"], "tracks_medication": False, "shared_with_coach": True},
        {
            "kind": "goal",
            "goal": "3 alcohol-free days a week",
            "in_your_words": "alice-words goal",
            "active": True,
            "set_on": Goal.objects.get(client=alice).created_at.isoformat(),
        },
        {
            "kind": "check_in", "day": "2026-03-05", "use": [{"substance": "alcohol", "used": True, "standard_drinks": 2}],
            "cravings": 1, "mood": "Okay", "took_medication": None, "note": "alice-words 1",
        },
        {
            "kind": "check_in", "day": "2026-03-06", "use": [{"substance": "alcohol", "used": False, "standard_drinks": 0}],
            "cravings": 0, "mood": "Okay", "took_medication": None, "note": "alice-words 0",
        },
    ]
    intake_records = by_name["intake"]
    assert [r["kind"] for r in intake_records] == ["intake", "consent", "consent", "consent"]
    assert (intake_records[0]["goal_in_own_words"], intake_records[0]["emergency_contact"]) == (
        "alice-words in my intake", "alice-words sister"
    )
    assert {r["signed_name"] for r in intake_records[1:]} == {"Alice Moreno"}
    # Reading the intake for the export goes through the one audited door.
    assert list(AuditEvent.objects.filter(action="intake.read").values_list("actor_email", flat=True)) == ["alice@example.com"]
    text = json.dumps(export)
    for trace_of_bob in ["bob@example.com", "Bob Lee", "bob-words"]:
        assert trace_of_bob not in text


def test_the_json_download_is_a_file_and_is_audited(client, two_logs):
    alice, _ = two_logs
    client.force_login(alice)
    response = client.get(reverse("clients:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="waypoint-my-data-')
    assert [s["name"] for s in json.loads(response.content)["sections"]] == ["profile", "intake", "family", "bookings", "waitlists", "payments", "shared_summaries", "messages", "progress_log"]
    assert list(AuditEvent.objects.filter(action="data.exported").values_list("actor_email", "object_id", "details")) == [
        ("alice@example.com", str(alice.pk), {"format": "json"})
    ]


def audit_mark():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def audited_since(mark):
    return sorted(AuditEvent.objects.filter(pk__gt=mark).values_list("action", "details"), key=lambda line: line[0])


def test_a_sections_page_shows_its_records_and_is_audited(client, two_logs):
    alice, _ = two_logs
    client.force_login(alice)
    mark = audit_mark()
    html = client.get(reverse("clients:my_data_section", args=["progress-log"])).content.decode()
    assert "<h1>Your progress log</h1>" in html
    assert "<dt>Note</dt><dd>alice-words 0</dd>" in html
    assert "<dt>Use</dt><dd>substance: Alcohol, used: yes, standard drinks: 2</dd>" in html
    assert "bob-words" not in html
    assert audited_since(mark) == [("data.exported", {"format": "html", "section": "progress_log"})]


def test_the_intake_page_audits_the_read_of_her_intake(client, two_logs):
    alice, _ = two_logs
    client.force_login(alice)
    mark = audit_mark()
    html = client.get(reverse("clients:my_data_section", args=["intake"])).content.decode()
    assert "<dt>Goal in own words</dt><dd>alice-words in my intake</dd>" in html and "bob-words" not in html
    assert [action for action, _ in audited_since(mark)] == ["data.exported", "intake.read"]


def test_the_overview_counts_every_section_and_opens_and_audits_nothing(client, two_logs, monkeypatch):
    alice, _ = two_logs
    client.force_login(alice)
    client.get(reverse("clients:delete_account"))  # the signed-in page around it, opened once
    mark = audit_mark()
    opened = []
    real_decrypt = encryption.decrypt
    monkeypatch.setattr(encryption, "decrypt", lambda token, label: opened.append(label) or real_decrypt(token, label))
    html = client.get(reverse("clients:my_data")).content.decode()
    assert opened == []
    assert audited_since(mark) == []
    held = re.findall(r'<h2><a href="(/client/my-data/[a-z-]+/)">(.*?)</a></h2>\s*<p>(.*?)</p>', html)
    assert held == [
        ("/client/my-data/profile/", "Your profile", "Your name, e-mail address and how you sign in."),
        ("/client/my-data/intake/", "Your intake", "Your intake answers, 3 consents."),
        ("/client/my-data/family/", "Your family path", "Nothing here."),
        ("/client/my-data/bookings/", "Your sessions", "Nothing here."),
        ("/client/my-data/waitlists/", "Your waitlists", "Nothing here."),
        ("/client/my-data/payments/", "Your payments", "Nothing here."),
        ("/client/my-data/shared-summaries/", "Summaries your coach shared with you", "Nothing here."),
        ("/client/my-data/messages/", "Your messages with your coach", "Nothing here."),
        ("/client/my-data/progress-log/", "Your progress log", "Your choices of what to track, 1 goal, 2 check-ins."),
    ]
    assert 'href="/client/my-data/download.json" download>Download it as a file (JSON)</a>' in html
    assert '<a href="/client/delete-my-account/">delete your account</a>' in html


def test_every_section_in_the_download_has_its_page_and_an_unknown_one_has_none(client, two_logs):
    alice, _ = two_logs
    client.force_login(alice)
    for section in export_for(alice)["sections"]:
        assert client.get(reverse("clients:my_data_section", args=[section["name"].replace("_", "-")])).status_code == 200, section["name"]
    assert client.get(reverse("clients:my_data_section", args=["notes-of-bob"])).status_code == 404
    assert client.get(reverse("clients:my_data_section", args=["progress_log"])).status_code == 404


def test_a_coach_has_no_data_pages(client, carol):
    client.force_login(carol)
    assert client.get(reverse("clients:my_data")).status_code == 403
    assert client.get(reverse("clients:my_data_section", args=["intake"])).status_code == 403


def test_a_coach_has_no_download_page(client, carol):
    client.force_login(carol)
    assert client.get(reverse("clients:my_data_json")).status_code == 403


def test_deleting_needs_the_password_and_the_confirmation(client, two_logs):
    alice, _ = two_logs
    client.force_login(alice)
    response = client.post(reverse("clients:delete_account"), {"password": "wrong password", "understood": "on"})
    assert response.status_code == 200
    assert "That password does not match. Your account is unchanged." in response.content.decode()
    response = client.post(reverse("clients:delete_account"), {"password": "correct-horse-battery-staple"})
    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"
    assert CheckIn.objects.filter(client=alice).count() == 2


def test_deleting_leaves_no_personal_data_of_alice_and_all_of_bobs(client, two_logs):
    alice, bob = two_logs
    client.force_login(alice)
    client.get(reverse("clients:my_data_json"))  # audited under her address, before she leaves
    assert text_columns_containing("Alice Moreno") == [("accounts_user", "name"), ("clients_consent", "signed_name")]

    response = client.post(reverse("clients:delete_account"), {"password": "correct-horse-battery-staple", "understood": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")

    assert text_columns_containing("Alice Moreno") == []
    assert text_columns_containing("alice-words") == []
    # The append-only audit trail keeps the address on the lines her own actions wrote.
    assert text_columns_containing("alice@example.com") == [("accounts_auditevent", "actor_email")]
    assert sorted(AuditEvent.objects.filter(actor_email="alice@example.com").values_list("action", flat=True)) == [
        "consent.signed", "consent.signed", "consent.signed", "data.exported", "intake.read"
    ]

    gone = User.objects.get(pk=alice.pk)
    assert (gone.name, gone.time_zone, gone.is_active, gone.has_usable_password()) == ("", "", False, False)
    assert gone.email.startswith(f"deleted-{alice.pk}-") and gone.email.endswith("@deleted.invalid")
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert (deleted.actor_email, deleted.object_id, deleted.details) == (gone.email, str(alice.pk), {"erased": ["intake", "session_notes", "family", "messages", "bookings", "waitlists", "progress_log"]})

    assert CheckIn.objects.filter(client=bob).count() == 3
    bobs = {section["name"]: section["records"] for section in export_for(bob)["sections"]}
    assert bobs["progress_log"][1]["in_your_words"] == "bob-words goal"
    assert bobs["intake"][0]["goal_in_own_words"] == "bob-words in my intake"
    assert client.get(reverse("clients:my_data")).status_code == 302  # signed out


def test_a_deleted_account_cannot_sign_in(client, two_logs):
    alice, _ = two_logs
    delete_account(alice)
    assert client.login(email="alice@example.com", password="correct-horse-battery-staple") is False
