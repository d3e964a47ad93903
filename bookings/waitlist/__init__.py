"""The waitlist: a client who finds no time that suits them waits for one, and freed time
is offered to those waiting, fairly.

- `join` and `leave`: one entry per client and session type, with the days of the week and
  the parts of the day that suit the client (on their own clock) and the last day it lasts.
- `time_opened(coach_id, start, end)`: time with a coach opened (a cancellation, a hold that
  ended, a move, new hours, time off removed). Called in the change's own transaction, it
  owes a pass over that time, delivered after commit by the outbox.
- `offer_open_times`: the pass. Under the coach's lock (the same lock every booking takes
  first), the slot engine finds the open times in the window, the waiting entries are taken
  in the order they joined, and each gets the first open time that suits it. The offer holds
  that time for its client for `WAITLIST_OFFER_MINUTES`: the engine shows it to no one else,
  and an exclusion constraint allows one open offer per stretch of a coach's time, so two
  passes at once (two cancellations racing) cannot hand out the same time twice.
- An offer that is declined, or not taken in time (`expire_offer`, owed for the moment it
  ends), is passed on to the next entry by the same pass. Accepting is booking: the offered
  time goes through `transitions.place_hold` like any other, with all its rules.
- A client gets at most `WAITLIST_OFFERS_PER_DAY` offers in 24 hours, one open offer per
  coach at a time, and never the same time twice from one entry. An entry ends once the
  client books with that coach (`booked`).
"""

import uuid
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateField, IntegerField, Q
from django.utils import timezone

from accounts import audit
from coaching import public_page
from coaching.models import CoachProfile
from core import outbox
from core.models import OwedWork
from core.prepared import Arg, PreparedQuery
from core.zones import UTC

from .. import availability, eligibility
from ..errors import NotAllowed
from ..models import (
    PART_NAMES,
    PART_OF_DAY_HOURS,
    WEEKDAY_NAMES,
    Booking,
    EntryEnd,
    OfferStatus,
    PartOfDay,
    WaitlistEntry,
    WaitlistOffer,
)

OFFER_OPEN_TIMES = "waitlist.offer_open_times"
OFFER_EXPIRY = "waitlist.offer_expiry"
OFFER_EMAIL = "waitlist.offer"

# Roughly when each part of the day is, for turning a client's choice into the coach's clock.
PART_MIDDLE = {PartOfDay.MORNING: (9, 0), PartOfDay.AFTERNOON: (14, 30), PartOfDay.EVENING: (19, 0)}
LONGEST_WAIT_DAYS = 180


def offer_minutes():
    return settings.WAITLIST_OFFER_MINUTES


def part_of_day(hour):
    for part, (first, last) in PART_OF_DAY_HOURS.items():
        if first <= hour < last:
            return part
    raise ValueError(f"no part of the day holds hour {hour}")


def suits(entry, starts_at):
    """Whether a start falls on a day and in a part of the day the entry asked for, on the
    client's clock, no later than its last day."""
    local = starts_at.astimezone(ZoneInfo(entry.time_zone))
    return local.weekday() in entry.weekdays and part_of_day(local.hour) in entry.parts_of_day and local.date() <= entry.until


def _about_offer(offer_id):
    return f"waitlist_offer:{offer_id}"


# --- joining and leaving -------------------------------------------------------------


def latest_until(now, zone):
    return now.astimezone(zone).date() + timedelta(days=LONGEST_WAIT_DAYS)


