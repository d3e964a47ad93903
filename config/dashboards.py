"""What each person's dashboard says is next. A fixed number of queries per role, whatever
the data holds: each list is one query with what it shows joined in."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, DateTimeField, IntegerField, Min, Q, Value
from django.utils import timezone

from bookings.models import SHOWN_STATUSES, Booking, Payment, Status
from bookings.notes import sessions_waiting_count, unread_summaries
from clients.models import Intake
from coaching.profiles import existing_profile
from families.eligibility import family_intake_status
from families.paths import paths_of
from core import outbox
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

# The join button is live from this long before a session until it ends.
JOIN_EARLY = timedelta(minutes=10)
NEW_BOOKINGS_DAYS = 7
SHOWN = 5


@dataclass(frozen=True)
class Session:
    booking: Booking
    joinable: bool
    join_from: object


def _session(booking, now):
    join_from = booking.starts_at - JOIN_EARLY
    joinable = booking.status == Status.CONFIRMED and bool(booking.meeting_link) and join_from <= now < booking.ends_at
    return Session(booking=booking, joinable=joinable, join_from=join_from)


# The intake's one next step for the client: (what we say, the link's words, its url name).
INTAKE_STEPS = {
    None: ("A few questions, about ten minutes, so we can match you with the right coach.", "Start your intake", "clients:intake_start"),
    Intake.Status.DRAFT: ("You have started your intake. Your answers so far are saved.", "Continue your intake", "clients:intake_start"),
    Intake.Status.MORE_INFO: ("Our team has a question for you before matching you with a coach.", "Answer our team's question", "clients:intake_start"),
    Intake.Status.SUBMITTED: ("Your intake is with our team. We will e-mail you when it has been read; there is nothing you need to do.", "Read what you sent", "clients:intake_summary"),
    Intake.Status.APPROVED: ("You are matched with a coach and can book sessions.", "Book a session", "coaching:directory"),
    Intake.Status.DECLINED: ("We have suggested other services that may suit you better right now.", "See what we suggested", "clients:intake_summary"),
}


# A client's dashboard asks these on every visit: each compiled once (core/prepared.py).
_CLIENT = Arg("client", IntegerField())
# Only what the page shows: the intake's other 20-odd answers are sealed, and opening them
# all was most of this page's cost.
_INTAKE = PreparedQuery(lambda: Intake.objects.filter(client=_CLIENT).only("pk", "client_id", "status", "is_urgent", "preferred_name").order_by("pk")[:1])
_NEXT_SESSION = PreparedQuery(
    lambda: Booking.objects.filter(client=_CLIENT, ends_at__gt=Arg("now", DateTimeField()))
    .live_now(Arg("now", DateTimeField()))
    .select_related("coach", "session_type")
    .order_by("starts_at")[:1]
)
_UNREAD_SUMMARIES = PreparedQuery(lambda: unread_summaries(_CLIENT).order_by().values_list("pk"))


def for_client(user, now):
    [intake] = _INTAKE.objects(client=user.pk) or [None]
    [upcoming] = _NEXT_SESSION.objects(client=user.pk, now=now) or [None]
    unread = len(_UNREAD_SUMMARIES.rows(client=user.pk))  # the ones not opened yet: a few
    summary, step_words, step_url = INTAKE_STEPS[intake.status if intake else None]
    # The ways in decide the page's words; asked here, the layout's lazy ways_in is not asked again.
    ways_in = paths_of(user)
    family_status = family_intake_status(user) if ways_in.worried else None
    return {
        "ways_in": ways_in,
        "family_intake_status": family_status,
        "greeting_name": (reveal(intake.preferred_name) if intake else "") or user.name,
        "intake": intake,
        "intake_summary": summary,
        "intake_step": (step_words, step_url),
        "next_session": _session(upcoming, now) if upcoming else None,
        "unread_summaries": unread,
    }


# What a coach's session cards show, and no more: the client's names and the type's name.
_CARD_FIELDS = (
    "pk", "starts_at", "ends_at", "status", "meeting_link", "created_at", "client", "session_type", "session_type__name",
    "client__name", "client__email", "client__preferred_name", "client__pronouns",
)
_CARDS = Booking.objects.select_related("client", "session_type").only(*_CARD_FIELDS)
# Both lists are asked on every visit to a coach's dashboard: compiled once (core.prepared).
_TODAYS_SESSIONS = PreparedQuery(
    lambda: _CARDS.filter(
        coach__user=Arg("user", IntegerField()),
        status__in=SHOWN_STATUSES,
        starts_at__gte=Arg("start", DateTimeField()),
        starts_at__lt=Arg("end", DateTimeField()),
    ).order_by("starts_at")
)
_NEW_BOOKINGS = PreparedQuery(
    lambda: _CARDS.filter(
        coach__user=Arg("user", IntegerField()),
        status=Status.CONFIRMED,
        starts_at__gt=Arg("now", DateTimeField()),
        created_at__gte=Arg("since", DateTimeField()),
    ).order_by("-created_at", "-pk")[:SHOWN]
)


def for_coach(user, now):
    today = timezone.localdate(now)
    from_ = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    sessions = _TODAYS_SESSIONS.objects(user=user.pk, start=from_, end=from_ + timedelta(days=1))
    new = _NEW_BOOKINGS.objects(user=user.pk, now=now, since=now - timedelta(days=NEW_BOOKINGS_DAYS))
    profile = existing_profile(user)
    return {
        "greeting_name": (profile.display_name if profile else "") or user.name,
        "today": today,
        "todays_sessions": [_session(b, now) for b in sessions],
        "notes_to_write": sessions_waiting_count(user, now=now),
        "new_bookings": new,
        "new_bookings_days": NEW_BOOKINGS_DAYS,
    }


def _counted(queryset, **aggregates):
    """One row of `aggregates` over `queryset` as a values_list, for a PreparedQuery: grouped
    by a constant, which leaves no GROUP BY, so the row comes even when nothing matches."""
    return queryset.order_by().values(everything=Value(1)).annotate(**aggregates).values_list(*aggregates)


_QUEUE = PreparedQuery(
    lambda: _counted(
        Intake.objects.review_queue(), waiting=Count("pk"), urgent=Count("pk", filter=Q(is_urgent=True)), oldest=Min("submitted_at")
    )
)
# Names from the account only: the intake's own answers are read (and audited) on its page.
_URGENT = PreparedQuery(
    lambda: Intake.objects.review_queue()
    .filter(is_urgent=True)
    .select_related("client")
    .only("submitted_at", "client__name", "client__email", "client__preferred_name", "client__pronouns")[:SHOWN]
)
_FAILED_DELIVERIES = PreparedQuery(lambda: _counted(outbox.failures(), failed=Count("pk")))
_PAYMENTS_TO_CHECK = PreparedQuery(
    lambda: _counted(Payment.objects.filter(Q(mismatch__gt="") | Q(disputed_at__isnull=False)), to_check=Count("pk"))
)


def for_admin(user, now):
    [(waiting, urgent, oldest)] = _QUEUE.rows()
    [(failed,)] = _FAILED_DELIVERIES.rows()
    [(to_check,)] = _PAYMENTS_TO_CHECK.rows()
    return {
        "greeting_name": user.name,
        "urgent_intakes": _URGENT.objects(),
        "urgent_count": urgent,
        "waiting_count": waiting,
        "oldest_waiting_since": oldest,
        "failed_deliveries": failed,
        "payments_to_check": to_check,
    }


def for_user(user, now=None):
    now = now or timezone.now()
    if user.is_client:
        return for_client(user, now)
    if user.is_coach:
        return for_coach(user, now)
    if user.is_admin:
        return for_admin(user, now)
    return {"greeting_name": user.name}
