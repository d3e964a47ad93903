from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.messages import get_messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.access import VisibleOne, coach_required, get_visible_or_404
from accounts.context import navigation
from accounts.audit import record
from accounts.middleware import TZ_COOKIE
from accounts.models import Role
from core.csrf import masked_token
from core.wording import price as price_words
from messaging.conversations import unread_on
from bookings.availability import busy as booking_busy
from bookings import cancellation
from bookings.availability import next_openings, open_slots
from bookings.errors import BookingRefused
from bookings.eligibility import waits_for_review
from families.eligibility import may_book_all
from bookings.waitlist import time_opened, waiting_by_part_of_week

from . import calendar as week_calendar
from . import public_page
from . import feed as ics
from .forms import (
    BookingRulesForm,
    CoachProfileForm,
    DirectoryFilterForm,
    FeedSettingsForm,
    SessionTypeForm,
    TimeOffForm,
    WeeklyHoursForm,
    ZoneForm,
    zone_context,
)
from .hours import hours_by_weekday
from .models import CoachProfile, SessionType, Specialty, TimeOff, WeeklyHours
from .profiles import active_types, notice_gaps, profile_for
from .slot_days import booking_url, group_by_day, viewer_week
from .time_off import span as time_off_span
from .time_off import time_off_to_come

FEED_PAST_DAYS = 30


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# --- public pages --------------------------------------------------------------------

# Where the coach page's zone form goes: the rest of the page is shared by everyone in one
# zone, the form carries the viewer's own CSRF token.
ZONE_FORM_HERE = mark_safe("<!-- zone form -->")


def directory(request):
    state = public_page.directory_state()
    form = DirectoryFilterForm(request.GET or None, languages=state[1])
    filters = ("", "") if not form.is_bound else None
    if form.is_bound and form.is_valid():
        filters = (form.cleaned_data["specialty"], form.cleaned_data["language"])

    def draw(coaches):
        context = {"form": form, "coaches": directory_cards(list(coaches)), "specialty_labels": dict(Specialty.choices)}
        return render_to_string("coaching/_directory.html", context)

    listing = public_page.directory_html(state, filters, draw, zone=str(request.zone))
    return render(request, "coaching/directory.html", {"listing": listing})


# How far ahead the directory looks for each coach's next open time.
NEXT_OPEN_DAYS = 14


@dataclass(frozen=True)
class DirectoryCard:
    coach: CoachProfile
    initials: str
    prices: str
    next_open: datetime | None
    next_type: SessionType | None


def _initials(name):
    words = name.split()
    return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()


def _prices(types):
    paid = sorted(t.price_cents for t in types if not t.is_free)
    currency = next((t.currency for t in types if not t.is_free), "usd")
    parts = ["Free intro call"] if any(t.is_free for t in types) else []
    if paid:
        low, high = price_words(paid[0], currency), price_words(paid[-1], currency)
        parts.append(f"sessions {low}" if low == high else f"sessions {low} to {high}")
    return "; ".join(parts) or "No sessions offered yet"


def directory_cards(coaches, now=None):
    """Each listed coach with initials, price range and next open time: one query for the
    session types and three for every coach's next opening, whatever the number of coaches."""
    now = now or timezone.now()
    types = {}
    for session_type in SessionType.objects.filter(coach__in=coaches, is_active=True).select_related("coach"):
        types.setdefault(session_type.coach_id, []).append(session_type)
    # Types come in the coach page's order (cheapest first): the first is what it shows first.
    firsts = [kinds[0] for kinds in types.values()]
    opens = next_openings(firsts, now, now + timedelta(days=NEXT_OPEN_DAYS), now=now)
    return [
        DirectoryCard(
            coach=coach,
            initials=_initials(coach.display_name),
            prices=_prices(types.get(coach.pk, [])),
            next_open=opens.get(coach.pk),
            next_type=types[coach.pk][0] if coach.pk in opens else None,
        )
        for coach in coaches
    ]


