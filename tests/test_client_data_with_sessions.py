"""Export and deletion once there are sessions, payments and session notes."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.export import DeletionRefused, delete_account, export_for
from accounts.models import AuditEvent, User
from bookings import notices
from bookings.models import Booking, Payment, PaymentStatus, Refund, ReminderPreference, Status, StripeEvent
from bookings.notices import NoticeKind
from clients.models import CoachAssignment
from bookings import notes
from bookings.models import SessionNote
from core.models import OwedWork
from tests.factories import IntakeFactory, bookable_coach, past_session, sign_all_consents
from tests.test_client_data import keep_a_log, text_columns_containing

pytestmark = pytest.mark.django_db


def paid(booking, last4):
    return Payment.objects.create(
        booking=booking, amount_cents=6000, currency="usd", status=PaymentStatus.SUCCEEDED, captured_cents=6000,
        stripe_customer_id=f"cus_{booking.client_id}", stripe_payment_intent_id=f"pi_{booking.pk}",
        card_brand="visa", card_last4=last4, succeeded_at=booking.starts_at - timedelta(days=2),
    )


@pytest.fixture
def history(alice, bob, carol):
    coach, session_type = bookable_coach(carol)
    alices = past_session(coach, session_type, alice, days_ago=8, status=Status.COMPLETED)
    bobs = past_session(coach, session_type, bob, days_ago=9, status=Status.COMPLETED)
    alice_payment, bob_payment = paid(alices, "4242"), paid(bobs, "1881")
    Refund.objects.create(payment=alice_payment, amount_cents=1000, status="succeeded", reason="Alice Moreno asked kindly")
    notes.use_note(carol, alices, notes.SIGN, private={"data": "alice private words"}, summary="alice shared words")
    notes.use_note(carol, alices, notes.ADD_ADDENDUM, text="alice addendum words", shared_with_client=True)
    notes.use_note(carol, bobs, notes.SIGN, private={"data": "bob private words"}, summary="bob shared words")
    # Owed work carries ids, but whatever it holds about her sessions must go with her.
    notices.owe(alices, NoticeKind.RECEIPT, key="receipt:alice", payment_id=alice_payment.pk)
    notices.owe(bobs, NoticeKind.RECEIPT, key="receipt:bob", payment_id=bob_payment.pk)
    StripeEvent.objects.create(
        event_id="evt_alice", type="payment_intent.succeeded",
        payload={"id": "evt_alice", "type": "payment_intent.succeeded", "data": {"object": {
            "id": f"pi_{alices.pk}", "object": "payment_intent", "amount": 6000, "currency": "usd", "status": "succeeded",
            "metadata": {"booking_id": str(alices.pk), "client_id": str(alice.pk)},
            "charges": {"data": [{"billing_details": {"name": "Alice Moreno", "email": "alice@example.com"}}]},
        }}},
    )
    return alices, bobs, alice_payment, bob_payment


def test_the_export_has_alices_sessions_payments_and_summaries_only(history, alice):
    alices, bobs, alice_payment, _ = history
    sections = {s["name"]: s["records"] for s in export_for(alice)["sections"]}
    assert [s for s in sections] == ["profile", "intake", "family", "bookings", "waitlists", "payments", "shared_summaries", "messages", "progress_log"]
    assert [(b["id"], b["coach"], b["status"], b["price"]) for b in sections["bookings"]] == [(alices.pk, "Carol Rivera", "Completed", "60.00 USD")]
    assert sections["payments"] == [
        {
            "id": alice_payment.pk, "booking_id": alices.pk, "amount": "60.00 USD", "status": "Paid", "card": "visa ending 4242",
            "paid_at": alice_payment.succeeded_at.isoformat(),
            "refunds": [{"amount": "10.00 USD", "status": "succeeded", "at": Refund.objects.get().created_at.isoformat()}],
        }
    ]
    summary = sections["shared_summaries"][0]
    assert (summary["booking_id"], summary["coach"], summary["summary"], [a["text"] for a in summary["added_later"]]) == (
        alices.pk, "Carol Rivera", "alice shared words", ["alice addendum words"]
    )
    text = json.dumps(sections)
    for other in ["bob", "Bob Lee", "1881", "private words", str(bobs.pk) + ","]:
        assert other not in text


def test_deleting_alice_keeps_her_payments_anonymised_and_removes_everything_personal(client, history, alice, bob):
    alices, bobs, alice_payment, bob_payment = history
    client.force_login(alice)
    client.get(reverse("clients:my_data_json"))  # she downloads her data first, as the page suggests
    response = client.post(reverse("clients:delete_account"), {"password": "correct-horse-battery-staple", "understood": "on"})
    assert response["Location"] == reverse("home")

    for needle in ["Alice Moreno", "alice private words", "alice shared words", "alice addendum words", "Moreno"]:
        assert text_columns_containing(needle) == [], needle
    # Her own earlier actions stay in the append-only audit trail under the address she had.
    assert text_columns_containing("alice@example.com") == [("accounts_auditevent", "actor_email")]
    assert sorted(set(AuditEvent.objects.filter(actor_email="alice@example.com").values_list("action", flat=True))) == ["data.exported", "note.read_shared"]

    kept = Payment.objects.get(pk=alice_payment.pk)
    assert (kept.amount_cents, kept.captured_cents, kept.status, kept.stripe_payment_intent_id, kept.booking_id) == (
        6000, 6000, PaymentStatus.SUCCEEDED, f"pi_{alices.pk}", alices.pk
    )
    assert Refund.objects.get().amount_cents == 1000
    assert Booking.objects.get(pk=alices.pk).status == Status.COMPLETED
    assert SessionNote.objects.filter(booking=alices).count() == 0
    assert StripeEvent.objects.get(event_id="evt_alice").payload["data"]["object"]["amount"] == 6000

    # What stays owed: Bob's receipt and summary e-mail, and the deletion of Alice's customer at Stripe.
    assert sorted(OwedWork.objects.values_list("kind", "about", "payload")) == [
        (NoticeKind.RECEIPT, f"booking:{bobs.pk}", {"booking_id": bobs.pk, "payment_id": bob_payment.pk}),
        (NoticeKind.SUMMARY_SHARED, f"booking:{bobs.pk}", {"booking_id": bobs.pk}),
        ("payment.delete_customer", f"user:{alice.pk}", {"customer_id": f"cus_{alice.pk}"}),
    ]
    assert Payment.objects.get(pk=bob_payment.pk).card_last4 == "1881"
    assert notes.use_note(bob, bobs, notes.READ_SHARED).parts == [("Summary", "bob shared words")]
    assert AuditEvent.objects.filter(action="note.erased").count() == 1
    assert AuditEvent.objects.get(action="account.deleted").details == {"erased": ["intake", "session_notes", "family", "messages", "bookings", "waitlists", "progress_log"]}


def test_an_upcoming_session_must_be_cancelled_before_deleting(history, alice, carol):
    coach = carol.coach_profile
    upcoming = past_session(coach, coach.session_types.get(), alice, days_ago=-3)
    with pytest.raises(DeletionRefused, match="Please cancel it first"):
        delete_account(alice)
    alice.refresh_from_db()
    assert (alice.email, alice.is_active) == ("alice@example.com", True)
    assert SessionNote.objects.filter(booking__client=alice).count() == 1
    assert AuditEvent.objects.filter(action__in=["note.erased", "account.deleted"]).count() == 0
    assert upcoming.ends_at > timezone.now()


# What may outlive a deleted client: her emptied user row, the payments the law makes us
# keep with the sessions and refunds they belong to, and the append-only audit trail.
MAY_STAY = {User, Booking, Payment, Refund, AuditEvent}


def rows_pointing_at(user):
    """{model: rows} of every model in the app registry whose foreign key points at
    `user`, or at a row of hers that may stay (her sessions, their payments), so a model
    added later is asked too."""
    found, owners, asked = {}, [(User, "pk")], set()
    while owners:
        owner, to_user = owners.pop()
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                if not (field.many_to_one or (field.one_to_one and field.concrete)) or field.related_model is not owner:
                    continue
                lookup = field.name if owner is User else f"{field.name}__{to_user}"
                if (model, lookup) in asked:
                    continue
                asked.add((model, lookup))
                count = model._base_manager.filter(**{lookup: user.pk}).count()
                if count:
                    found[model] = found.get(model, 0) + count
                    if model in MAY_STAY and model is not owner:
                        owners.append((model, lookup))
    return found


def write_to_each_other(client_user, coach_user):
    from messaging import conversations
    from messaging.models import MessagingSettings

    conversations.use_conversation(client_user, coach_user.pk, conversations.SEND, text="client words")
    conversations.use_conversation(coach_user, client_user.pk, conversations.SEND, text="coach words")
    MessagingSettings.objects.create(user=client_user, email_on_new_message=False)


def test_after_deleting_alice_no_row_of_hers_remains_but_her_anonymised_payments(history, alice, bob, carol, erin):
    alices, _, alice_payment, _ = history
    IntakeFactory(client=alice, substances=["alcohol", "opioids"], thoughts_of_self_harm=True)
    sign_all_consents(alice)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    keep_a_log(alice, "alice-words", [0, 2])
    ReminderPreference.objects.create(user=alice, offsets_minutes=[60])
    write_to_each_other(alice, carol)
    assert sorted(model._meta.label for model in rows_pointing_at(alice)) == [
        "account.EmailAddress", "accounts.AuditEvent", "bookings.Booking", "bookings.Payment", "bookings.Refund",
        "bookings.ReminderPreference", "bookings.SessionNote", "clients.CheckIn", "clients.CoachAssignment",
        "clients.Consent", "clients.Goal", "clients.Intake", "clients.ProgressSettings",
        "messaging.Conversation", "messaging.Message", "messaging.MessagingSettings",
    ]

    delete_account(alice)

    left = rows_pointing_at(alice)
    # Owed work names her sessions by id, not by a foreign key: none of it stays either.
    assert not OwedWork.objects.filter(about=f"booking:{alices.pk}").exists()
    assert {model._meta.label: count for model, count in left.items() if model not in MAY_STAY} == {}
    assert (left[Booking], left[Payment], left[Refund]) == (1, 1, 1)
    assert Payment.objects.get(booking__client=alice).pk == alice_payment.pk
    # Bob's rows are his own business and stay whole.
    assert sorted(model._meta.label for model in rows_pointing_at(bob)) == [
        "account.EmailAddress", "bookings.Booking", "bookings.Payment", "bookings.SessionNote"
    ]
