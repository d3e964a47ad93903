"""The coach's sessions, notes and client record; the admin's view of notes. Thin: the
rules are in bookings/notes.py (the one door to note text) and bookings/transitions.py."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import IntegerField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts.access import admin_required, client_required, coach_required
from accounts.backends import load_person
from accounts.models import Role
from clients import access as intake_access
from clients import progress
from clients.relations import coach_knows_client
from core.prepared import Arg, PreparedQuery

from .. import notes, transitions
from ..errors import BookingRefused
from ..models import SHOWN_STATUSES, Booking, NoteFormat, SessionNote, Status
from .note_forms import AddendumForm, SessionNoteForm

CALENDAR_PAST = timedelta(days=60)
CALENDAR_AHEAD = timedelta(days=60)


def _rows(bookings, now):
    """Sessions (of notes.coach_sessions_*) with what each one still needs from the coach."""
    rows = []
    for booking in bookings:
        state = notes.note_state(booking)
        rows.append(
            {
                "booking": booking,
                "note_state": state,
                "note_missing": booking.status == Status.COMPLETED and state != "signed",
                "needs_outcome": booking.status == Status.CONFIRMED and booking.ends_at <= now,
                "may_mark_missed": transitions.may_mark_no_show(booking, now),
            }
        )
    return rows


@coach_required
def sessions(request):
    now = timezone.now()
    rows = _rows(notes.coach_sessions_between(request.user, now - CALENDAR_PAST, now + CALENDAR_AHEAD), now)
    upcoming = [r for r in rows if r["booking"].starts_at > now]
    past = list(reversed([r for r in rows if r["booking"].starts_at <= now]))
    missing = [r for r in past if r["note_missing"] or r["needs_outcome"]]
    return render(request, "coaching/notes/sessions.html", {"upcoming": upcoming, "past": past, "missing": missing})


# A note's page and the outcome buttons ask it: compiled once (core.prepared), with the
# coach's profile, which the note's door checks.
_COACH_BOOKING = PreparedQuery(
    lambda: Booking.objects.filter(
        coach__user=Arg("coach_user", IntegerField()), status__in=SHOWN_STATUSES, pk=Arg("pk", IntegerField())
    ).select_related("client", "session_type", "coach")
)


def _coach_booking(request, pk):
    [booking] = _COACH_BOOKING.objects(coach_user=request.user.pk, pk=pk) or [None]
    if booking is None:
        raise Http404("No such session.")
    return booking


@coach_required
@require_POST
def mark_completed(request, pk):
    booking = _coach_booking(request, pk)
    try:
        transitions.complete(booking)
    except BookingRefused as error:
        messages.error(request, str(error))
        return redirect("coaching:sessions")
    messages.success(request, "Marked as completed. Your note for this session is next.")
    return redirect("coaching:session_note", pk=booking.pk)


@coach_required
@require_POST
def mark_missed(request, pk):
    booking = _coach_booking(request, pk)
    try:
        transitions.mark_no_show(booking, actor=request.user, request=request)
    except BookingRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as missed.")
    return redirect("coaching:sessions")


@sensitive_post_parameters()
@coach_required
@sensitive_variables()  # innermost: it hides the locals of the frame it calls directly
def session_note(request, pk):
    booking = _coach_booking(request, pk)
    view = notes.use_note(request.user, booking, notes.READ, request=request) if request.method == "GET" else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "addendum":
                form = AddendumForm(request.POST)
                if form.is_valid():
                    notes.use_note(request.user, booking, notes.ADD_ADDENDUM, request=request, **form.cleaned_data)
                    messages.success(request, "Addendum added.")
                    return redirect("coaching:session_note", pk=booking.pk)
                raise notes.NoteRefused("Please write the addendum first.")
            if action == "sign_confirmed":
                # The draft was saved when the coach asked to sign; this signs it as saved.
                notes.use_note(request.user, booking, notes.SIGN, request=request)
                messages.success(request, "Signed and locked.")
                return redirect("coaching:session_note", pk=booking.pk)
            note_format = request.POST.get("format", NoteFormat.DAP)
            if note_format not in NoteFormat.values:
                raise notes.NoteRefused("Please choose one of the note formats offered (DAP or SOAP).")
            form = SessionNoteForm(request.POST, note_format=note_format)
            if form.is_valid():
                notes.use_note(request.user, booking, notes.SAVE_DRAFT, request=request, **form.changes())
                if action == "sign":
                    # Signing cannot be undone: keep what was written, then ask once more.
                    return redirect(f"{reverse('coaching:session_note', args=[booking.pk])}?confirm=sign")
                messages.success(request, "Draft saved.")
                return redirect("coaching:session_note", pk=booking.pk)
        except notes.NoteRefused as error:
            messages.error(request, str(error))
            return redirect("coaching:session_note", pk=booking.pk)
    else:
        chosen = request.GET.get("format")
        note_format = view.format if view else (chosen if chosen in NoteFormat.values else NoteFormat.DAP)
        if view and not view.is_signed and chosen in NoteFormat.values:
            note_format = chosen
        form = None if view and view.is_signed else SessionNoteForm(note_format=note_format, initial=SessionNoteForm.initial_from(view))
    context = {
        "booking": booking,
        "view": view,
        "form": form,
        "addendum_form": AddendumForm() if view and view.is_signed else None,
        "formats": NoteFormat.choices,
        "may_write": booking.starts_at <= timezone.now(),
        "confirm_sign": request.method == "GET" and request.GET.get("confirm") == "sign" and view and not view.is_signed,
    }
    return render(request, "coaching/notes/note.html", context)


@coach_required
def client_record(request, client_id):
    client = load_person(client_id)
    if client is None or client.role != Role.CLIENT or not coach_knows_client(request.user, client):
        raise Http404("No such client.")
    now = timezone.now()
    rows = _rows(notes.coach_sessions_with(request.user, client), now)
    context = {
        "client": client,
        "upcoming": [r for r in rows if r["booking"].starts_at > now][::-1],
        "past": [r for r in rows if r["booking"].starts_at <= now],
        "log_shared": progress.coach_may_see_log(request.user, client),
        "intake": intake_access.read_intake_summary_of(request.user, client, request),
    }
    return render(request, "coaching/notes/client_record.html", context)


@client_required
def shared_summaries(request):
    """The client's signed session summaries, newest first."""
    return render(request, "coaching/notes/summaries.html", {"bookings": notes.sessions_with_summaries(request.user)})


@client_required
@sensitive_variables()
def shared_summary(request, pk):
    booking = get_object_or_404(Booking.objects.filter(client=request.user), pk=pk)
    summary = notes.use_note(request.user, booking, notes.READ_SHARED, request=request)
    return render(request, "coaching/notes/summary.html", {"booking": booking, "summary": summary})


@admin_required
def admin_notes(request):
    """Every note's existence and state, for admins: no text (so no door, no audit)."""
    rows = SessionNote.objects.select_related("booking__coach", "booking__client").only(
        "id", "signed_at", "signed_by_name", "created_at", "booking__id", "booking__starts_at",
        "booking__coach__display_name", "booking__client__email", "booking__client__name",
        "booking__client__preferred_name", "booking__client__pronouns",
    ).order_by("-created_at")[:200]
    return render(request, "coaching/notes/admin_list.html", {"rows": rows})


@admin_required
def admin_note(request, pk):
    booking = get_object_or_404(Booking, pk=pk)
    record = notes.use_note(request.user, booking, notes.INSPECT, request=request)
    return render(request, "coaching/notes/admin_note.html", {"booking": booking, "record": record})

