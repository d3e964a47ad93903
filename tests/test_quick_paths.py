"""What was written by hand for speed answers exactly what the ORM (or the template) would:
who is asking, the unread count, scoped lookups, the audit INSERT, the pages' lists."""

from django.urls import reverse

from accounts.backends import load_user
from accounts.models import User
from core.encryption import reveal
from messaging import conversations as door
from tests.messaging_setup import matched, send  # noqa: F401 (a fixture)


def test_the_quick_load_is_the_orm_user_with_sealed_fields_open(alice):
    alice.preferred_name = "Al"
    alice.pronouns = "she/her"
    alice.save()
    quick, orm = load_user(alice.pk), User.objects.get(pk=alice.pk)
    for field in User._meta.concrete_fields:
        assert getattr(quick, field.attname) == getattr(orm, field.attname), field.name
    assert reveal(quick.preferred_name) == "Al" and quick._state.adding is False
    assert load_user(alice.pk + 1000) is None


def test_who_is_asking_is_loaded_without_opening_their_sealed_fields(client, alice, monkeypatch):
    """Every request loads the signed-in person: their sealed name and pronouns stay
    unopened (and unfetched) until a page reads them."""
    from core import encryption

    alice.preferred_name = "Al"
    alice.save()
    assert load_user(alice.pk).get_deferred_fields() == {"preferred_name", "pronouns"}
    opened = []
    real = encryption.decrypt
    monkeypatch.setattr(encryption, "decrypt", lambda token, label: opened.append(label) or real(token, label))
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
    assert not [label for label in opened if label.startswith("accounts.User.")]
    quick = load_user(alice.pk)
    assert reveal(quick.preferred_name) == "Al"  # a page that reads it fetches it


