"""Session notes: the one door through which every read and write passes.

`use_note(user, booking, action, ...)` decides who may do what, does it, and writes one
line of the audit trail. Nothing else in the code base reads or writes a note's text.

- The session's coach reads the whole note, writes drafts, signs, and adds addenda.
- The client reads the shared part (summary, homework, next steps, shared addenda) of a
  signed note of their own session, never the private part and never a draft.
- An admin sees that a note exists, its state and its audit history, never its text.
- Anyone else, and any action outside their role, gets a 404: the note does not exist
  for them. A signed note refuses edits (here, and in the database by a trigger); only
  dated addenda may follow.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import CharField, Count, DateTimeField, F, IntegerField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role

from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

from . import notices
from .models import NOTE_SECTIONS, SHARED_PARTS, SHOWN_STATUSES, Booking, NoteAddendum, NoteFormat, SessionNote, Status

READ = "read"
READ_SHARED = "read_shared"
SAVE_DRAFT = "save_draft"
SIGN = "sign"
ADD_ADDENDUM = "add_addendum"
INSPECT = "inspect"

COACH_ACTIONS = {READ, SAVE_DRAFT, SIGN, ADD_ADDENDUM}
# A note may be written once the session has begun and was not cancelled or a lapsed hold.
WRITABLE_STATUSES = SHOWN_STATUSES


class NoteRefused(ValueError):
    """The action is the user's to take, but not now (a reason they can act on)."""


class NoteLocked(NoteRefused):
    """A signed note refuses edits; an addendum is the way to add to it."""


class HiddenText:
    """Dataclasses below carry decrypted text: their repr names ids only, so an error
    report's local variables or a log line never show it."""

    def __repr__(self):
        ids = {k: getattr(self, k) for k in ("note_id", "booking_id") if hasattr(self, k)}
        return f"<{type(self).__name__} {ids} (text hidden)>"


@dataclass(frozen=True, repr=False)
class Addendum(HiddenText):
    written_at: datetime
    author_name: str
    text: str
    shared_with_client: bool


@dataclass(frozen=True, repr=False)
class CoachView(HiddenText):
    """The whole note, for the session's coach."""

    note_id: int
    booking_id: int
    format: str
    format_label: str
    sections: list  # [(key, label, text)] of the format's private sections
    shared: list  # [(key, label, text)]: summary, homework, next steps
    signed_at: datetime | None
    signed_by_name: str
    addenda: list = field(default_factory=list)

    @property
    def is_signed(self):
        return self.signed_at is not None


@dataclass(frozen=True, repr=False)
class SharedSummary(HiddenText):
    """What the client reads: the shared part of a signed note."""

    booking_id: int
    coach_name: str
    signed_at: datetime
    parts: list  # [(label, text)] with text
    addenda: list  # shared addenda only


@dataclass(frozen=True)
class NoteRecord:
    """What an admin sees: that the note exists, its state and history; no text."""

    note_id: int
    booking_id: int
    author_email: str
    state: str
    created_at: datetime
    signed_at: datetime | None
    signed_by_name: str
    addenda_count: int
    history: list  # AuditEvents, newest first


def _booking(booking):
    if isinstance(booking, Booking):
        return booking
    try:
        return Booking.objects.select_related("coach__user", "client").get(pk=booking)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


