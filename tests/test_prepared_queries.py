"""core.prepared: a query compiled once answers each run's arguments exactly as the ORM
does, sealed fields opened; and each page query made this way agrees with the ORM."""

import datetime

import pytest
from django.db import connection
from django.db.models import DateField, IntegerField
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from bookings import notes
from bookings.models import Booking
from clients import consents, progress
from clients.models import CheckIn, Consent, Goal, GoalKind, IntakeReview, ProgressSettings, SubstanceUse
from core.prepared import Arg, PreparedQuery, counted, page_of
from families import invitations, paths
from families import progress as family_progress
from families.models import FamilyCheckIn, FamilyLink, LovedOneInvitation, Path, PathChoice
from tests.factories import IntakeFactory, bookable_coach, past_session, sign_all_consents

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


def day(n):
    return MONDAY + datetime.timedelta(days=n)


def log(client, days):
    for n in days:
        entry = CheckIn.objects.create(client=client, day=day(n), cravings=n, mood=3, note=f"{client.name} {n}")
        SubstanceUse.objects.create(check_in=entry, substance="alcohol", used=n % 2 == 1, standard_drinks=n % 2)
        if n % 3 == 0:
            SubstanceUse.objects.create(check_in=entry, substance="cannabis", used=False)


CHECK_INS = PreparedQuery(
    lambda: CheckIn.objects.filter(client=Arg("client", IntegerField()), day__gte=Arg("since", DateField()))
    .order_by("day")
    .values_list("pk", "day", "cravings", "note")
)


def test_each_run_answers_its_own_arguments_as_the_orm_does(alice, bob):
    log(alice, range(5))
    log(bob, range(3))
    for person, since in [(alice, day(0)), (alice, day(3)), (bob, day(1)), (bob, day(9))]:
        expected = list(CheckIn.objects.filter(client=person, day__gte=since).order_by("day").values_list("pk", "day", "cravings", "note"))
        assert CHECK_INS.rows(client=person.pk, since=since) == expected
    [(_, _, _, note)] = CHECK_INS.rows(client=bob.pk, since=day(2))
    assert note.reveal() == f"{bob.name} 2"


def test_a_run_is_one_statement_and_no_orm_query_building(alice, monkeypatch):
    log(alice, range(2))
    CHECK_INS.rows(client=alice.pk, since=day(0))

    def compiled_again(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", compiled_again)
    with CaptureQueriesContext(connection) as queries:
        assert [row[1] for row in CHECK_INS.rows(client=alice.pk, since=day(1))] == [day(1)]
    assert len(queries) == 1


def test_objects_are_the_models_with_the_other_fields_deferred(alice):
    goal = progress.add_goal(alice, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3, own_words="Weeknights off")
    goals = PreparedQuery(lambda: Goal.objects.filter(client=Arg("client", IntegerField())).only("own_words", "amount"))
    [found] = goals.objects(client=alice.pk)
    assert (found.pk, found.amount, found.own_words.reveal(), found._state.adding) == (goal.pk, 3, "Weeknights off", False)
    assert found.get_deferred_fields() == {"client_id", "kind", "substance", "is_active", "created_at"}


def test_related_objects_come_attached(alice, carol):
    coach, session_type = bookable_coach(carol)
    booking = past_session(coach, session_type, alice)
    bookings = PreparedQuery(lambda: Booking.objects.filter(client=Arg("client", IntegerField())).select_related("coach__user", "session_type"))
    [found] = bookings.objects(client=alice.pk)
    expected = Booking.objects.select_related("coach__user", "session_type").get(pk=booking.pk)
    assert (found.pk, found.starts_at, found.coach.display_name, found.coach.user.email, found.session_type.name) == (
        expected.pk, expected.starts_at, expected.coach.display_name, expected.coach.user.email, expected.session_type.name
    )
    with CaptureQueriesContext(connection) as queries:
        assert (found.coach.user.pk, found.session_type.pk) == (carol.pk, session_type.pk)
    assert len(queries) == 0


def test_rows_and_models_are_asked_for_by_name_and_prefetching_is_refused(alice):
    with pytest.raises(TypeError):
        PreparedQuery(lambda: Goal.objects.filter(client=Arg("client", IntegerField()))).rows(client=alice.pk)
    with pytest.raises(TypeError):
        CHECK_INS.objects(client=alice.pk, since=day(0))
    with pytest.raises(TypeError):
        PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).prefetch_related("uses")).objects(client=alice.pk)