@transaction.atomic
def join(client, session_type, *, weekdays, parts_of_day, until, zone=None, now=None, request=None):
    """Put `client` on the waitlist of `session_type`'s coach; the days and parts of the day
    are on the clock of `zone` (the client's own). Joining again with the same session type
    changes the choices and keeps the place in line."""
    now = now or timezone.now()
    zone = zone or client.zone or UTC
    if not session_type.is_active:
        raise NotAllowed("This kind of session is no longer offered.")
    if not eligibility.may_book(client, session_type):
        raise NotAllowed("This session is not open to you yet. Once our team has looked at your intake you can wait for it.")
    weekdays = sorted({int(day) for day in weekdays})
    parts = [part for part in PartOfDay.values if part in set(parts_of_day)]
    if not weekdays or not parts or any(day not in range(7) for day in weekdays):
        raise NotAllowed("Please choose at least one day and one part of the day.")
    today = now.astimezone(zone).date()
    if not today <= until <= latest_until(now, zone):
        raise NotAllowed(f"Please choose a last day between today and {LONGEST_WAIT_DAYS} days from now.")
    entry = WaitlistEntry.objects.select_for_update().filter(client=client, session_type=session_type, ended_at=None).first()
    created = entry is None
    if created:
        entry = WaitlistEntry(client=client, coach_id=session_type.coach_id, session_type=session_type, joined_at=now)
    entry.weekdays, entry.parts_of_day, entry.until, entry.time_zone = weekdays, parts, until, str(zone)
    entry.save()
    audit.record("waitlist.joined" if created else "waitlist.changed", actor=client, obj=entry, request=request)
    return entry


@transaction.atomic
def leave(entry, *, actor, now=None, request=None):
    """End an entry; an offer it holds is passed on."""
    now = now or timezone.now()
    _lock_coach(entry.coach_id)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.ended_at is not None:
        return entry
    entry.ended_at, entry.end_reason = now, EntryEnd.LEFT
    entry.save(update_fields=["ended_at", "end_reason"])
    audit.record("waitlist.left", actor=actor, obj=entry, request=request)
    _withdraw(WaitlistOffer.objects.filter(entry=entry), now)
    return entry


def _withdraw(offers, now):
    """Open offers that no longer stand: their time is passed on."""
    for offer in offers.select_for_update().filter(status=OfferStatus.OPEN):
        offer.status, offer.answered_at = OfferStatus.WITHDRAWN, now
        offer.save(update_fields=["status", "answered_at"])
        outbox.withdraw(about=_about_offer(offer.pk), kind=OFFER_EXPIRY)
        public_page.forget(offer.coach_id)
        time_opened(offer.coach_id, offer.blocked_from, offer.blocked_until, cause="offer_withdrawn")


def forget_client(client, *, now=None):
    """Delete my account: the client's entries end (offers they hold are passed on), then
    their entries, offers and the work owed about the offers go."""
    now = now or timezone.now()
    for entry in WaitlistEntry.objects.waiting().filter(client=client):
        leave(entry, actor=None, now=now)
    offer_ids = list(WaitlistOffer.objects.filter(client=client).values_list("pk", flat=True))
    OwedWork.objects.filter(about__in=[_about_offer(pk) for pk in offer_ids]).delete()
    WaitlistOffer.objects.filter(pk__in=offer_ids).delete()
    WaitlistEntry.objects.filter(client=client).delete()


# --- what bookings tell the waitlist ------------------------------------------------------


def time_opened(coach_id, start, end, *, cause):
    """[start, end) of a coach's time may have opened: owe a pass over it, in the caller's
    transaction, when anyone waits for this coach."""
    if not WaitlistEntry.objects.waiting().filter(coach_id=coach_id).exists():
        return None
    return outbox.owe(
        OFFER_OPEN_TIMES,
        key=f"{OFFER_OPEN_TIMES}:{coach_id}:{uuid.uuid4().hex}",
        about=f"coach:{coach_id}",
        coach_id=coach_id,
        start=start.isoformat(),
        end=end.isoformat(),
        cause=cause,
    )


def hold_placed(booking):
    """The offered client picked the offered time: the offer is taken, and the hold (a
    booking like any other) keeps the time from here. Call it under the coach's lock."""
    return WaitlistOffer.objects.filter(
        client_id=booking.client_id, coach_id=booking.coach_id, starts_at=booking.starts_at, status=OfferStatus.OPEN
    ).update(status=OfferStatus.TAKEN, answered_at=booking.created_at, booking=booking)