def coach_page(request, pk):
    card = public_page.listed_coach(pk)
    if card is not None:
        version, coach, types = card
    else:
        # Unlisted: only its own coach and admins see it, never from the shared cache.
        coach = get_visible_or_404(CoachProfile.objects.select_related("user"), request.user, pk=pk)
        version, types = None, list(coach.session_types.filter(is_active=True))
    chosen = next((t for t in types if str(t.pk) == request.GET.get("type")), types[0] if types else None)
    week, start, end = viewer_week(timezone.now(), request.zone, request.GET.get("week"))
    # Only clients book (visitors are asked to sign in first): staff see the times as text,
    # never links to a page that would refuse them.
    bookable = not request.user.is_authenticated or request.user.role == Role.CLIENT
    # A client whose intake is with our team sees the paid times marked as opening after
    # its review, as text: a link would only lead to a page saying the same.
    after_review = bool(chosen) and request.user.is_authenticated and bookable and waits_for_review(request.user, chosen)
    bookable = bookable and not after_review

    def open_times():
        if chosen is None:
            return ""

        def draw():
            days = group_by_day(open_slots(coach, chosen, start, end), request.zone, lambda slot: booking_url(coach, chosen, slot))
            context = {
                "coach": coach,
                "chosen": chosen,
                "days": days,
                "week": week,
                "week_start": start,
                "week_last_day": end - timedelta(seconds=1),
                "bookable": bookable,
                "after_review": after_review,
            }
            return render_to_string("coaching/_open_times.html", context)

        if version is None:
            return draw()
        return public_page.open_times_html(version, coach, chosen, request.zone, start, week, draw, bookable=bookable, after_review=after_review)

    if request.htmx and not request.htmx.history_restore_request:
        # The week or session type changed on the page: only the times are drawn again.
        response = HttpResponse(render_to_string("coaching/_open_times_swap.html", {"open_times": open_times(), "request": request}))
    else:
        waits = (bookable or after_review) and not may_book_all(request.user, types)

        def draw_body():
            context = {
                "coach": coach,
                "session_types": types,
                "chosen": chosen,
                "open_times": open_times(),
                "specialty_labels": [label for value, label in Specialty.choices if value in coach.specialties],
                "bookable": bookable,
                "after_review": after_review,
                "paid_waits_for_intake": waits,
                "zone_form_here": ZONE_FORM_HERE,
            }
            return render_to_string("coaching/_coach_page_body.html", context)

        if version is None:
            body = draw_body()
        else:
            body = public_page.coach_page_html(
                version, coach, chosen, request.zone, start, week, draw_body, bookable=bookable, after_review=after_review, waits=waits
            )
        def draw_page(extra=None):
            # The zone form goes where the body marks its place (once: what coaches write is
            # escaped, so their words cannot hold the marker; were it missing, the form would
            # come last rather than the page fail).
            head, _marker, tail = body.partition(ZONE_FORM_HERE)
            context = {"body_head": mark_safe(head), "body_tail": mark_safe(tail), **zone_context(request.zone, coach.time_zone)}
            return render_to_string("coaching/coach_page.html", {**context, **(extra or {})}, request)

        if version is None or has_messages(request):
            response = HttpResponse(draw_page())
        else:
            # The whole page is the same for everyone who sees this body under this layout
            # (base.html's own keys) but for two things: the CSRF token and the zone form's
            # way back here. Kept in this process with both as holes, filled in per request.
            nav = navigation(request)
            layout = (nav["nav_role"], unread_on(request), nav["shows_quick_exit"],
                      nav["quick_exit_url"], nav["idle_seconds"])
            body_key = public_page.coach_page_key(
                version, coach, chosen, request.zone, start, week, bookable=bookable, after_review=after_review, waits=waits
            )
            whole = public_page.whole_page_html(body_key, layout, lambda: draw_page({"csrf_token": TOKEN_HOLE, "zone_next": NEXT_HOLE}))
            response = HttpResponse(
                whole.replace(TOKEN_HOLE, masked_token(request)).replace(NEXT_HOLE, escape(request.get_full_path()))
            )
    patch_vary_headers(response, ["HX-Request"])
    return response


# Where a whole coach page kept in memory takes each request's own CSRF token and way back
# (letters only: escaping leaves them as they are, and no coach's words can hold them).
TOKEN_HOLE = "waypointTokenHoleQ7vX2kLp9RzT4mWc"
NEXT_HOLE = "waypointNextHoleB8nY3jHs6FdK1qZe"


def has_messages(request):
    """Whether messages wait to be shown (the page is then drawn as usual, and shows them)."""
    return bool(len(get_messages(request)))


@require_POST
def choose_zone(request):
    """Remember the viewer's zone: on their account when signed in, in a cookie otherwise."""
    form = ZoneForm(request.POST)
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    # A plain redirect: redirect() would read a bare word such as "5" as a URL name.
    response = HttpResponseRedirect(target)
    if not form.is_valid():
        messages.error(request, "We do not know that time zone. Please pick one from the list.")
        return response
    zone = form.cleaned_data["zone"]
    if request.user.is_authenticated:
        request.user.time_zone = zone
        request.user.save(update_fields=["time_zone"])
    response.set_cookie(TZ_COOKIE, quote(zone, safe=""), max_age=60 * 60 * 24 * 365, samesite="Lax", secure=request.is_secure())
    messages.success(request, f"Times now show in {zone.replace('_', ' ')}.")
    return response