def test_a_clients_log_is_read_as_the_orm_reads_it(alice, bob):
    log(alice, range(10))
    log(bob, range(4))
    for person in (alice, bob):
        days = progress.log_for(person, since=day(2))
        expected = list(CheckIn.objects.filter(client=person, day__gte=day(2)).prefetch_related("uses").order_by("day"))
        assert [(d.pk, d.day, d.cravings, d.mood, d.took_medication) for d in days] == [
            (c.pk, c.day, c.cravings, c.mood, c.took_medication) for c in expected
        ]
        assert [[(u.substance, u.used, u.standard_drinks) for u in d.uses] for d in days] == [
            [(u.substance, u.used, u.standard_drinks) for u in c.uses.all()] for c in expected
        ]
        recent = progress.with_notes(person, list(reversed(days))[:3])
        assert [d.note for d in recent] == [c.note.reveal() for c in reversed(expected)][:3]


def test_a_family_log_and_its_notes_are_read_as_the_orm_reads_them(fiona, alice):
    for n in range(4):
        FamilyCheckIn.objects.create(client=fiona, day=day(n), stress=n, positive_moment=n % 2 == 0, conversation_tried=False, note=f"f{n}")
    FamilyCheckIn.objects.create(client=alice, day=day(1), stress=9, positive_moment=False, conversation_tried=True, note="not hers")
    data = family_progress.overview(fiona, day(3))
    assert [(d.day, d.stress, d.positive_moment, d.note) for d in data["recent"]] == [
        (c.day, c.stress, c.positive_moment, c.note.reveal()) for c in FamilyCheckIn.objects.filter(client=fiona).order_by("-day")
    ]


def test_progress_settings_are_none_until_chosen(alice, bob):
    ProgressSettings.objects.create(client=alice, substances=["alcohol", "opioids"], share_with_coach=True)
    found = progress.settings_of(alice)
    assert (found.pk, found.substances, found.tracks_medication, found.share_with_coach) == (
        ProgressSettings.objects.get(client=alice).pk, ["alcohol", "opioids"], False, True
    )
    assert progress.settings_of(bob) is None


def test_the_ways_in_are_read_as_before(alice, bob, fiona):
    PathChoice.objects.filter(person__in=[alice, bob]).delete()
    paths.choose(alice, Path.WORRIED)
    assert paths.paths_of(alice) == paths.Paths(about_me=False, worried=True)
    assert paths.paths_of(bob) == paths.ABOUT_ME_ONLY  # never chose: joined before families could
    paths.add(alice, Path.ABOUT_ME)
    assert paths.paths_of(alice) == paths.Paths(about_me=True, worried=True)


def news_as_before(user):
    """The links page's news as the dashboard asked it before: three ORM queries."""
    return (
        invitations.offers_for(user).exists()
        or invitations.requests_for(user).exists()
        or FamilyLink.objects.visible_to(user).exists()
    )


def links_page_as_before(user):
    """The links page's four lists as the view asked them before, as ids."""
    return {
        "offers": [i.pk for i in invitations.offers_for(user)],
        "requests": [link.pk for link in invitations.requests_for(user)],
        "linked": [link.pk for link in FamilyLink.objects.visible_to(user).exclude(family_agreed_at=None)],
        "waiting": [link.pk for link in FamilyLink.objects.visible_to(user).filter(loved_one=user, family_agreed_at=None)],
    }


def same_as_before(*people):
    for person in people:
        assert {name: [x.pk for x in found] for name, found in invitations.links_page(person).items()} == links_page_as_before(person)
    return [invitations.has_news(person) for person in people] == [news_as_before(person) for person in people]