def booked(booking, *, now):
    """The client booked with this coach: their entries with the coach end, and offers from
    the coach they still hold are passed on."""
    WaitlistEntry.objects.waiting().filter(client_id=booking.client_id, coach_id=booking.coach_id).update(
        ended_at=now, end_reason=EntryEnd.BOOKED
    )
    _withdraw(WaitlistOffer.objects.filter(client_id=booking.client_id, coach_id=booking.coach_id), now)


# --- the pass -------------------------------------------------------------------------------


def _lock_coach(coach_id):
    return CoachProfile.objects.select_for_update().get(pk=coach_id)


def offer_open_times(coach_id, start, end, *, now=None):
    """Offer the open times of [start, end) with a coach to those waiting. Returns the new offers."""
    now = now or timezone.now()
    with transaction.atomic():
        return _offer_locked(_lock_coach(coach_id), start, end, now)


def _offer_locked(coach, start, end, now):
    """The pass, with the coach's row locked by the caller. A fixed number of queries
    whatever the number of entries, plus a few for each offer made."""
    # Offers whose time ran out hold nothing any more (the engine already ignores them);
    # closing them lets the constraint admit a new offer of the same time.
    WaitlistOffer.objects.filter(coach=coach, status=OfferStatus.OPEN, expires_at__lte=now).update(
        status=OfferStatus.EXPIRED, answered_at=now
    )
    today = now.astimezone(ZoneInfo(coach.time_zone)).date() - timedelta(days=1)
    entries = list(
        WaitlistEntry.objects.waiting(today)
        .filter(coach=coach, session_type__is_active=True)
        .select_related("session_type")
        .order_by("joined_at", "pk")
    )
    if not entries:
        return []
    longest = max(timedelta(minutes=entry.session_type.duration_minutes) for entry in entries)
    earliest, latest = start - longest, end
    client_ids = {entry.client_id for entry in entries}
    # Who already holds an open offer from this coach, and the times each entry was offered
    # before: an entry that let a time go is not offered it (nor a time overlapping it) again.
    holding, offered_before = set(), defaultdict(list)
    for entry_id, client_id, starts_at, ends_at, status in (
        WaitlistOffer.objects.filter(coach=coach)
        .filter(Q(status=OfferStatus.OPEN) | Q(starts_at__lt=latest + longest, ends_at__gt=earliest))
        .values_list("entry_id", "client_id", "starts_at", "ends_at", "status")
    ):
        offered_before[entry_id].append((starts_at, ends_at))
        if status == OfferStatus.OPEN:
            holding.add(client_id)
    offers_today = Counter(
        dict(
            WaitlistOffer.objects.filter(client_id__in=client_ids, created_at__gt=now - timedelta(days=1))
            .values("client_id")
            .annotate(n=Count("pk"))
            .values_list("client_id", "n")
        )
    )
    # A client's own sessions near the window: never offer a time that clashes with one.
    own = defaultdict(list)
    for client_id, starts_at, ends_at in (
        Booking.objects.live_now(now)
        .filter(client_id__in=client_ids, starts_at__lt=latest + longest, ends_at__gt=earliest)
        .values_list("client_id", "starts_at", "ends_at")
    ):
        own[client_id].append((starts_at, ends_at))
    fetched = availability.fetch(coach, earliest, latest, now=now)
    padded, day_counts = list(fetched.padded), dict(fetched.day_counts or {})
    coach_zone = ZoneInfo(coach.time_zone)
    # The time that opened itself first (a cancelled session's start), then the nearest.
    anchor = start + timedelta(minutes=coach.buffer_before_minutes)
    slots_by_type = {}
    made = []
    for entry in entries:
        if entry.client_id in holding or offers_today[entry.client_id] >= settings.WAITLIST_OFFERS_PER_DAY:
            continue
        session_type = entry.session_type
        length = timedelta(minutes=session_type.duration_minutes)
        if session_type.pk not in slots_by_type:
            slots_by_type[session_type.pk] = _nearest_first(
                anchor,
                availability.compute_slots(
                    coach,
                    session_type.duration_minutes,
                    start - length,
                    end,
                    now=now,
                    hour_rows=fetched.hour_rows,
                    padded=padded,
                    blocked=fetched.blocked,
                    day_counts=day_counts if fetched.day_counts is not None else None,
                ),
            )
        chosen = next(
            (
                slot
                for slot in slots_by_type[session_type.pk]
                if suits(entry, slot)
                and not _overlaps(slot, slot + length, own[entry.client_id])
                and not _overlaps(slot, slot + length, offered_before[entry.pk])
            ),
            None,
        )
        if chosen is None:
            continue
        offer = _make_offer(coach, entry, chosen, length, now)
        made.append(offer)
        holding.add(entry.client_id)
        offers_today[entry.client_id] += 1
        # The offered time is taken for everyone after this entry: draw the slots again.
        padded.append((offer.blocked_from, offer.blocked_until))
        local_day = chosen.astimezone(coach_zone).date().isoformat()
        day_counts[local_day] = day_counts.get(local_day, 0) + 1
        slots_by_type.clear()
    if made:
        public_page.forget(coach.pk)
    return made