def _role_may(user, booking, action):
    """True when `user` may take `action` on the note of `booking`."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.COACH:
        return action in COACH_ACTIONS and booking.coach.user_id == user.pk
    if user.role == Role.CLIENT:
        return action == READ_SHARED and booking.client_id == user.pk
    if user.role == Role.ADMIN:
        return action == INSPECT
    return False


def coach_name(user):
    profile = getattr(user, "coach_profile", None)
    return (profile.display_name if profile else "") or user.name or user.email


def use_note(user, booking, action, *, request=None, now=None, **changes):
    """The one door to a session's note. Returns what the action yields (see below),
    writes one audit event per read or write, and raises Http404 for anyone who may not.

    read          coach → CoachView, or None when no note is written yet
    read_shared   client → SharedSummary of a signed note
    save_draft    coach, changes: format, private {section: text}, summary, homework, next_steps → CoachView
    sign          coach, same optional changes → CoachView (locked)
    add_addendum  coach, changes: text, shared_with_client → CoachView
    inspect       admin → NoteRecord
    """
    booking = _booking(booking)
    if not _role_may(user, booking, action):
        raise Http404("No session note here.")
    now = now or timezone.now()
    if action == READ:
        [note] = _NOTE_OF.objects(booking=booking.pk) or [None]
        if note is None:
            return None
        audit.record("note.read", actor=user, obj=note, request=request, booking_id=booking.pk)
        return _coach_view(note)
    if action == READ_SHARED:
        note = SessionNote.objects.filter(booking=booking, signed_at__isnull=False).select_related("author").first()
        if note is None:
            raise Http404("No shared summary for this session yet.")
        audit.record("note.read_shared", actor=user, obj=note, request=request, booking_id=booking.pk)
        return _shared_summary(note)
    if action == INSPECT:
        note = SessionNote.objects.filter(booking=booking).select_related("author").first()
        if note is None:
            raise Http404("No note for this session.")
        event = audit.record("note.inspected", actor=user, obj=note, request=request, booking_id=booking.pk)
        return _record(note, event)
    try:
        with transaction.atomic():
            note = _write(user, booking, action, now, changes)
            audit.record(f"note.{_past_tense[action]}", actor=user, obj=note, request=request, booking_id=booking.pk)
    except NoteLocked:
        note = SessionNote.objects.get(booking=booking)
        audit.record("note.edit_refused", actor=user, obj=note, request=request, booking_id=booking.pk, attempted=action)
        raise
    return _coach_view(note)


_past_tense = {SAVE_DRAFT: "draft_saved", SIGN: "signed", ADD_ADDENDUM: "addendum_added"}


def _write(user, booking, action, now, changes):
    note = SessionNote.objects.select_for_update().filter(booking=booking).first()
    if action == ADD_ADDENDUM:
        if note is None or not note.is_signed:
            raise NoteRefused("An addendum follows a signed note. Until you sign, edit the note itself.")
        text = (changes.get("text") or "").strip()
        if not text:
            raise NoteRefused("Please write the addendum first.")
        addendum = NoteAddendum.objects.create(
            note=note,
            author=user,
            author_name=coach_name(user),
            written_at=now,
            text=text,
            shared_with_client=bool(changes.get("shared_with_client")),
        )
        if addendum.shared_with_client:
            notices.owe(booking, notices.NoticeKind.SUMMARY_SHARED, key=f"addendum-{addendum.pk}")
        return note
    if note is not None and note.is_signed:
        raise NoteLocked("This note is signed and locked. You can add a dated addendum below.")
    if booking.status not in WRITABLE_STATUSES or booking.starts_at > now:
        raise NoteRefused("A note can be written once the session has begun.")
    if note is None:
        note = SessionNote(booking=booking, author=user)
    _apply(note, changes)
    if action == SIGN:
        if not _has_content(note):
            raise NoteRefused("There is nothing in this note to sign yet.")
        note.signed_at = now
        note.signed_by_name = coach_name(user)
    note.save()
    if action == SIGN and any(reveal(getattr(note, key)) for key, _ in SHARED_PARTS):
        notices.owe(booking, notices.NoticeKind.SUMMARY_SHARED)
    return note


def _apply(note, changes):
    if "format" in changes:
        note.format = NoteFormat(changes["format"])
    if "private" in changes:
        keys = [key for key, _ in NOTE_SECTIONS[NoteFormat(note.format)]]
        private = changes["private"] or {}
        note.private = {key: str(private.get(key) or "").strip() for key in keys}
    for key, _ in SHARED_PARTS:
        if key in changes:
            setattr(note, key, str(changes[key] or "").strip())


def _has_content(note):
    return any(reveal(note.private).values()) or any(reveal(getattr(note, key)) for key, _ in SHARED_PARTS)


# A note's page reads it and its addenda on every visit: compiled once (core.prepared).
_NOTE_OF = PreparedQuery(lambda: SessionNote.objects.filter(booking=Arg("booking", IntegerField()))[:1])
_ADDENDA = PreparedQuery(lambda: NoteAddendum.objects.filter(note=Arg("note", IntegerField())))
_SHARED_ADDENDA_OF = PreparedQuery(lambda: NoteAddendum.objects.filter(note=Arg("note", IntegerField()), shared_with_client=True))


def _addenda(note, *, shared_only=False):
    if hasattr(note, "shared_addenda"):  # fetched with the notes (see shared_summaries_for_export)
        rows = note.shared_addenda
    else:
        rows = (_SHARED_ADDENDA_OF if shared_only else _ADDENDA).objects(note=note.pk)
    return [Addendum(a.written_at, a.author_name, reveal(a.text), a.shared_with_client) for a in rows]


def _coach_view(note):
    private = reveal(note.private) or {}
    return CoachView(
        note_id=note.pk,
        booking_id=note.booking_id,
        format=note.format,
        format_label=NoteFormat(note.format).label,
        sections=[(key, label, private.get(key, "")) for key, label in NOTE_SECTIONS[NoteFormat(note.format)]],
        shared=[(key, label, reveal(getattr(note, key))) for key, label in SHARED_PARTS],
        signed_at=note.signed_at,
        signed_by_name=note.signed_by_name,
        addenda=_addenda(note),
    )


def _shared_summary(note):
    return SharedSummary(
        booking_id=note.booking_id,
        coach_name=note.signed_by_name,
        signed_at=note.signed_at,
        parts=[(label, reveal(getattr(note, key))) for key, label in SHARED_PARTS if reveal(getattr(note, key))],
        addenda=_addenda(note, shared_only=True),
    )


def _record(note, event):
    return NoteRecord(
        note_id=note.pk,
        booking_id=note.booking_id,
        author_email=note.author.email,
        state="signed" if note.is_signed else "draft",
        created_at=note.created_at,
        signed_at=note.signed_at,
        signed_by_name=note.signed_by_name,
        addenda_count=NoteAddendum.objects.filter(note=note).count(),
        history=list(audit.history(note)),
    )


# Lists that show no text (safe without the door) -----------------------------------------


# A coach's sessions for the tables of the sessions page and a client's record: each
# with its note's state (no text, so no audit), and only what the tables show. Both are
# asked on every visit: compiled once (core.prepared).
_SESSION_ROW_FIELDS = (
    "pk", "starts_at", "ends_at", "status", "client", "client__name", "client__email", "client__preferred_name", "client__pronouns",
)


def _session_rows():
    return (
        Booking.objects.filter(coach__user=Arg("coach_user", IntegerField()), status__in=SHOWN_STATUSES)
        .select_related("client")
        .only(*_SESSION_ROW_FIELDS)
        .annotate(note_pk=F("note__pk"), note_signed_at=F("note__signed_at"))
    )


_SESSIONS_BETWEEN = PreparedQuery(
    lambda: _session_rows()
    .filter(starts_at__gte=Arg("start", DateTimeField()), starts_at__lt=Arg("end", DateTimeField()))
    .order_by("starts_at")
)
_SESSIONS_WITH = PreparedQuery(lambda: _session_rows().filter(client=Arg("client", IntegerField())).order_by("-starts_at"))


def coach_sessions_between(coach_user, start, end):
    """The coach's shown sessions starting in [start, end), first first."""
    return _SESSIONS_BETWEEN.objects(coach_user=coach_user.pk, start=start, end=end)