def test_link_news_and_the_links_page_are_what_the_orm_questions_answered(fiona, alice, bob):
    paths.choose(fiona, Path.WORRIED)
    invitation = invitations.create(fiona)
    assert same_as_before(fiona, alice, bob) and not any(invitations.has_news(p) for p in (fiona, alice, bob))
    LovedOneInvitation.objects.filter(pk=invitation.pk).update(used_by=alice, used_at=invitation.created_at)
    assert same_as_before(fiona, alice, bob) and [invitations.has_news(p) for p in (fiona, alice, bob)] == [False, True, False]
    link = invitations.agree_as_loved_one(alice, LovedOneInvitation.objects.get(pk=invitation.pk))  # the request Fiona sees
    assert same_as_before(fiona, alice, bob) and [invitations.has_news(p) for p in (fiona, alice, bob)] == [True, True, False]
    invitations.agree_as_family(fiona, FamilyLink.objects.get(pk=link.pk))
    assert same_as_before(fiona, alice, bob) and invitations.links_page(alice)["linked"][0].invitation.pk == invitation.pk
    invitations.end(alice, FamilyLink.objects.get(pk=link.pk))
    assert same_as_before(fiona, alice, bob) and not any(invitations.has_news(p) for p in (fiona, alice, bob))


def test_signed_consents_and_the_latest_review_are_what_the_orm_finds(alice, bob, erin):
    sign_all_consents(alice)
    consents.sign(alice, consents.BY_KIND[Consent.Kind.PRIVACY], signed_name="Alice again")  # a newer signature of one kind
    sign_all_consents(bob, share=False)
    for person in (alice, bob):
        newest = {}
        for consent in Consent.objects.filter(client=person).order_by("kind", "-signed_at", "-pk"):
            newest.setdefault(consent.kind, consent)
        assert {kind: (c.pk if c else None) for kind, c in consents.current(person).items()} == {
            document.kind: (newest[document.kind].pk if document.kind in newest else None) for document in consents.DOCUMENTS
        }
    intake = IntakeFactory(client=alice)
    assert intake.latest_review() is None
    for message in ("first", "second"):
        IntakeReview.objects.create(intake=intake, action=IntakeReview.Action.MORE_INFO, message=message, reviewer=erin)
    latest = intake.latest_review()
    assert (latest.pk, latest.message.reveal(), latest.intake is intake) == (intake.reviews.order_by("-created_at", "-pk").first().pk, "second", True)


def test_the_sessions_with_summaries_are_the_signed_ones_with_their_coach(alice, bob, carol):
    coach, session_type = bookable_coach(carol)
    signed, unsigned, bobs = (past_session(coach, session_type, person, days_ago=n) for person, n in ((alice, 1), (alice, 2), (bob, 3)))
    for booking in (signed, bobs):
        notes.use_note(carol, booking, notes.SIGN, summary="We talked.", homework="", next_steps="")
    [found] = notes.sessions_with_summaries(alice)
    assert (found.pk, found.starts_at, str(found.coach)) == (signed.pk, signed.starts_at, coach.display_name)
    assert [b.pk for b in notes.sessions_with_summaries(bob)] == [bobs.pk]


def test_a_query_that_depends_on_the_moment_it_is_compiled_is_refused():
    """Compiled once, such a query would answer every later request with the first one's
    zone or clock."""
    from django.utils import timezone

    by_day = PreparedQuery(lambda: Booking.objects.filter(starts_at__date=Arg("day", DateField())).values_list("pk"))
    fixed_now = PreparedQuery(lambda: Booking.objects.filter(starts_at__gte=timezone.now()).values_list("pk"))
    by_hour = PreparedQuery(lambda: Booking.objects.filter(starts_at__hour=9).values_list("pk"))
    for query in (by_day, fixed_now, by_hour):
        with pytest.raises(TypeError, match="PreparedQuery may not"):
            query.rows(day=MONDAY)


def test_every_prepared_query_of_ours_compiles_without_the_moment():
    """Each module's prepared queries, compiled: none depends on the zone or the clock."""
    import importlib
    import pkgutil
    from pathlib import Path as FilePath

    import core.prepared

    root = FilePath(__file__).resolve().parent.parent
    for app in ["core", "accounts", "clients", "families", "coaching", "bookings", "messaging", "config"]:
        for module in pkgutil.walk_packages([str(root / app)], prefix=f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    made = list(core.prepared.EVERY)
    assert len(made) > 40
    with connection.cursor() as cursor:
        for query in made:
            sql, _params, _converters, _models, types = query._compile()
            # PostgreSQL can prepare each one: every placeholder's type is known from its place.
            declared = f"({', '.join(types)})" if types else ""
            cursor.execute(f"PREPARE checked{declared} AS {core.prepared._numbered(sql)}")
            cursor.execute("DEALLOCATE checked")


def statements_held():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_postgresql_prepares_a_query_once_per_connection_then_only_runs_it(alice):
    """Parsing and planning cost PostgreSQL more than running a small query: the first run
    prepares it (in the same round trip), every later one sends EXECUTE and the arguments."""
    log(alice, range(3))
    query = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField()), day__gte=Arg("since", DateField())).order_by("day").values_list("day"))
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(client=alice.pk, since=day(1)) == [(day(1),), (day(2),)]
        assert query.rows(client=alice.pk, since=day(2)) == [(day(2),)]
    first, second = (q["sql"] for q in queries.captured_queries)
    assert first.startswith("PREPARE waypoint_") and "; EXECUTE waypoint_" in first
    assert second.startswith("EXECUTE waypoint_") and "SELECT" not in second
    assert any(name.startswith(query._name) for name in statements_held())