def _overlaps(start, end, intervals):
    return any(s < end and e > start for s, e in intervals)


def _nearest_first(anchor, slots):
    return sorted(slots, key=lambda slot: (abs(slot - anchor), slot))


def _make_offer(coach, entry, starts_at, length, now):
    offer = WaitlistOffer.objects.create(
        entry=entry,
        client_id=entry.client_id,
        coach=coach,
        session_type=entry.session_type,
        starts_at=starts_at,
        ends_at=starts_at + length,
        blocked_from=starts_at - timedelta(minutes=coach.buffer_before_minutes),
        blocked_until=starts_at + length + timedelta(minutes=coach.buffer_after_minutes),
        expires_at=now + timedelta(minutes=offer_minutes()),
        created_at=now,
    )
    about = _about_offer(offer.pk)
    outbox.owe(OFFER_EMAIL, key=f"{OFFER_EMAIL}:{offer.pk}", about=about, offer_id=offer.pk)
    outbox.owe(OFFER_EXPIRY, key=f"{OFFER_EXPIRY}:{offer.pk}", due_at=offer.expires_at, about=about, offer_id=offer.pk)
    audit.record("waitlist.offered", obj=offer, entry_id=entry.pk, starts_at=starts_at.isoformat())
    return offer


# --- answers and expiry -----------------------------------------------------------------------


@transaction.atomic
def decline(offer, *, actor, now=None, request=None):
    """The client passes the offered time on: the next entry gets it at once."""
    now = now or timezone.now()
    coach = _lock_coach(offer.coach_id)
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.OPEN:
        return offer
    offer.status, offer.answered_at = OfferStatus.DECLINED, now
    offer.save(update_fields=["status", "answered_at"])
    audit.record("waitlist.declined", actor=actor, obj=offer, request=request)
    public_page.forget(coach.pk)
    outbox.withdraw(about=_about_offer(offer.pk), kind=OFFER_EXPIRY)
    _offer_locked(coach, offer.blocked_from, offer.blocked_until, now)
    return offer