def _feed_response(body, *, status=200, content_type="text/plain; charset=utf-8"):
    response = HttpResponse(body, status=status, content_type=content_type)
    # The address is a secret: no search engine should list it, and no shared cache keep it.
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, max-age=300"
    return response


def feed(request, token):
    if not ics.allow_request(token):
        response = _feed_response("Too many requests for this calendar. Please try again in an hour.", status=429)
        response["Retry-After"] = str(ics.RATE_WINDOW_SECONDS)
        return response
    coach = ics.coach_for_feed(token)
    if coach is None:
        return _feed_response("No calendar at this address.", status=404)
    now = timezone.now()
    if ics.has_expired(coach, now):
        return _feed_response(
            "This calendar address has expired. Make a new one on your calendar page in Waypoint.", status=410
        )
    start = now - timedelta(days=FEED_PAST_DAYS)
    end = now + timedelta(days=coach.horizon_days)
    events = ics.time_off_events(coach, start, end) + list(booking_busy.feed_events(coach, start, end))
    response = _feed_response(ics.build_calendar(coach, events, stamp=now), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="waypoint.ics"'
    return response


# --- the coach's own pages -----------------------------------------------------------


@coach_required
def calendar(request):
    coach = profile_for(request.user)
    zone = ZoneInfo(coach.time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    week = max(-52, min(_int(request.GET.get("week")), 52))
    monday = week_calendar.first_shown_day(today, week)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    sessions = booking_busy.calendar_events(coach, start, start + timedelta(days=week_calendar.days_shown(monday)))
    days = week_calendar.week_grid(coach, monday, today=today, session_events=sessions)
    hour_labels, grid_rows = week_calendar.place_on_grid(days)
    feed_url = request.build_absolute_uri(f"/coaches/feed/{coach.feed_token}.ics")
    return render(
        request,
        "coaching/calendar.html",
        {
            "coach": coach,
            "days": days,
            "hour_labels": hour_labels,
            "grid_rows": grid_rows,
            "week": week,
            "monday": monday,
            "zone_name": coach.time_zone.replace("_", " "),
            "feed_url": feed_url,
            "feed_expires_at": ics.expires_at(coach),
            "feed_expires_soon": ics.expires_soon(coach, now),
            "feed_expired": ics.has_expired(coach, now),
            "feed_form": FeedSettingsForm(instance=coach),
            "coach_zone": zone,
            "waiting": waiting_by_part_of_week(coach, now=now),
        },
    )


@coach_required
@require_POST
def reset_feed(request):
    coach = profile_for(request.user)
    ics.reset_feed_token(coach)
    record("coaching.feed_reset", obj=coach, request=request)
    messages.success(request, "Your calendar has a new secret address. The old one no longer works.")
    return redirect("coaching:calendar")


@coach_required
@require_POST
def feed_settings(request):
    coach = profile_for(request.user)
    form = FeedSettingsForm(request.POST, instance=coach)
    if form.is_valid():
        form.save()
        if coach.feed_shows_initials:
            messages.success(request, "Your calendar app will show your clients' initials. Full names are never sent.")
        else:
            messages.success(request, "Your calendar app will show only 'Waypoint session' and a reference.")
    return redirect("coaching:calendar")


@coach_required
def profile_settings(request):
    coach = profile_for(request.user)
    form = CoachProfileForm(request.POST or None, instance=coach)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("coaching:settings")
    return render(request, "coaching/settings_profile.html", {"coach": coach, "form": form})


@coach_required
def booking_rules(request):
    coach = profile_for(request.user)
    form = BookingRulesForm(request.POST or None, instance=coach)
    if request.method == "POST" and form.is_valid():
        form.save()
        _hours_opened(coach)  # a shorter notice, a longer horizon or a higher cap opens time too
        messages.success(request, "Your booking rules are saved.")
        return redirect("coaching:booking_rules")
    return render(
        request, "coaching/settings_rules.html", {"coach": coach, "form": form, "notice_gaps": notice_gaps(coach)}
    )


@coach_required
def session_types(request):
    coach = profile_for(request.user)
    form = SessionTypeForm(request.POST or None, instance=SessionType(coach=coach))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Session type added.")
        return redirect("coaching:session_types")
    types = active_types(coach)
    return render(
        request,
        "coaching/settings_session_types.html",
        {"coach": coach, "form": form, "types": types, "notice_gaps": notice_gaps(coach, types)},
    )


# The edit pages are asked on every visit: their scopes compiled once (accounts.access.VisibleOne).
_OFFERED_TYPE = VisibleOne(lambda: SessionType.objects.filter(is_active=True))
_HOURS_ROW = VisibleOne(lambda: WeeklyHours.objects.select_related("coach"))


@coach_required
def session_type_edit(request, pk):
    session_type = _OFFERED_TYPE.get_or_404(request.user, pk)
    form = SessionTypeForm(request.POST or None, instance=session_type)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Session type saved.")
        return redirect("coaching:session_types")
    return render(request, "coaching/settings_session_type_edit.html", {"form": form, "session_type": session_type})


@coach_required
@require_POST
def session_type_remove(request, pk):
    session_type = get_visible_or_404(SessionType, request.user, pk=pk)
    # Kept, not deleted: booked sessions still point at it.
    session_type.is_active = False
    session_type.save(update_fields=["is_active"])
    messages.success(request, f"{session_type.name} is no longer offered.")
    return redirect("coaching:session_types")


def _hours_opened(coach):
    """New or longer hours (or looser booking rules): those waiting may get the times they open."""
    now = timezone.now()
    time_opened(coach.pk, now, now + timedelta(days=coach.horizon_days), cause="new_hours")


@coach_required
def hours(request):
    coach = profile_for(request.user)
    form = WeeklyHoursForm(request.POST or None, coach=coach)
    if request.method == "POST" and form.is_valid():
        form.save()
        _hours_opened(coach)
        messages.success(request, "Hours added.")
        return redirect("coaching:hours")
    return render(request, "coaching/settings_hours.html", {"coach": coach, "form": form, "week": hours_by_weekday(coach)})


@coach_required
def hours_edit(request, pk):
    row = _HOURS_ROW.get_or_404(request.user, pk)
    form = WeeklyHoursForm(request.POST or None, instance=row, coach=row.coach)
    if request.method == "POST" and form.is_valid():
        form.save()
        _hours_opened(row.coach)
        messages.success(request, "Hours saved.")
        return redirect("coaching:hours")
    return render(request, "coaching/settings_hours_edit.html", {"form": form, "row": row, "coach": row.coach})


@coach_required
@require_POST
def hours_remove(request, pk):
    get_visible_or_404(WeeklyHours, request.user, pk=pk).delete()
    messages.success(request, "Hours removed.")
    return redirect("coaching:hours")


def _listed_ids(request):
    return {int(value) for value in request.POST.getlist("session") if value.isdigit()}


@coach_required
def time_off(request):
    coach = profile_for(request.user)
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = [data["first_day"], data["last_day"], data["start_time"], data["end_time"]]
        during = cancellation.sessions_during(coach, *time_off_span(coach, *fields))
        decision = request.POST.get("sessions")
        # Ask first, and ask again if a session was booked in the span since the question.
        if during and (decision not in ("cancel", "keep") or {b.pk for b in during} - _listed_ids(request)):
            return render(request, "coaching/settings_time_off_sessions.html", {"coach": coach, "form": form, "during": during})
        try:
            _away, ended = cancellation.take_time_off(
                coach, *fields, data["note"], cancel=during if decision == "cancel" else (), actor=request.user,
                reason=request.POST.get("reason", "")[:300], request=request,
            )
        except BookingRefused as refusal:
            messages.error(request, str(refusal))
            return render(request, "coaching/settings_time_off_sessions.html", {"coach": coach, "form": form, "during": during})
        if ended:
            messages.success(request, f"Time off added, and {_sessions_in_words(len(ended))} cancelled. "
                             "Each client gets a full refund and an apology by e-mail.")
        elif during:
            messages.success(request, f"Time off added. You kept {_sessions_in_words(len(during))} in it.")
        else:
            messages.success(request, "Time off added. Clients cannot book you then.")
        return redirect("coaching:time_off")
    upcoming = time_off_to_come(coach, timezone.now())
    return render(request, "coaching/settings_time_off.html", {"coach": coach, "form": form, "upcoming": upcoming})


def _sessions_in_words(count):
    return "1 session" if count == 1 else f"{count} sessions"


@coach_required
@require_POST
def time_off_remove(request, pk):
    away = get_visible_or_404(TimeOff, request.user, pk=pk)
    away.delete()
    time_opened(away.coach_id, away.starts_at, away.ends_at, cause="time_off_removed")
    messages.success(request, "Time off removed.")
    return redirect("coaching:time_off")