def test_with_prepared_statements_off_the_sql_goes_as_it_is(alice, settings):
    settings.PREPARED_STATEMENTS = False
    log(alice, range(2))
    query = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).order_by("day").values_list("day"))
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(client=alice.pk) == [(day(0),), (day(1),)]
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_lost_its_statements_prepares_them_again(alice):
    """DISCARD ALL (a pooler, an operator) empties the connection: outside a transaction the
    next run prepares again and answers; inside one the error stands, and the run after it
    prepares afresh."""
    query = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).order_by("day").values_list("day"))
    log(alice, range(1))
    assert query.rows(client=alice.pk) == [(day(0),)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert query.rows(client=alice.pk) == [(day(0),)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        query.rows(client=alice.pk)
    assert query.rows(client=alice.pk) == [(day(0),)]


def test_a_made_up_id_past_bigint_matches_nothing(alice):
    """An integer Arg is a bigint to PostgreSQL: one past its range (a made-up URL) finds
    nothing, as the ORM's query would, rather than an error."""
    log(alice, range(1))
    query = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).values_list("day"))
    assert query.rows(client=alice.pk) == [(day(0),)]
    for made_up in (2**31, 2**63, -(2**63) - 1):
        assert query.rows(client=made_up) == list(CheckIn.objects.filter(client=made_up).values_list("day")) == []


def test_what_a_statement_asked_reads_as_its_sql(alice):
    from core.prepared import statement_sql

    query = PreparedQuery(lambda: CheckIn.objects.filter(client=Arg("client", IntegerField())).values_list("day"))
    with CaptureQueriesContext(connection) as queries:
        query.rows(client=alice.pk)
        query.rows(client=alice.pk)
    first, second = (statement_sql(q["sql"]) for q in queries.captured_queries)
    assert 'FROM "clients_checkin"' in first and second == query._plan[0]


PAGED_LOG = PreparedQuery(
    lambda: counted(CheckIn.objects.filter(client=Arg("client", IntegerField())).order_by("day").only("day")), paged=True
)


def test_a_page_and_the_count_of_all_come_in_one_statement_as_the_paginator_gives_them(alice, bob):
    from django.core.paginator import Paginator

    log(alice, range(7))
    log(bob, range(2))
    everything = CheckIn.objects.filter(client=alice).order_by("day")
    for asked in (1, 2, 3, "2", None, "x", "0", -4, 4, 99, "9" * 40):
        expected = Paginator(everything, 3).get_page(asked)
        with CaptureQueriesContext(connection) as queries:
            page = page_of(PAGED_LOG, asked, 3, client=alice.pk)
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (expected.number, 7, 3), asked
        assert [c.day for c in page] == [c.day for c in expected], asked
        assert page.has_next() == expected.has_next() and page.has_previous() == expected.has_previous()
        # A page that exists: one statement. Past either end: the count, then the last page.
        past_the_end = str(asked).lstrip("-").isdigit() and not 1 <= int(str(asked)) <= 3
        assert len(queries) == (3 if past_the_end else 1), asked
    nobody = page_of(PAGED_LOG, 2, 3, client=alice.pk + bob.pk + 100)
    assert (nobody.number, nobody.paginator.count, list(nobody)) == (1, 0, [])


def test_a_paged_query_must_be_ordered_and_not_sliced():
    for build in (
        lambda: counted(CheckIn.objects.order_by()),
        lambda: counted(CheckIn.objects.order_by("day"))[:5],
    ):
        with pytest.raises(TypeError, match="paged PreparedQuery"):
            PreparedQuery(build, paged=True).objects(limit=1, offset=0)