def coach_sessions_with(coach_user, client):
    """The coach's shown sessions with `client`, latest first."""
    return _SESSIONS_WITH.objects(coach_user=coach_user.pk, client=client.pk)


def note_state(booking):
    """"signed", "draft" or None (no note yet) for a session of these lists."""
    if booking.note_pk is None:
        return None
    return "signed" if booking.note_signed_at else "draft"


# Grouped by the coach's user (one group), so that the count is one row.
_WAITING = PreparedQuery(
    lambda: Booking.objects.filter(coach__user=Arg("coach_user", IntegerField()))
    .filter(
        Q(status=Status.CONFIRMED, ends_at__lte=Arg("now", DateTimeField()))
        | Q(status=Status.COMPLETED, note__isnull=True)
        | Q(status=Status.COMPLETED, note__signed_at__isnull=True)
    )
    .order_by()
    .values("coach__user")
    .annotate(waiting=Count("pk"))
    .values_list("waiting")
)


def sessions_waiting_count(coach_user, *, now=None):
    """Past sessions of the coach that still need an outcome (completed or missed) or a
    signed note: a count only, no text, so no audit. Asked on most of a coach's pages, so
    compiled once (core.prepared)."""
    found = _WAITING.rows(coach_user=coach_user.pk, now=now or timezone.now())
    return found[0][0] if found else 0