@transaction.atomic
def expire_offer(offer_id, *, now=None):
    """An offer's time ran out: it ends, and its time goes to the next entry."""
    now = now or timezone.now()
    offer = WaitlistOffer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise outbox.Skip("the offer is gone")
    coach = _lock_coach(offer.coach_id)
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == OfferStatus.OPEN:
        if offer.expires_at > now:
            raise outbox.TryLater("the offer has not run out yet")
        offer.status, offer.answered_at = OfferStatus.EXPIRED, now
        offer.save(update_fields=["status", "answered_at"])
        audit.record("waitlist.offer_expired", obj=offer)
        public_page.forget(coach.pk)
    if offer.status != OfferStatus.EXPIRED:
        return []
    # Also when a pass already closed it: the pass hands out only open times, so again is harmless.
    return _offer_locked(coach, offer.blocked_from, offer.blocked_until, now)


@outbox.action(OFFER_OPEN_TIMES, label="Offer freed time to the waitlist")
def _deliver_pass(work):
    payload = work.payload
    offer_open_times(payload["coach_id"], datetime.fromisoformat(payload["start"]), datetime.fromisoformat(payload["end"]))


@outbox.action(OFFER_EXPIRY, label="Pass on a waitlist offer not taken in time")
def _deliver_expiry(work):
    expire_offer(work.payload["offer_id"])


# --- what pages show ------------------------------------------------------------------------------


def entries_of(client):
    """A client's entries still waiting, with their coach and session type."""
    return (
        WaitlistEntry.objects.waiting().filter(client=client).select_related("coach", "session_type").order_by("joined_at", "pk")
    )


def live_offers_of(client, *, now=None):
    now = now or timezone.now()
    return (
        WaitlistOffer.objects.filter(client=client, status=OfferStatus.OPEN, expires_at__gt=now)
        .select_related("coach", "session_type")
        .order_by("expires_at")
    )


# Per coach, how many wait and the coach's name: one statement compiled once (core.prepared).
_LENGTHS = PreparedQuery(
    lambda: WaitlistEntry.objects.waiting(Arg("today", DateField()))
    .order_by()
    .values_list("coach_id", "coach__display_name")
    .annotate(n=Count("pk"))
)


def lengths_by_coach(today):
    """[(coach, how many wait)] of every coach someone waits for, longest first (`coach`: the
    coach's id and display name)."""
    rows = [(CoachProfile(pk=pk, display_name=name), n) for pk, name, n in _LENGTHS.rows(today=today)]
    return sorted(rows, key=lambda row: (-row[1], row[0].display_name))


_WAITING_CHOICES = PreparedQuery(
    lambda: WaitlistEntry.objects.waiting(Arg("today", DateField()))
    .filter(coach=Arg("coach", IntegerField()))
    .values_list("weekdays", "parts_of_day", "time_zone")
)


def waiting_by_part_of_week(coach, *, now=None):
    """(how many wait, [(day, [(part of the day, how many)])]) for a coach's calendar,
    the clients' choices turned into the coach's own clock (roughly: each part of the day
    is placed at its middle). Days nobody waits for are left out."""
    now = now or timezone.now()
    coach_zone = ZoneInfo(coach.time_zone)
    today = now.astimezone(coach_zone).date()
    grid = Counter()
    rows = _WAITING_CHOICES.rows(coach=coach.pk, today=today)
    count = 0
    for weekdays, parts, zone_name in rows:
        count += 1
        zone = ZoneInfo(zone_name)
        seen = set()
        for weekday in weekdays:
            day = today + timedelta(days=(weekday - today.weekday()) % 7)
            for part in parts:
                theirs = datetime.combine(day, time(*PART_MIDDLE[part]), zone).astimezone(coach_zone)
                seen.add((theirs.weekday(), part_of_day(theirs.hour)))
        grid.update(seen)
    days = [(WEEKDAY_NAMES[weekday], [(PART_NAMES[part], grid[(weekday, part)]) for part in PartOfDay.values]) for weekday in range(7)]
    return count, [(day, [(part, n) for part, n in parts if n]) for day, parts in days if any(n for _part, n in parts)]


def default_until(now, zone):
    return now.astimezone(zone).date() + timedelta(days=30)