def test_a_deactivated_person_is_signed_out_at_their_next_request(client, alice):
    client.force_login(alice)
    assert client.get(reverse("dashboard")).status_code == 200
    User.objects.filter(pk=alice.pk).update(is_active=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_unread_total_counts_what_the_inbox_counts(alice, bob, carol, matched):  # noqa: F811
    from clients.models import CoachAssignment

    CoachAssignment.objects.create(client=bob, coach=carol, assigned_by=matched.assigned_by)
    send(carol, alice, "Carol's own message is not unread for her")  # (and writing marks her side read)
    send(alice, carol, "One")
    send(alice, carol, "Two")
    deleted = send(alice, carol, "Gone soon")
    send(bob, carol, "From Bob")
    door.use_conversation(alice, carol.pk, door.DELETE, message_id=deleted.message_id)
    for person in (alice, bob, carol):
        assert door.unread_total(person) == sum(door.unread_counts(person).values())
    assert door.unread_total(carol) == 3  # two of Alice's (one deleted) and Bob's
    assert door.unread_total(alice) == 0  # she wrote after Carol
    door.use_conversation(carol, alice.pk, door.READ)
    assert door.unread_total(carol) == 1 == sum(door.unread_counts(carol).values())
    send(carol, alice, "Later")
    assert door.unread_total(alice) == 1 == sum(door.unread_counts(alice).values())


def test_the_kept_layout_holds_nothing_of_one_person_for_another(alice, bob, carol, matched):  # noqa: F811
    """The header is drawn once per role and unread count and kept in the process: each person
    still sees their own badge and their own session's CSRF token in the sign-out form."""
    import re

    from django.test import Client

    send(carol, alice, "Hello")
    pages = {}
    for person in (alice, bob):
        browser = Client()
        browser.force_login(person)
        pages[person.email] = browser.get(reverse("dashboard")).content.decode()
    assert 'Messages <span class="badge">1 new</span>' in pages[alice.email]
    assert 'class="badge"' not in pages[bob.email].split("</header>")[0]
    tokens = {email: re.search(r'id="sign-out" hidden><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for email, page in pages.items()}
    assert tokens[alice.email] != tokens[bob.email]


def test_the_paid_payment_picked_from_a_list_is_the_one_the_query_picks(alice, carol):
    """A booking's page loads its payments once and picks the one that paid from that list."""
    from datetime import timedelta

    from django.utils import timezone

    from bookings import policy
    from bookings.models import Payment, PaymentStatus
    from tests.factories import bookable_coach, past_session

    coach, session_type = bookable_coach(carol)
    booking = past_session(coach, session_type, alice, days_ago=-3)
    now = timezone.now()

    def pay(status, *, minutes_ago=None, mismatch=""):
        succeeded_at = now - timedelta(minutes=minutes_ago) if minutes_ago is not None else None
        return Payment.objects.create(
            booking=booking, amount_cents=6000, currency="usd", status=status, mismatch=mismatch,
            captured_cents=6000 if status == PaymentStatus.SUCCEEDED else 0, succeeded_at=succeeded_at,
        )

    def both():
        return policy.paid_payment(booking), policy.paid_payment(booking, list(booking.payments.all()))

    assert both() == (None, None)
    pay(PaymentStatus.FAILED)
    pay(PaymentStatus.SUCCEEDED, minutes_ago=90, mismatch="amount")  # paid for nothing
    assert both() == (None, None)
    later = pay(PaymentStatus.SUCCEEDED, minutes_ago=10)
    assert both() == (later, later)
    earlier = pay(PaymentStatus.SUCCEEDED, minutes_ago=60)
    assert both() == (earlier, earlier)
    pay(PaymentStatus.SUCCEEDED)  # no time: last, as PostgreSQL orders NULL
    assert both() == (earlier, earlier)


def test_the_inbox_offers_whom_one_may_write_to_and_nobody_else(alice, bob, fiona, carol, erin):
    """Who may be written to is asked as ids with a prepared query: matched clients and those
    with a session within the window, not a client whose last session is older."""
    from clients.models import CoachAssignment
    from tests.factories import bookable_coach, past_session

    coach, session_type = bookable_coach(carol)
    CoachAssignment.objects.create(client=alice, coach=carol, assigned_by=erin)
    past_session(coach, session_type, fiona, days_ago=10)
    past_session(coach, session_type, bob, days_ago=200)
    rows = door.inbox(carol)
    assert [(row.other.pk, row.conversation, row.may_write) for row in rows] == sorted(
        [(alice.pk, None, True), (fiona.pk, None, True)], key=lambda r: (User.objects.get(pk=r[0]).name, User.objects.get(pk=r[0]).email)
    )
    assert door.partner_ids(alice) == {carol.pk} and door.partner_ids(bob) == set()
    assert [row.other.pk for row in door.inbox(fiona)] == [carol.pk]
    send(fiona, carol, "Hello")
    rows = door.inbox(carol)
    assert rows[0].other.pk == fiona.pk and rows[0].conversation is not None and rows[0].may_write
    assert [row.other.pk for row in rows[1:]] == [alice.pk]


def test_a_clients_own_booking_is_asked_as_the_orm_would_and_anothers_is_a_404(client, alice, bob, carol):
    from bookings.models import Booking
    from tests.factories import bookable_coach, past_session

    coach, session_type = bookable_coach(carol)
    mine = past_session(coach, session_type, alice, days_ago=-3)
    theirs = past_session(coach, session_type, bob, days_ago=-4)
    client.force_login(alice)
    page = client.get(reverse("bookings:reschedule", args=[mine.pk]))
    assert page.status_code == 200 and page.context["booking"].pk == mine.pk
    shown, orm = page.context["booking"], Booking.objects.select_related("coach", "session_type").get(pk=mine.pk)
    for field in Booking._meta.concrete_fields:
        assert getattr(shown, field.attname) == getattr(orm, field.attname), field.name
    assert (shown.coach.display_name, shown.session_type.name) == (orm.coach.display_name, orm.session_type.name)
    for pk in (theirs.pk, mine.pk + 1000, 2**63, 2**70):
        assert client.get(f"/bookings/{pk}/reschedule/").status_code == 404, pk
        assert client.get(f"/bookings/{pk}/pay/").status_code == 404, pk


def test_visible_one_answers_what_get_visible_or_404_answers_for_every_role(alice, bob, carol, dave, erin):
    """VisibleOne compiles the model's own visible_to scope once per role: each person sees
    exactly the objects the ORM scope shows them, and a 404 for the rest."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from accounts.access import VisibleOne, get_visible_or_404
    from bookings.models import Booking
    from coaching.models import CoachProfile
    from messaging.models import Conversation
    from tests.factories import bookable_coach, past_session

    coach, session_type = bookable_coach(carol)
    other_coach, other_type = bookable_coach(dave)
    bookings = [past_session(coach, session_type, alice, days_ago=-2), past_session(other_coach, other_type, bob, days_ago=-3)]
    conversation = Conversation.objects.create(client=alice, coach=carol)
    cases = [
        (Booking, VisibleOne(lambda: Booking.objects.select_related("coach", "session_type")), [b.pk for b in bookings]),
        (CoachProfile, VisibleOne(lambda: CoachProfile.objects.all()), [coach.pk, other_coach.pk]),
        (Conversation, VisibleOne(lambda: Conversation.objects.all()), [conversation.pk]),
    ]
    inactive = User.objects.create_user(email="gone@example.org", password="x", role="client", is_active=False)
    for model, visible, pks in cases:
        for person in (alice, bob, carol, dave, erin, inactive, AnonymousUser()):
            for pk in [*pks, max(pks) + 100]:
                try:
                    expected = get_visible_or_404(model, person, pk=pk)
                except Http404:
                    expected = None
                try:
                    got = visible.get_or_404(person, pk)
                except Http404:
                    got = None
                assert (got and got.pk) == (expected and expected.pk), (model.__name__, person, pk)
    assert VisibleOne(lambda: Booking.objects.all()).get_or_404(erin, bookings[1].pk).client_id == bob.pk


def test_the_conversations_overview_pages_fifty_at_a_time_without_counting_them_all(client, carol, erin):
    from django.utils import timezone

    from messaging.models import Conversation
    from tests.factories import ClientFactory

    now = timezone.now()
    for n in range(51):
        Conversation.objects.create(client=ClientFactory(), coach=carol, last_message_at=now - timezone.timedelta(minutes=n))
    oldest = Conversation.objects.order_by("last_message_at").first()
    client.force_login(erin)
    first = client.get(reverse("messaging:overview")).content.decode()
    assert first.count("Times and history") == 50 and 'href="?page=2">Older</a>' in first and "Newer" not in first
    assert reverse("messaging:record", args=[oldest.pk]) not in first
    second = client.get(reverse("messaging:overview"), {"page": 2}).content.decode()
    assert second.count("Times and history") == 1 and reverse("messaging:record", args=[oldest.pk]) in second
    assert 'href="?page=1">Newer</a>' in second and "Older" not in second
    assert client.get(reverse("messaging:overview"), {"page": "soon"}).content.decode().count("Times and history") == 50
    for beyond in ("3", str(10**30)):
        response = client.get(reverse("messaging:overview"), {"page": beyond})
        assert response.status_code == 302 and response["Location"] == reverse("messaging:overview")


def test_the_booking_page_finds_only_an_active_type_of_a_listed_coach(client, alice, carol, dave):
    from coaching.models import SessionType
    from tests.factories import bookable_coach

    coach, session_type = bookable_coach(carol)
    other_coach, other_type = bookable_coach(dave)
    client.force_login(alice)

    def status(coach_id, type_id):
        return client.get(reverse("bookings:new"), {"coach": coach_id, "type": type_id}).status_code

    assert status(coach.pk, session_type.pk) == 200
    assert status(coach.pk, other_type.pk) == 404  # another coach's type
    assert status(coach.pk, "x") == 404 and status("", session_type.pk) == 404
    SessionType.objects.filter(pk=session_type.pk).update(is_active=False)
    assert status(coach.pk, session_type.pk) == 404
    SessionType.objects.filter(pk=session_type.pk).update(is_active=True)
    coach.is_listed = False
    coach.save()
    assert status(coach.pk, session_type.pk) == 404
    coach.is_listed = True
    coach.save()
    User.objects.filter(pk=carol.pk).update(is_active=False)
    assert status(coach.pk, session_type.pk) == 404


def test_an_audit_line_written_by_our_insert_is_what_the_orm_would_write(rf, alice):
    """accounts.audit.record writes its line with one prepared INSERT: every column as
    AuditEvent.objects.create would have stored it (the address, the details as JSON)."""
    from accounts import audit
    from accounts.models import AuditEvent

    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = alice
    event = audit.record("intake.read", obj=alice, request=request, intake_id=7, fields=["a", "b"], urgent=True)
    stored = AuditEvent.objects.get(pk=event.pk)
    orm = AuditEvent.objects.create(
        actor=alice, actor_email=alice.email, action="intake.read", object_type="accounts.user", object_id=str(alice.pk),
        ip="203.0.113.7", details={"intake_id": 7, "fields": ["a", "b"], "urgent": True},
    )
    orm = AuditEvent.objects.get(pk=orm.pk)
    for field in AuditEvent._meta.concrete_fields:
        if field.name not in ("id", "at"):
            assert getattr(stored, field.attname) == getattr(orm, field.attname), field.name
    assert stored.at == event.at and event._state.adding is False
    nobody = audit.record("system.tick")
    assert AuditEvent.objects.get(pk=nobody.pk).actor_id is None and nobody.details == {}


def test_a_day_logged_after_todays_week_keeps_this_week_in_the_chart():
    """A log can hold a day after the viewer's today (logged on another clock, or at midnight
    UTC while it is still Sunday evening for the viewer): the chart still ends with this week."""
    import datetime
    from types import SimpleNamespace

    from clients.progress import chart_weeks

    sunday = datetime.date(2026, 11, 29)
    monday_after = SimpleNamespace(day=datetime.date(2026, 11, 30))
    assert chart_weeks([monday_after], sunday) == [datetime.date(2026, 11, 23)]
    earlier = SimpleNamespace(day=datetime.date(2026, 11, 10))
    assert chart_weeks([earlier, monday_after], sunday) == [datetime.date(2026, 11, 9), datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)]


def test_what_comes_with_the_signed_in_person_is_what_each_question_answers(alice, bob, carol, matched):  # noqa: F811
    """The unread count, where the intakes stand and the ways in, fetched with the person's
    row (accounts.backends.asked_with_the_user), answer as the questions asked on their own
    do, for people in different states; and a fact forgotten is asked again."""
    from accounts.backends import NOT_ASKED, asked, forget_asked, load_person
    from clients.eligibility import intake_approved, intake_status
    from families import paths
    from families.eligibility import family_intake_status
    from families.models import FamilyIntake
    from tests.factories import IntakeFactory

    IntakeFactory(client=alice, status="approved")
    IntakeFactory(client=bob, status="submitted")
    FamilyIntake.objects.create(client=bob, status="approved")
    paths.choose(bob, "worried")
    send(carol, alice, "Unread by Alice")
    send(carol, alice, "And this")
    questions = [door.unread_total, intake_status, intake_approved, family_intake_status, paths.paths_of]
    for person in (alice, bob, carol):
        with_facts, without = load_user(person.pk), load_person(person.pk)
        assert asked(with_facts, "intake_status") is not NOT_ASKED and asked(without, "intake_status") is NOT_ASKED
        assert [ask(with_facts) for ask in questions] == [ask(without) for ask in questions], person.email
    alice_now = load_user(alice.pk)
    assert (door.unread_total(alice_now), intake_approved(alice_now)) == (2, True)
    send(carol, alice, "A third")
    assert door.unread_total(alice_now) == 2  # as fetched at the start of the request
    forget_asked(alice_now, door.UNREAD_FACT)
    assert door.unread_total(alice_now) == 3
    bob_now = load_user(bob.pk)
    paths.add(bob_now, "about_me")  # changing the ways in forgets what was fetched
    assert paths.paths_of(bob_now) == paths.Paths(about_me=True, worried=True)


def test_the_admins_booking_list_shows_what_the_orm_finds_with_each_sessions_payments(client, alice, bob, carol, erin):
    """/bookings/manage/ asks three prepared statements: the newest sessions (all, or of one
    status), their payments, and the payments to look at. Each session shows its own."""
    from bookings.models import Booking, Payment, Status
    from tests.factories import bookable_coach, demo_paid, past_session

    coach, session_type = bookable_coach(carol)
    sessions = [past_session(coach, session_type, person, days_ago=days) for person, days in ((alice, 1), (bob, 2), (alice, 3))]
    for booking in sessions[:2]:
        demo_paid(booking)
    Booking.objects.filter(pk=sessions[2].pk).update(status=Status.CANCELLED)
    Payment.objects.filter(booking=sessions[1]).update(mismatch="amount")
    client.force_login(erin)
    for status in ("", Status.CONFIRMED, Status.CANCELLED, "made-up"):
        page = client.get(reverse("bookings:manage"), {"status": status})
        shown = [(b.pk, [p.pk for p in b.shown_payments]) for b in page.context["bookings"]]
        orm = Booking.objects.order_by("-starts_at")
        if status in Status.values:
            orm = orm.filter(status=status)
        assert shown == [(b.pk, [p.pk for p in b.payments.order_by("created_at")]) for b in orm], status
        assert [p.pk for p in page.context["problems"]] == [Payment.objects.get(booking=sessions[1]).pk]