def unread_summaries(client):
    """The client's signed session summaries they have not opened yet: the read is what the
    audit trail already records (`note.read_shared` by them), so no flag of its own."""
    opened = AuditEvent.objects.filter(
        actor=client, action="note.read_shared", object_type=SessionNote._meta.label_lower
    ).values("object_id")
    return (
        SessionNote.objects.filter(booking__client=client, signed_at__isnull=False)
        .annotate(key=Cast("pk", CharField()))
        .exclude(key__in=opened)
    )


# The client's list of summaries: compiled once (core/prepared.py).
_SIGNED_SESSIONS = PreparedQuery(
    lambda: Booking.objects.filter(client=Arg("client", IntegerField()), note__signed_at__isnull=False)
    .select_related("coach")
    .only("pk", "starts_at", "coach__display_name")
    .order_by("-starts_at")
)


def sessions_with_summaries(client):
    """The client's sessions with a signed note (its summary is theirs to read), newest first."""
    return _SIGNED_SESSIONS.objects(client=client.pk)


_SIGNED_NOTES = PreparedQuery(
    lambda: SessionNote.objects.filter(booking__client=Arg("client", IntegerField()), signed_at__isnull=False).order_by("booking__starts_at")
)
_SHARED_ADDENDA = PreparedQuery(
    lambda: NoteAddendum.objects.filter(note__booking__client=Arg("client", IntegerField()), note__signed_at__isnull=False, shared_with_client=True)
)


def shared_summaries_for_export(client):
    """Every shared summary of `client`'s signed notes. The door's rule for a client (their
    own signed notes) in one query, and its audit event for each note, written together."""
    if not (client.is_authenticated and client.is_active and client.role == Role.CLIENT):
        return []
    found = _SIGNED_NOTES.objects(client=client.pk)
    addenda = {}
    for addendum in _SHARED_ADDENDA.objects(client=client.pk) if found else ():
        addenda.setdefault(addendum.note_id, []).append(addendum)
    for note in found:
        note.shared_addenda = addenda.get(note.pk, [])
    audit.record_many("note.read_shared", actor=client, objs=found, details=lambda note: {"booking_id": note.booking_id})
    return [_shared_summary(note) for note in found]


def erase_for_client(client):
    """Remove the notes of `client`'s sessions (account deletion). Audited per note, no text.

    Signed notes are locked by a trigger; the database function that removes them is the
    one way round it the application may take, and it removes one client's notes only
    (its migration in coaching)."""
    with transaction.atomic():
        notes = list(SessionNote.objects.filter(booking__client=client))
        for note in notes:
            audit.record("note.erased", obj=note, booking_id=note.booking_id, because="account_deleted")
        with connection.cursor() as cursor:
            cursor.execute("SELECT coaching_erase_client_notes(%s)", [client.pk])
    return len(notes)
